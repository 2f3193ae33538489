"""Opening the skill: the disclaimer once, then an offer to resume or to start the usual routine."""

from __future__ import annotations

from ask_sdk_core.utils import is_request_type

from skill.conversation import Conversation, library, routine_title, say
from skill.handlers.base import IntentHandler


class LaunchHandler(IntentHandler):
    def can_handle(self, handler_input) -> bool:
        return is_request_type("LaunchRequest")(handler_input)

    def respond(self, talk: Conversation):
        state = talk.state
        if not state.disclaimer_given:
            state.disclaimer_given = True
            return talk.ask(say("welcome_first", disclaimer=library().safety.disclaimer), say("which_routine"))
        if talk.in_routine():
            offer = say("offer_resume", exercise=talk.exercise_name(talk.resume_index()),
                        routine=routine_title(talk.position.routine))
            return talk.ask(f"{say('welcome_back')} {offer}", offer)
        favourite = state.history.favourite()
        if favourite:
            state.offer = favourite
            offer = say("offer_usual", routine=routine_title(favourite))
            return talk.ask(f"{say('welcome_back')} {offer}", offer)
        return talk.ask(f"{say('welcome_back')} {say('which_routine')}", say("which_routine"))


class YesHandler(IntentHandler):
    intent = "AMAZON.YesIntent"

    def respond(self, talk: Conversation):
        if talk.state.offer:
            return talk.start(talk.state.offer, None)
        if talk.in_routine():
            return talk.play(talk.resume_index())
        return talk.which()


class NoHandler(IntentHandler):
    intent = "AMAZON.NoIntent"

    def respond(self, talk: Conversation):
        talk.state.offer = None
        return talk.which()
