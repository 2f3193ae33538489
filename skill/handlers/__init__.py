"""Request handlers, one class per intent, grouped by concern."""

from skill.handlers.base import IntentHandler
from skill.handlers.info import DoctorHandler, HelpHandler, WhyHandler
from skill.handlers.launch import LaunchHandler, NoHandler, YesHandler
from skill.handlers.navigation import (NextHandler, PauseHandler, PreviousHandler, RepeatHandler, ResumeHandler,
                                       SkipHandler, StartOverHandler, TimeLeftHandler)
from skill.handlers.playback import PLAYBACK_HANDLERS
from skill.handlers.routines import (BuildRoutineHandler, DescribeRoutineHandler, HoldLengthHandler, HowLongHandler,
                                     ListRoutinesHandler, StartRoutineHandler)
from skill.handlers.session import (CancelHandler, CanFulfillHandler, ErrorHandler, FallbackHandler, NavigateHomeHandler,
                                    SessionEndedHandler, StopHandler, UnexpectedRequestHandler)
from skill.handlers.system import SilentRequestHandler

# Order matters for the catch-alls, which come last, and for continuous play, whose handlers take
# pause, next, resume... only when the request is about our stream, so they come before the guided ones.
REQUEST_HANDLERS = (
    CanFulfillHandler, *PLAYBACK_HANDLERS, LaunchHandler, StartRoutineHandler, BuildRoutineHandler, ListRoutinesHandler, DescribeRoutineHandler,
    HowLongHandler, HoldLengthHandler, NextHandler, PreviousHandler, RepeatHandler, StartOverHandler, SkipHandler,
    PauseHandler, ResumeHandler, TimeLeftHandler, HelpHandler, WhyHandler, DoctorHandler, YesHandler, NoHandler,
    StopHandler, CancelHandler, NavigateHomeHandler, SessionEndedHandler, FallbackHandler, UnexpectedRequestHandler,
    SilentRequestHandler,
)

__all__ = ["ErrorHandler", "IntentHandler", "REQUEST_HANDLERS"]
