"""Requests that need no speech: device and playback events, screen events, and Alexa's reports of
a response it could not use. Registered last, so a more specific handler (continuous play, a touch
on the screen) answers first; whatever reaches this one gets an empty response."""

from __future__ import annotations

import logging

from skill.handlers.base import SkillHandler

log = logging.getLogger(__name__)

# Request types that carry a conversation; everything else is an event that wants no speech.
SPOKEN = frozenset({"LaunchRequest", "IntentRequest", "SessionEndedRequest", "CanFulfillIntentRequest"})


class SilentRequestHandler(SkillHandler):
    """AudioPlayer.*, PlaybackController.*, Alexa.Presentation.APL.UserEvent,
    System.ExceptionEncountered and any other request type the skill does not talk in."""

    def can_handle(self, handler_input) -> bool:
        return handler_input.request_envelope.request.object_type not in SPOKEN

    def handle(self, handler_input):
        request = handler_input.request_envelope.request
        if request.object_type == "System.ExceptionEncountered":
            error, cause = getattr(request, "error", None), getattr(request, "cause", None)
            log.warning("Alexa could not use a response: %s %s (request %s)",
                        getattr(error, "object_type", None), getattr(error, "message", None),
                        getattr(cause, "request_id", None))
        else:
            log.debug("no speech for %s", request.object_type)
        return handler_input.response_builder.response
