"""Questions: help, why a stretch helps, and when to see a doctor."""

from __future__ import annotations

from skill.conversation import Conversation
from skill.handlers.base import IntentHandler
from skill.speech import say


class HelpHandler(IntentHandler):
    intent = "AMAZON.HelpIntent"

    def respond(self, talk: Conversation):
        if talk.in_routine():
            text = say("help_inside", routine=talk.routine_title(), exercise=talk.exercise_name())
            return talk.ask(text, talk.carry_on()[1])
        return talk.ask(say("help_outside"), talk.which_routine())


class WhyHandler(IntentHandler):
    intent = "WhyIntent"

    def respond(self, talk: Conversation):
        if not talk.in_routine():
            return talk.which(say("why_nothing"))
        exercise = talk.context.catalog.library.exercise(talk.walkthrough().exercise_id(talk.turn().exercise))
        return talk.answer(say("why", name=exercise.name, why=exercise.why))


class DoctorHandler(IntentHandler):
    intent = "DoctorIntent"

    def respond(self, talk: Conversation):
        return talk.answer(say("doctor", red_flags=talk.context.catalog.library.safety.red_flags_text()))
