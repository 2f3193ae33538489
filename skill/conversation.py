"""One turn of the conversation: the user's state, the routine's Script, and the response.

Handlers stay thin: they decide what the user asked for and call one method here.
"""

from __future__ import annotations

import datetime
import functools
from pathlib import Path
from typing import TYPE_CHECKING

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import get_supported_interfaces
from ask_sdk_model import Response

from content.spoken import minutes_words, number_words
from skill.interaction_model import resolve
from skill.screen import exercise_screen
from skill.ssml import MAX_CHARACTERS, SsmlBuilder, plain
from skill.state import Position, UserState

if TYPE_CHECKING:
    from content import Library, Script, Step

STATE_KEY = "stretch_coach"


@functools.cache
def library() -> Library:
    from content import load_library  # YAML and the schema models load on the first turn that needs them

    return load_library()


@functools.cache
def phrases() -> dict[str, str]:
    import yaml

    return yaml.safe_load((Path(__file__).parent / "speech.yaml").read_text(encoding="utf-8"))


def say(key: str, **values) -> str:
    return phrases()[key].format(**values)


@functools.lru_cache(maxsize=128)
def script_for(routine: str, minutes: int | None, hold_scale: float) -> Script:
    from content import compile_routine

    return compile_routine(library(), routine, minutes, hold_scale)


def routine_title(routine_id: str) -> str:
    return library().routine(routine_id).title


class Conversation:
    def __init__(self, handler_input: HandlerInput):
        self.input = handler_input
        attributes = handler_input.attributes_manager
        session = attributes.session_attributes
        if STATE_KEY not in session:
            session[STATE_KEY] = dict(attributes.persistent_attributes)
        self.state = UserState.from_attributes(session[STATE_KEY])

    # -- state ----------------------------------------------------------------------------
    def save(self) -> None:
        data = self.state.to_attributes()
        manager = self.input.attributes_manager
        manager.session_attributes[STATE_KEY] = data
        manager.persistent_attributes = {k: v for k, v in data.items() if k != "offer"}

    @property
    def position(self) -> Position | None:
        return self.state.position

    def script(self) -> Script:
        return script_for(self.position.routine, self.position.minutes, self.state.hold_scale)

    def groups(self) -> list[list[Step]]:
        """[intro, exercise 1, ..., exercise n, closing]"""
        return self.script().exercise_steps()

    def exercise_count(self) -> int:
        return len(self.groups()) - 2

    def exercise(self, index: int | None = None) -> list[Step]:
        """The steps of one exercise of the routine; the current one by default."""
        return self.groups()[1 + (self.position.index if index is None else index)]

    def exercise_name(self, index: int | None = None) -> str:
        return self.exercise(index)[0].name

    def in_routine(self) -> bool:
        return self.position is not None and self.position.status != "finished"

    def resume_index(self) -> int:
        """Where 'resume' picks up: the same exercise if it was interrupted, else the next one."""
        return self.position.index if self.position.status == "paused" else self.position.index + 1

    def today(self) -> datetime.date:
        stamp = self.input.request_envelope.request.timestamp
        return stamp.date() if stamp else datetime.date.today()

    # -- responses ------------------------------------------------------------------------
    def ask(self, speech: str, reprompt: str) -> Response:
        self.save()
        return self.input.response_builder.speak(plain(speech)).ask(plain(reprompt)).response

    def tell(self, speech: str) -> Response:
        self.save()
        return self.input.response_builder.speak(plain(speech)).set_should_end_session(True).response

    def which(self) -> Response:
        return self.ask(say("which_routine"), say("which_routine"))

    def play(self, index: int, prefix: str = "", intro: bool = False) -> Response:
        """A whole exercise (every side and set), then the offer to go on; after the last one (or
        past it, when the last was skipped), the closing, and the session ends."""
        position = self.position
        count = self.exercise_count()
        position.index, position.status = min(index, count - 1), "playing"
        groups = self.groups()
        current = groups[1 + position.index]
        finishing = index >= count - 1
        if finishing:
            position.status = "finished"
            self.state.history.finish(position.routine, self.today())

        def render(sparse: bool) -> str:
            speech = SsmlBuilder(sparse)
            if prefix:
                speech.text(prefix)
            if intro:
                speech.steps(groups[0])
            if index < count:
                speech.steps(current)
            if finishing:
                speech.steps(groups[-1])
                if self.state.history.streak > 1:
                    speech.text(say("streak", days=number_words(self.state.history.streak)))
            else:
                speech.text(say("go_on"))
            return speech.ssml()

        ssml = render(sparse=False)
        if len(ssml) > MAX_CHARACTERS:
            ssml = render(sparse=True)
        builder = self.input.response_builder
        if finishing:
            builder.set_should_end_session(True)
        else:
            builder.ask(plain(say("go_on_reprompt", next=groups[2 + index][0].name, current=current[0].name)))
        builder.speak(ssml)
        if self.has_screen():
            builder.add_directive(exercise_screen(current, routine_title(position.routine),
                                                  sum(step.duration_s for step in current)))
        self.save()
        return builder.response

    def start(self, routine_id: str, minutes: int | None) -> Response:
        self.state.position = Position(routine=routine_id, minutes=minutes, index=0)
        self.state.offer = None
        self.state.disclaimer_given = True  # every routine's intro carries it
        started = self.state.history.started
        started[routine_id] = started.get(routine_id, 0) + 1
        return self.play(0, intro=True)

    def has_screen(self) -> bool:
        return get_supported_interfaces(self.input).alexa_presentation_apl is not None

    # -- slots ----------------------------------------------------------------------------
    def slot(self, name: str) -> str | None:
        intent = getattr(self.input.request_envelope.request, "intent", None)
        slot = (intent.slots or {}).get(name) if intent else None
        if slot is None:
            return None
        for authority in (slot.resolutions.resolutions_per_authority if slot.resolutions else None) or []:
            if authority.status.code.value == "ER_SUCCESS_MATCH" and authority.values:
                return authority.values[0].value.id
        return slot.value

    def routine_slot(self) -> str | None:
        return resolve("routines", self.slot("routine"))

    def minutes_slot(self) -> int | None:
        value = self.slot("minutes")
        return int(value) if value and value.isdigit() and 3 <= int(value) <= 90 else None

    def length_words(self, routine_id: str, minutes: int | None = None) -> str:
        return minutes_words(script_for(routine_id, minutes, self.state.hold_scale).duration_s)
