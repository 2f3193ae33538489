"""Questions: help, why a stretch helps, and when to see a doctor."""

from __future__ import annotations

from skill.conversation import Conversation, library, routine_title, say
from skill.handlers.base import IntentHandler


def _carry_on(talk: Conversation) -> str:
    return say("go_on") if talk.in_routine() else say("which_routine")


class HelpHandler(IntentHandler):
    intent = "AMAZON.HelpIntent"

    def respond(self, talk):
        if talk.in_routine():
            text = say("help_inside", routine=routine_title(talk.position.routine), exercise=talk.exercise_name())
        else:
            text = say("help_outside")
        return talk.ask(text, say("help_reprompt"))


class WhyHandler(IntentHandler):
    intent = "WhyIntent"

    def respond(self, talk):
        if not talk.in_routine():
            return talk.ask(say("why_nothing"), say("which_routine"))
        exercise = library().exercise(talk.exercise()[0].exercise)
        return talk.ask(say("why", name=exercise.name, why=exercise.why), _carry_on(talk))


class DoctorHandler(IntentHandler):
    intent = "DoctorIntent"

    def respond(self, talk):
        return talk.ask(say("doctor", red_flags=library().safety.red_flags_text()), _carry_on(talk))
