"""Continuous play: a routine's published MP3 streamed through Alexa's AudioPlayer.

"Alexa, ask stretch coach to play my hip routine" starts the stream; after that the person
controls it without the skill's name ("Alexa, pause / resume / next / previous / start over"),
which reaches us as built-in intents carrying the AudioPlayer context of our stream, or as
PlaybackController requests from buttons. The device reports what the player did
(PlaybackStarted/Stopped/Finished/...); we keep the offset in the persistent store so "resume"
works in a later session too. Answers to player events and button presses carry no speech.
"""

from __future__ import annotations

import datetime
import hashlib
import logging

from ask_sdk_core.utils import get_supported_interfaces, is_intent_name, is_request_type
from ask_sdk_model.interfaces.audioplayer import (AudioItem, AudioItemMetadata, PlayBehavior, PlayDirective,
                                                  StopDirective, Stream)

from skill import audio
from skill.context import SkillContext
from skill.conversation import Conversation
from skill.handlers.base import SkillHandler
from skill.handlers.routines import StartRoutineHandler
from skill.speech import say
from skill.ssml import plain
from skill.state import Playback, UserState

log = logging.getLogger(__name__)

TOKEN_PREFIX = "sc1:"  # ours, and the token format's version
PREVIOUS_GRACE_MS = 3000  # "previous" within this long of a chapter's start goes to the chapter before


def stream_token(user_id: str, routine_id: str) -> str:
    """Identifies user, routine and options (the published default) in a few characters."""
    digest = hashlib.sha256(f"{user_id}|{routine_id}|default".encode()).hexdigest()[:12]
    return f"{TOKEN_PREFIX}{routine_id}:{digest}"


def token_routine(token: str | None) -> str | None:
    """The routine a token of ours names, or None for anything else's token."""
    if not token or not token.startswith(TOKEN_PREFIX):
        return None
    return token[len(TOKEN_PREFIX):].rpartition(":")[0] or None


def has_audio_player(handler_input) -> bool:
    return get_supported_interfaces(handler_input).audio_player is not None


def our_player_context(handler_input):
    """The request's AudioPlayer context when it is about our stream, else None."""
    context = handler_input.request_envelope.context
    player = getattr(context, "audio_player", None) if context else None
    return player if player is not None and token_routine(player.token) else None


class Player:
    """The user's state for one player request. Player events and button presses come without a
    session, so the state is read from and written to the persistent store directly; inside a
    session it goes through the Conversation, as every other turn's does."""

    def __init__(self, handler_input, context: SkillContext):
        self.input = handler_input
        self.context = context
        self.talk = Conversation(handler_input, context) if handler_input.request_envelope.session else None
        self.state = self.talk.state if self.talk else UserState.from_attributes(
            dict(handler_input.attributes_manager.persistent_attributes))

    @property
    def playback(self) -> Playback | None:
        return self.state.playback

    def user_id(self) -> str:
        return self.input.request_envelope.context.system.user.user_id

    def offset_now(self) -> int:
        """Where the player is: from the request when it is about our stream, else as stored."""
        player = our_player_context(self.input)
        if player is not None and player.offset_in_milliseconds is not None:
            return int(player.offset_in_milliseconds)
        return self.playback.offset_ms if self.playback else 0

    def save(self) -> None:
        if self.talk:
            self.talk.save()
            return
        data = self.state.to_attributes()
        self.input.attributes_manager.persistent_attributes = {k: v for k, v in data.items() if k != "offer"}

    def record(self, token: str | None, offset_ms: int | None, status: str) -> None:
        """What a player event reports about our stream; events about another token are ignored."""
        routine = token_routine(token)
        if routine is None:
            return
        if self.playback is None or self.playback.token != token:
            self.state.playback = Playback(routine=routine, token=token)
        if offset_ms is not None:
            self.playback.offset_ms = int(offset_ms)
        self.playback.status = status
        self.save()

    # -- responses ------------------------------------------------------------------------
    def play(self, routine_id: str, offset_ms: int, speech: str | None = None):
        token = stream_token(self.user_id(), routine_id)
        self.state.playback = Playback(routine=routine_id, token=token, offset_ms=offset_ms, status="playing")
        self.save()
        builder = self.input.response_builder
        if speech:
            builder.speak(plain(speech))
        metadata = AudioItemMetadata(title=self.context.title(routine_id).capitalize(), subtitle="Stretch Coach")
        builder.add_directive(PlayDirective(
            play_behavior=PlayBehavior.REPLACE_ALL,
            audio_item=AudioItem(stream=Stream(token=token, url=audio.stream_url(routine_id),
                                               offset_in_milliseconds=offset_ms), metadata=metadata)))
        return builder.set_should_end_session(True).response

    def stop(self):
        self.input.response_builder.add_directive(StopDirective())
        return self.input.response_builder.set_should_end_session(True).response

    def nothing(self):
        return self.input.response_builder.response


