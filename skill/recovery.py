"""A user's state that this skill cannot use (a row that is not JSON, null, a list, a routine that
no longer exists, an exercise index past the routine's end, fields of the wrong type) is replaced by
a fresh state with a warning in the log, instead of failing every request of that user forever."""

from __future__ import annotations

import logging

from ask_sdk_core.dispatch_components import AbstractRequestInterceptor
from ask_sdk_core.exceptions import PersistenceException
from ask_sdk_core.utils import is_request_type

from content import ContentError
from skill.context import SkillContext
from skill.conversation import STATE_KEY
from skill.state import UserState

log = logging.getLogger(__name__)


def state_problem(data, context: SkillContext) -> str | None:
    """Why `data` is not a state the skill can carry on from; None when it is."""
    try:
        state = UserState.from_attributes(data)
    except ValueError as exc:
        return str(exc)
    unknown = sorted(r for r in state.routines() if not context.knows(r))
    if unknown:
        return f"unknown routine {unknown[0]!r}"
    position = state.position
    if position is not None:
        try:
            exercises = context.walkthrough(position.routine, position.minutes, state.hold_scale, position.brief,
                                            position.returning).count
        except (ContentError, ValueError) as exc:  # a length the routine cannot be built to
            return f"position: {position.routine} cannot be built at {position.minutes} minutes: {exc}"
        if position.index >= exercises:
            return f"position.index: {position.index} is past the last of {exercises} exercises in {position.routine}"
    return None


class RecoverState(AbstractRequestInterceptor):
    """Before a turn that talks (launch or intent), check the state the Conversation will read: the
    session's copy first, else the stored row. A bad session copy is dropped (the stored row is
    used); a bad stored row is replaced by a fresh state, written back at the end of the turn."""

    def __init__(self, context: SkillContext):
        self.context = context

    def process(self, handler_input) -> None:
        if not (is_request_type("LaunchRequest")(handler_input) or is_request_type("IntentRequest")(handler_input)):
            return
        manager = handler_input.attributes_manager
        session = manager.session_attributes
        if session is not None and STATE_KEY in session:
            problem = state_problem(session[STATE_KEY], self.context)
            if problem is None:
                return
            log.warning("discarding the session's copy of the user's state: %s", problem)
            del session[STATE_KEY]
        try:
            problem = state_problem(manager.persistent_attributes, self.context)
        except PersistenceException:  # no user id: the handler reports it as before
            return
        except ValueError as exc:  # the stored row is not JSON
            problem = f"the stored row is not JSON: {exc}"
        if problem is not None:
            log.warning("replacing the stored state of %s with a fresh one: %s", _user(handler_input), problem)
            manager.persistent_attributes = {}


def _user(handler_input) -> str:
    try:
        return handler_input.request_envelope.context.system.user.user_id
    except AttributeError:
        return "a user"
