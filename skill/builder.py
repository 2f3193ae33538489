"""The skill, assembled: handlers, interceptors that load and save the user's attributes, and the
persistence adapter chosen from the environment."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter
from ask_sdk_core.dispatch_components import AbstractResponseInterceptor
from ask_sdk_core.skill import CustomSkill
from ask_sdk_core.skill_builder import CustomSkillBuilder
from ask_sdk_core.utils import is_request_type

from skill.context import SkillContext
from skill.handlers import REQUEST_HANDLERS, ErrorHandler
from skill.persistence import LazyDynamoDbAdapter, SqliteAdapter
from skill.recovery import RecoverState

if TYPE_CHECKING:
    from content import Catalog

DEFAULT_DB = "stretch-coach.sqlite3"


class SaveAttributes(AbstractResponseInterceptor):
    """Persist the user's attributes after every turn that touched them (never for CanFulfill,
    which must have no side effects)."""

    def process(self, handler_input, response):
        if is_request_type("CanFulfillIntentRequest")(handler_input):
            return
        # Saves only when this turn read or set the attributes.
        handler_input.attributes_manager.save_persistent_attributes()


def adapter_from_environment() -> AbstractPersistenceAdapter:
    """DynamoDB when DYNAMODB_TABLE names a table (as on Lambda), else SQLite at STRETCH_COACH_DB,
    else SQLite in the user's data directory."""
    table = os.environ.get("DYNAMODB_TABLE")
    if table:
        return LazyDynamoDbAdapter(table)
    path = os.environ.get("STRETCH_COACH_DB")
    if not path:
        import platformdirs  # only the web service gets here; the Lambda package does not carry it

        path = os.path.join(platformdirs.user_data_dir("stretch-coach"), DEFAULT_DB)
    return SqliteAdapter(path)


def build_skill(adapter: AbstractPersistenceAdapter | None = None, skill_id: str | None = None,
                catalog: Catalog | None = None) -> CustomSkillBuilder:
    """The skill over `catalog` (the one the rest of the app uses); without one, the content library
    is loaded on the first request."""
    context = SkillContext(catalog)
    builder = CustomSkillBuilder(persistence_adapter=adapter or adapter_from_environment())
    builder.skill_id = skill_id if skill_id is not None else os.environ.get("ALEXA_SKILL_ID")
    for handler in REQUEST_HANDLERS:
        builder.add_request_handler(handler(context))
    builder.add_exception_handler(ErrorHandler())
    builder.add_global_request_interceptor(RecoverState(context))
    builder.add_global_response_interceptor(SaveAttributes())
    return builder


def create_skill(adapter: AbstractPersistenceAdapter | None = None, skill_id: str | None = None,
                 catalog: Catalog | None = None) -> CustomSkill:
    return build_skill(adapter, skill_id, catalog).create()