def _is_command(name: str):
    return is_request_type(f"PlaybackController.{name}CommandIssued")


# -- starting ---------------------------------------------------------------------------------
class PlayRoutineHandler(SkillHandler):
    """'Play my hip routine': the published MP3 on devices with a player, the guided conversation
    on the others (and wherever no audio has been published)."""

    def can_handle(self, handler_input) -> bool:
        return is_intent_name("PlayRoutineIntent")(handler_input)

    def handle(self, handler_input):
        player = Player(handler_input, self.context)
        talk = player.talk
        routine = talk.slots.routine()
        if routine is None or not has_audio_player(handler_input) or not audio.available():
            if routine is not None and has_audio_player(handler_input):
                log.warning("no published audio (STRETCH_COACH_AUDIO_URL), so %s is guided instead", routine)
            return StartRoutineHandler(self.context).respond(talk)
        started = talk.state.history.started
        started[routine] = started.get(routine, 0) + 1
        talk.state.disclaimer_given = True  # every routine's introduction carries it
        return player.play(routine, 0, say("play_starting", routine=self.context.title(routine)))


# -- the person's commands, by voice (intent with our player context) or button -------------
class PlayerCommandHandler(SkillHandler):
    intent: str = ""
    command: str = ""

    def can_handle(self, handler_input) -> bool:
        if self.command and _is_command(self.command)(handler_input):
            return True
        return is_intent_name(self.intent)(handler_input) and our_player_context(handler_input) is not None

    def handle(self, handler_input):
        player = Player(handler_input, self.context)
        if player.playback is None:  # a stream of ours the store has forgotten: go by its token
            context = our_player_context(handler_input)
            if context is None:
                return player.nothing()
            routine = token_routine(context.token)
            player.state.playback = Playback(routine=routine, token=stream_token(player.user_id(), routine))
        return self.act(player)

    def act(self, player: Player):
        raise NotImplementedError


class PlaybackPauseHandler(PlayerCommandHandler):
    intent, command = "AMAZON.PauseIntent", "Pause"

    def act(self, player):
        return player.stop()  # the offset arrives with PlaybackStopped


class PlaybackStopHandler(PlaybackPauseHandler):
    """'Alexa, stop' while our stream plays stops it and keeps the place, as pause does."""

    intent, command = "AMAZON.StopIntent", ""


class PlaybackCancelHandler(PlaybackStopHandler):
    intent = "AMAZON.CancelIntent"


class PlaybackResumeHandler(PlayerCommandHandler):
    """Resume where the player stopped. Also in a later session ('Alexa, ask stretch coach to
    resume'), when the last thing this user did was play a routine on a device with a player."""

    intent, command = "AMAZON.ResumeIntent", "Play"

    def can_handle(self, handler_input) -> bool:
        if super().can_handle(handler_input):
            return True
        if not (is_intent_name(self.intent)(handler_input) and has_audio_player(handler_input)):
            return False
        playback = Player(handler_input, self.context).playback
        return playback is not None and playback.status == "stopped"

    def act(self, player):
        playback = player.playback
        offset = 0 if playback.status == "finished" else playback.offset_ms
        return player.play(playback.routine, offset)


