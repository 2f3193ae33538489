"""One turn of the conversation: the user's state, where they are in the routine, and the response.

Handlers stay thin: they decide what the user asked for and call one method here. Where the routine
goes next is skill.navigation's (pure logic); how a turn sounds and looks is skill.render's.
"""

from __future__ import annotations

import datetime

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import get_supported_interfaces
from ask_sdk_model import Response

from content.errors import LengthOutOfReach
from content.spoken import minutes_words, number_words
from skill.context import SkillContext
from skill.navigation import Turn, Walkthrough
from skill.render import screen, turn_ssml
from skill.slots import SlotReader
from skill.speech import say
from skill.ssml import plain
from skill.state import Offer, Position, UserState

STATE_KEY = "stretch_coach"
# After this many starts of a routine its user knows the exercises: the brief instructions. The
# short introduction comes from the second session on (the red flags stay in every introduction).
BRIEF_AFTER_STARTS = 3


class Conversation:
    def __init__(self, handler_input: HandlerInput, context: SkillContext):
        self.input = handler_input
        self.context = context
        attributes = handler_input.attributes_manager
        session = attributes.session_attributes
        if STATE_KEY not in session:
            session[STATE_KEY] = dict(attributes.persistent_attributes)
        self.state = UserState.from_attributes(session[STATE_KEY])
        self.slots = SlotReader(handler_input.request_envelope.request, context.vocabulary)

    # -- state ----------------------------------------------------------------------------
    def save(self) -> None:
        data = self.state.to_attributes()
        manager = self.input.attributes_manager
        manager.session_attributes[STATE_KEY] = data
        manager.persistent_attributes = {k: v for k, v in data.items() if k != "offer"}

    @property
    def position(self) -> Position | None:
        return self.state.position

    def walkthrough(self) -> Walkthrough:
        position = self.position
        return self.context.walkthrough(position.routine, position.minutes, self.state.hold_scale, position.brief,
                                        position.returning)

    def turn(self) -> Turn:
        """The turn last spoken (or interrupted)."""
        return self.walkthrough().clamp(Turn(self.position.index, self.position.part))

    def resume_turn(self) -> Turn:
        """Where 'resume' and 'yes' pick up: the same turn if it was interrupted, else the next one."""
        turn = self.turn()
        return turn if self.position.status == "paused" else self.walkthrough().following(turn)

    def exercise_name(self, index: int | None = None) -> str:
        return self.walkthrough().name(self.position.index if index is None else index)

    def routine_title(self) -> str:
        return self.context.title(self.position.routine)

    def in_routine(self) -> bool:
        return self.position is not None and self.position.status != "finished"

    def finished(self) -> bool:
        return self.position is not None and self.position.status == "finished"

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

    def which_routine(self) -> str:
        return say("which_routine", names=self.context.routine_names())

    def which(self, lead: str = "") -> Response:
        question = self.which_routine()
        return self.ask(f"{lead} {question}".strip(), question)

    def carry_on(self) -> tuple[str, str]:
        """The question that ends a turn, and its reprompt: what 'yes' would do next."""
        if not self.in_routine():
            question = self.which_routine()
            return question, question
        walk, turn = self.walkthrough(), self.turn()
        ahead = self.resume_turn()
        current = walk.name(turn.exercise)
        if walk.is_closing(ahead):
            return (say("last_go_on", current=current),
                    say("last_go_on_reprompt", current=current, routine=self.routine_title()))
        if ahead.exercise == turn.exercise:
            return say("part_go_on", current=current), say("part_go_on_reprompt", current=current)
        upcoming = walk.name(ahead.exercise)
        return say("go_on", next=upcoming), say("go_on_reprompt", next=upcoming, current=current)

    def answer(self, text: str) -> Response:
        """An answer to a question, then the way on."""
        question, reprompt = self.carry_on()
        return self.ask(f"{text} {question}", reprompt)

    def offer(self, offer: Offer, speech: str, reprompt: str) -> Response:
        self.state.offer = offer
        return self.ask(speech, reprompt)

    def play(self, turn: Turn, prefix: str = "", intro: bool = False) -> Response:
        """One turn of the routine: an exercise (or part of one) and the question that leads on, or the
        closing, which ends the session."""
        walk = self.walkthrough()
        turn = walk.clamp(turn)
        position = self.position
        self.state.offer = None
        if walk.is_closing(turn):
            return self.close(walk, prefix)
        position.index, position.part, position.status = turn.exercise, turn.part, "playing"
        question, reprompt = self.carry_on()
        builder = self.input.response_builder
        builder.speak(turn_ssml(walk.steps(turn), before=[prefix] if prefix else [],
                                intro=walk.intro if intro else (), after=[question]))
        builder.ask(plain(reprompt))
        if self.has_screen():
            builder.add_directive(screen(walk, turn.exercise, self.routine_title()))
        self.save()
        return builder.response

    def close(self, walk: Walkthrough, prefix: str = "") -> Response:
        position = self.position
        position.index, position.part, position.status = walk.count - 1, 0, "finished"
        self.state.history.finish(position.routine, self.today())
        after = [say("streak", days=number_words(self.state.history.streak))] if self.state.history.streak > 1 else []
        builder = self.input.response_builder
        builder.speak(turn_ssml(walk.closing, before=[prefix] if prefix else [], after=after))
        builder.set_should_end_session(True)
        self.save()
        return builder.response

    def start(self, routine_id: str, minutes: int | None) -> Response:
        if minutes is not None:
            from content.options import MINUTES_RANGE  # with the pydantic models: not at a cold start's import

            minutes = min(max(minutes, MINUTES_RANGE[0]), MINUTES_RANGE[1])
        started = self.state.history.started
        brief = started.get(routine_id, 0) >= BRIEF_AFTER_STARTS
        returning = sum(started.values()) > 0  # a session before this one, of any routine
        try:
            self.context.walkthrough(routine_id, minutes, self.state.hold_scale, brief, returning)
        except LengthOutOfReach as reach:
            nearest, title = reach.nearest_min, self.context.title(routine_id)
            if reach.shortest_min < minutes < reach.longest_min:  # inside the range, between two lengths it can take
                question = say("between_lengths", title=title, asked=number_words(minutes),
                               nearest=number_words(nearest))
            else:
                question = say("out_of_reach", title=title, shortest=number_words(reach.shortest_min),
                               longest=number_words(reach.longest_min), nearest=number_words(nearest))
            return self.offer(Offer("start", routine_id, nearest), question,
                              say("out_of_reach_reprompt", nearest=number_words(nearest)))
        self.state.position = Position(routine=routine_id, minutes=minutes, index=0, brief=brief, returning=returning)
        self.state.disclaimer_given = True  # every routine's intro carries it
        started[routine_id] = started.get(routine_id, 0) + 1
        return self.play(Turn(0), intro=True)

    def has_screen(self) -> bool:
        return get_supported_interfaces(self.input).alexa_presentation_apl is not None

    def length_words(self, routine_id: str, minutes: int | None = None) -> str:
        return minutes_words(self.context.walkthrough(routine_id, minutes, self.state.hold_scale).script.duration_s)
