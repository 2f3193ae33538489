from __future__ import annotations

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import is_intent_name
from ask_sdk_model import Response

from skill.context import SkillContext
from skill.conversation import Conversation


class SkillHandler(AbstractRequestHandler):
    """A request handler with the skill's context (catalog, routine words), handed in once."""

    def __init__(self, context: SkillContext):
        self.context = context


class IntentHandler(SkillHandler):
    """Handles the intents named in `intent`, with a Conversation for the turn."""

    intent: str = ""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_intent_name(self.intent)(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        return self.respond(Conversation(handler_input, self.context))

    def respond(self, talk: Conversation) -> Response:
        raise NotImplementedError
