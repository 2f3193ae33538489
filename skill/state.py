"""What the skill remembers about a user: where they are in a routine, their history and their
preferences. Kept in session attributes for the conversation and in the persistent store, so
"Alexa, ask stretch coach to resume" after a timeout continues at the same exercise.

Attributes read back are checked by pydantic against these dataclasses (unknown fields are ignored,
pydantic's default for dataclasses). The validator is built on first use: the Lambda imports this
module at its cold start, and pydantic comes only with the first request."""

from __future__ import annotations

import datetime
import functools
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Annotated, Literal

HoldLength = Literal["shorter", "normal", "longer"]
HOLD_SCALES: dict[HoldLength, float] = {"shorter": 0.75, "normal": 1.0, "longer": 1.5}


def _integral(value):
    """DynamoDB hands numbers back as Decimal: an integral one is the int the skill stored."""
    if isinstance(value, Decimal) and value.is_finite() and value == value.to_integral_value():
        return int(value)
    return value


def _iso_date(text: str) -> str:
    datetime.date.fromisoformat(text)
    return text


@dataclass(frozen=True)
class _Stored:
    """Annotated metadata for a stored value: pydantic checks it strictly (True is no int, "2" no 2)
    after turning an integral Decimal into its int; `minimum` bounds a number, `check` tests the value
    further. Pydantic asks for the schema when it builds the validator, so pydantic is not imported here."""

    minimum: int | None = None
    check: Callable[[str], str] | None = None

    def __get_pydantic_core_schema__(self, source, handler):
        from pydantic import AfterValidator, BeforeValidator, Field, Strict

        rules = [Strict(), BeforeValidator(_integral)]
        if self.minimum is not None:
            rules.append(Field(ge=self.minimum))
        if self.check is not None:
            rules.append(AfterValidator(self.check))
        return handler(Annotated[(source, *rules)])


Text = Annotated[str, _Stored()]
Flag = Annotated[bool, _Stored()]
Whole = Annotated[int, _Stored()]
Place = Annotated[int, _Stored(minimum=0)]  # an index or an offset
Day = Annotated[str, _Stored(check=_iso_date)]  # an ISO date, kept as its string


@dataclass(kw_only=True)  # so that minutes, missing from a row, is None ahead of the required index
class Position:
    routine: Text
    minutes: Whole | None = None
    index: Place  # which exercise of the routine (0 = the first exercise)
    status: Literal["playing", "paused", "finished"] = "playing"  # playing: this turn was spoken in full
    part: Place = 0  # which turn of the exercise, when it is too long for one response
    brief: Flag = False  # the short instructions, for a routine this user has done several times
    returning: Flag = False  # the short introduction, after the user's first session


@dataclass
class Offer:
    """A question waiting for yes or no. start: yes starts `routine` (at `minutes`). resume: yes
    resumes the routine in progress. resume_or_restart: yes resumes it, no starts it over."""

    kind: Literal["start", "resume", "resume_or_restart"]
    routine: Text
    minutes: Whole | None = None


@dataclass
class Playback:
    """Continuous play of a routine's published MP3: where the player stopped, kept across sessions."""

    routine: Text
    token: Text
    offset_ms: Place = 0
    status: Literal["playing", "stopped", "finished"] = "playing"


@dataclass
class History:
    last_routine: Text | None = None
    last_day: Day | None = None  # ISO date of the last finished routine
    streak: Whole = 0
    started: Annotated[dict[str, Whole], _Stored()] = field(default_factory=dict)
    finished: Whole = 0

    def favourite(self) -> str | None:
        return max(self.started, key=lambda r: (self.started[r], r == self.last_routine)) if self.started else None

    def finish(self, routine: str, today: datetime.date) -> None:
        last = datetime.date.fromisoformat(self.last_day) if self.last_day else None
        if last != today:
            self.streak = self.streak + 1 if last == today - datetime.timedelta(days=1) else 1
        self.last_day = today.isoformat()
        self.last_routine = routine
        self.finished += 1


class InvalidState(ValueError):
    """Stored or session attributes that are not a state this skill wrote."""


@dataclass
class UserState:
    position: Position | None = None
    history: History = field(default_factory=History)
    hold_length: HoldLength = "normal"  # a name, not a float: DynamoDB stores no floats
    disclaimer_given: Flag = False
    offer: Offer | None = None  # kept in the session only
    playback: Playback | None = None

    @property
    def hold_scale(self) -> float:
        return HOLD_SCALES.get(self.hold_length, 1.0)

    @classmethod
    def from_attributes(cls, data: dict) -> UserState:
        """The state from stored or session attributes; InvalidState naming the first field that is
        missing where required, of the wrong type or out of range (unknown fields are ignored)."""
        from pydantic import ValidationError

        try:
            return _validator().validate_python(data)
        except ValidationError as exc:
            error = exc.errors()[0]
            where = ".".join(str(key) for key in error["loc"]) or "the state"
            raise InvalidState(f"{where}: {error['msg']}") from exc

    def routines(self) -> set[str]:
        """Every routine id the state names, to check against the library."""
        named = {self.position.routine} if self.position else set()
        named.update(self.history.started)
        named.update(r for r in (self.history.last_routine, self.offer and self.offer.routine) if r)
        if self.playback:
            named.add(self.playback.routine)
        return named

    def to_attributes(self) -> dict:
        return asdict(self)


@functools.cache
def _validator():
    from pydantic import TypeAdapter

    return TypeAdapter(UserState)