class PlaybackStartOverHandler(PlayerCommandHandler):
    intent = "AMAZON.StartOverIntent"

    def act(self, player):
        return player.play(player.playback.routine, 0)


class PlaybackNextHandler(PlayerCommandHandler):
    """The next chapter's start; at the last chapter the stream plays on."""

    intent, command = "AMAZON.NextIntent", "Next"

    def act(self, player):
        now = player.offset_now()
        later = [start for start in audio.chapter_starts(player.playback.routine) if start > now]
        return player.play(player.playback.routine, later[0]) if later else player.nothing()


class PlaybackPreviousHandler(PlayerCommandHandler):
    """The start of this chapter, or of the one before when this one has only just begun (as a
    music player's back button does)."""

    intent, command = "AMAZON.PreviousIntent", "Previous"

    def act(self, player):
        now = player.offset_now()
        earlier = [start for start in audio.chapter_starts(player.playback.routine) if start < now - PREVIOUS_GRACE_MS]
        return player.play(player.playback.routine, earlier[-1] if earlier else 0)


# -- what the device reports about our stream --------------------------------------------------
class PlayerEventHandler(SkillHandler):
    event: str = ""
    status: str | None = None  # what to record, or None to record nothing

    def can_handle(self, handler_input) -> bool:
        return is_request_type(f"AudioPlayer.{self.event}")(handler_input)

    def handle(self, handler_input):
        request = handler_input.request_envelope.request
        if self.status and token_routine(request.token):
            player = Player(handler_input, self.context)
            self.update(player, request)
        return handler_input.response_builder.response

    def update(self, player: Player, request) -> None:
        player.record(request.token, request.offset_in_milliseconds, self.status)


class PlaybackStartedHandler(PlayerEventHandler):
    event, status = "PlaybackStarted", "playing"


class PlaybackStoppedHandler(PlayerEventHandler):
    event, status = "PlaybackStopped", "stopped"


class PlaybackNearlyFinishedHandler(PlayerEventHandler):
    event = "PlaybackNearlyFinished"  # one track per routine: nothing to enqueue


class PlaybackFinishedHandler(PlayerEventHandler):
    """The routine played to its end: it counts as done, as a guided routine's closing does."""

    event, status = "PlaybackFinished", "finished"

    def update(self, player, request):
        player.record(request.token, 0, "finished")
        stamp = request.timestamp
        player.state.history.finish(player.playback.routine, stamp.date() if stamp else datetime.date.today())
        player.save()


class PlaybackFailedHandler(PlayerEventHandler):
    """Logged; the place is kept so 'resume' can try again. No speech can follow a player event."""

    event, status = "PlaybackFailed", "stopped"

    def update(self, player, request):
        error = request.error
        log.error("playback of %s failed: %s %s", request.token, error.object_type if error else "",
                  error.message if error else "")
        state = request.current_playback_state
        offset = state.offset_in_milliseconds if state and state.token == request.token else None
        player.record(request.token, offset, "stopped")


PLAYBACK_HANDLERS = (
    PlayRoutineHandler, PlaybackPauseHandler, PlaybackStopHandler, PlaybackCancelHandler, PlaybackResumeHandler,
    PlaybackStartOverHandler, PlaybackNextHandler, PlaybackPreviousHandler, PlaybackStartedHandler,
    PlaybackStoppedHandler, PlaybackNearlyFinishedHandler, PlaybackFinishedHandler, PlaybackFailedHandler,
)

__all__ = ["PLAYBACK_HANDLERS", "stream_token", "token_routine"]
