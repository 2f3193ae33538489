"""Ending, the unexpected, and name-free requests: stop, fallback, session end, errors, CanFulfill."""

from __future__ import annotations

import logging

from ask_sdk_core.dispatch_components import AbstractExceptionHandler
from ask_sdk_core.utils import is_request_type
from ask_sdk_model.canfulfill import (CanFulfillIntent, CanFulfillIntentValues, CanFulfillSlot,
                                     CanFulfillSlotValues, CanUnderstandSlotValues)

from skill.conversation import Conversation
from skill.handlers.base import IntentHandler, SkillHandler
from skill.handlers.system import SPOKEN
from skill.slots import SlotReader
from skill.speech import say
from skill.ssml import plain

log = logging.getLogger(__name__)


class StopHandler(IntentHandler):
    intent = "AMAZON.StopIntent"

    def respond(self, talk: Conversation):
        if not talk.in_routine():
            return talk.tell(say("stopping_outside"))
        talk.position.status = "paused"
        return talk.tell(say("stopping_inside", exercise=talk.exercise_name()))


class CancelHandler(StopHandler):
    intent = "AMAZON.CancelIntent"


class NavigateHomeHandler(StopHandler):
    """Leaving for the home screen keeps the place, like stop."""

    intent = "AMAZON.NavigateHomeIntent"


class FallbackHandler(IntentHandler):
    intent = "AMAZON.FallbackIntent"

    def respond(self, talk):
        if talk.in_routine():
            return talk.ask(say("fallback_inside", exercise=talk.exercise_name()), talk.carry_on()[1])
        return talk.which(say("fallback_outside"))


class UnexpectedRequestHandler(FallbackHandler):
    """Any other intent or request (an old model's intent, a device event): answer like fallback,
    and keep the user where they were."""

    def can_handle(self, handler_input) -> bool:
        return is_request_type("IntentRequest")(handler_input)


class SessionEndedHandler(SkillHandler):
    def can_handle(self, handler_input) -> bool:
        return is_request_type("SessionEndedRequest")(handler_input)

    def handle(self, handler_input):
        request = handler_input.request_envelope.request
        if request.error:
            log.warning("session ended with error %s: %s", request.error.object_type, request.error.message)
        return handler_input.response_builder.response


class CanFulfillHandler(SkillHandler):
    """Name-free requests: say whether we can start the routine asked for, with no side effects."""

    def can_handle(self, handler_input) -> bool:
        return is_request_type("CanFulfillIntentRequest")(handler_input)

    def handle(self, handler_input):
        request = handler_input.request_envelope.request
        intent, slots = request.intent, SlotReader(request, self.context.vocabulary)
        routine = slots.routine()
        if intent.name != "StartRoutineIntent":
            verdict, slots = CanFulfillIntentValues.NO, None
        else:
            verdict = CanFulfillIntentValues.YES if routine else CanFulfillIntentValues.MAYBE
            slots = {name: CanFulfillSlot(
                can_understand=CanUnderstandSlotValues.YES if (name != "routine" or routine) else
                CanUnderstandSlotValues.NO,
                can_fulfill=CanFulfillSlotValues.YES if (name != "routine" or routine) else CanFulfillSlotValues.NO)
                for name in slots.names()}
        handler_input.response_builder.set_can_fulfill_intent(CanFulfillIntent(can_fulfill=verdict, slots=slots))
        return handler_input.response_builder.response


class ErrorHandler(AbstractExceptionHandler):
    """Anything unforeseen: apologise in speech, log the cause, keep the saved place."""

    def can_handle(self, handler_input, exception) -> bool:
        return True

    def handle(self, handler_input, exception):
        log.exception("request failed: %s", exception)
        request = handler_input.request_envelope.request
        if getattr(request, "object_type", None) not in SPOKEN:  # events must not be answered with speech
            return handler_input.response_builder.response
        return handler_input.response_builder.speak(plain(say("error"))).ask(plain(say("error_reprompt"))).response
