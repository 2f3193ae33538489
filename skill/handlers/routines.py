"""Choosing a routine: start one, list them, say what's in one and how long it takes, hold length."""

from __future__ import annotations

from content.spoken import number_words
from skill.conversation import Conversation, library, routine_title, say, script_for
from skill.handlers.base import IntentHandler
from skill.handlers.navigation import TimeLeftHandler
from skill.interaction_model import resolve


class StartRoutineHandler(IntentHandler):
    intent = "StartRoutineIntent"

    def respond(self, talk: Conversation):
        routine = talk.routine_slot()
        if routine is None:
            return talk.ask(say("unknown_routine", which=say("which_routine")), say("which_routine"))
        return talk.start(routine, talk.minutes_slot())


def _listing(talk: Conversation) -> str:
    lines = [say("routine_line", title=r.title, length=talk.length_words(r.id)) for r in library().routines.values()]
    return ", ".join(lines[:-1]) + ", and " + lines[-1]


class ListRoutinesHandler(IntentHandler):
    intent = "ListRoutinesIntent"

    def respond(self, talk):
        return talk.ask(say("routines_list", listing=_listing(talk)), say("which_routine"))


def _asked_or_current(talk: Conversation) -> str | None:
    return talk.routine_slot() or (talk.position.routine if talk.position else None)


class DescribeRoutineHandler(IntentHandler):
    intent = "DescribeRoutineIntent"

    def respond(self, talk):
        routine = _asked_or_current(talk)
        if routine is None:
            return talk.ask(say("routines_list", listing=_listing(talk)), say("which_routine"))
        minutes = talk.position.minutes if talk.position and talk.position.routine == routine else None
        script = script_for(routine, minutes, talk.state.hold_scale)
        names = [library().exercise(e).name for e in script.exercise_ids()]
        text = say("describe", title=routine_title(routine), length=talk.length_words(routine, minutes),
                   count=number_words(len(names)), names=", ".join(names[:-1]) + " and " + names[-1])
        return talk.ask(text, say("which_routine") if not talk.in_routine() else say("go_on"))


class HowLongHandler(IntentHandler):
    intent = "HowLongIntent"

    def respond(self, talk):
        routine = talk.routine_slot()
        if routine is None and talk.in_routine():
            return TimeLeftHandler().respond(talk)
        if routine is None:
            return talk.ask(say("how_long_nothing"), say("which_routine"))
        text = say("how_long_routine", title=routine_title(routine), length=talk.length_words(routine))
        return talk.ask(text, say("which_routine"))


class HoldLengthHandler(IntentHandler):
    intent = "HoldLengthIntent"

    def respond(self, talk):
        choice = resolve("hold_lengths", talk.slot("length")) or "normal"
        talk.state.hold_length = choice
        reprompt = say("go_on") if talk.in_routine() else say("which_routine")
        return talk.ask(say(f"holds_{choice}"), reprompt)
