"""Opening the skill, and the answers to its yes-or-no questions."""

from __future__ import annotations

from ask_sdk_core.utils import is_request_type

from skill.conversation import Conversation
from skill.handlers.base import IntentHandler
from skill.speech import say
from skill.state import Offer


class LaunchHandler(IntentHandler):
    """The disclaimer once, then an offer to resume or to start the usual routine."""

    def can_handle(self, handler_input) -> bool:
        return is_request_type("LaunchRequest")(handler_input)

    def respond(self, talk: Conversation):
        state = talk.state
        if not state.disclaimer_given:
            state.disclaimer_given = True
            return talk.ask(say("welcome_first", disclaimer=talk.context.catalog.library.safety.disclaimer),
                            talk.which_routine())
        if talk.in_routine():
            offer = say("offer_resume", exercise=talk.exercise_name(talk.resume_turn().exercise),
                        routine=talk.routine_title())
            return talk.offer(Offer("resume", talk.position.routine, talk.position.minutes),
                              f"{say('welcome_back')} {offer}", offer)
        favourite = state.history.favourite()
        if favourite:
            offer = say("offer_usual", routine=talk.context.title(favourite))
            return talk.offer(Offer("start", favourite), f"{say('welcome_back')} {offer}", offer)
        return talk.which(say("welcome_back"))


class YesHandler(IntentHandler):
    """Yes (or ready, okay, done): whatever the last question offered; in a routine, go on."""

    intent = "AMAZON.YesIntent"

    def respond(self, talk: Conversation):
        offer = talk.state.offer
        if offer and offer.kind == "start":
            return talk.start(offer.routine, offer.minutes)
        if talk.in_routine():
            return talk.play(talk.resume_turn())
        return talk.which()


class NoHandler(IntentHandler):
    """No to resuming a routine starts it over; no to going on stops politely, keeping the place;
    no to any other offer asks which routine instead."""

    intent = "AMAZON.NoIntent"

    def respond(self, talk: Conversation):
        offer, talk.state.offer = talk.state.offer, None
        if offer and offer.kind == "resume_or_restart" and talk.in_routine():
            return talk.start(offer.routine, offer.minutes)
        if offer is None and talk.in_routine():
            return talk.tell(say("not_now", exercise=talk.exercise_name(talk.resume_turn().exercise)))
        return talk.which()
