"""What the skill remembers about a user: where they are in a routine, their history and their
preferences. Kept in session attributes for the conversation and in the persistent store, so
"Alexa, ask stretch coach to resume" after a timeout continues at the same exercise."""

from __future__ import annotations

import datetime
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Literal

HOLD_SCALES = {"shorter": 0.75, "normal": 1.0, "longer": 1.5}


@dataclass
class Position:
    routine: str
    minutes: int | None
    index: int  # which exercise of the routine (0 = the first exercise)
    status: Literal["playing", "paused", "finished"] = "playing"  # playing: this turn was spoken in full
    part: int = 0  # which turn of the exercise, when it is too long for one response
    brief: bool = False  # the short instructions, for a routine this user has done several times
    returning: bool = False  # the short introduction, after the user's first session


@dataclass
class Offer:
    """A question waiting for yes or no. start: yes starts `routine` (at `minutes`). resume: yes
    resumes the routine in progress. resume_or_restart: yes resumes it, no starts it over."""

    kind: Literal["start", "resume", "resume_or_restart"]
    routine: str
    minutes: int | None = None


@dataclass
class Playback:
    """Continuous play of a routine's published MP3: where the player stopped, kept across sessions."""

    routine: str
    token: str
    offset_ms: int = 0
    status: Literal["playing", "stopped", "finished"] = "playing"


@dataclass
class History:
    last_routine: str | None = None
    last_day: str | None = None  # ISO date of the last finished routine
    streak: int = 0
    started: dict[str, int] = field(default_factory=dict)
    finished: int = 0

    def favourite(self) -> str | None:
        return max(self.started, key=lambda r: (self.started[r], r == self.last_routine)) if self.started else None

    def finish(self, routine: str, today: datetime.date) -> None:
        last = datetime.date.fromisoformat(self.last_day) if self.last_day else None
        if last != today:
            self.streak = self.streak + 1 if last == today - datetime.timedelta(days=1) else 1
        self.last_day = today.isoformat()
        self.last_routine = routine
        self.finished += 1


def _plain(value):
    """DynamoDB hands numbers back as Decimal; the skill wants ints."""
    if isinstance(value, Decimal):
        return int(value)
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    return value


class InvalidState(ValueError):
    """Stored or session attributes that are not a state this skill wrote."""


def _object(value, name: str) -> dict:
    if not isinstance(value, dict):
        raise InvalidState(f"{name}: expected an object, found {type(value).__name__}")
    return value


def _typed(value, kind: type, name: str, optional: bool = False):
    if value is None and optional:
        return None
    # bool is an int to Python, never to the skill (and an int is no bool)
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise InvalidState(f"{name}: expected {kind.__name__}, found {type(value).__name__}")
    return value


@dataclass
class UserState:
    position: Position | None = None
    history: History = field(default_factory=History)
    hold_length: str = "normal"  # a name, not a float: DynamoDB stores no floats
    disclaimer_given: bool = False
    offer: Offer | None = None  # kept in the session only
    playback: Playback | None = None

    @property
    def hold_scale(self) -> float:
        return HOLD_SCALES.get(self.hold_length, 1.0)

    @classmethod
    def from_attributes(cls, data: dict) -> UserState:
        """The state from stored or session attributes; InvalidState naming the first field that is
        missing where required or of the wrong type (unknown fields are ignored)."""
        data = _plain(_object(data, "the state"))
        position = data.get("position")
        if position is not None:
            position = _object(position, "position")
            status = position.get("status", "playing")
            if status not in ("playing", "paused", "finished"):
                raise InvalidState(f"position.status: unknown status {status!r}")
            position = Position(routine=_typed(position.get("routine"), str, "position.routine"),
                                minutes=_typed(position.get("minutes"), int, "position.minutes", optional=True),
                                index=_typed(position.get("index"), int, "position.index"), status=status,
                                part=_typed(position.get("part", 0), int, "position.part"),
                                brief=_typed(position.get("brief", False), bool, "position.brief"),
                                returning=_typed(position.get("returning", False), bool, "position.returning"))
            if position.index < 0 or position.part < 0:
                raise InvalidState(f"position: index {position.index} or part {position.part} is negative")
        history = _object(data.get("history", {}), "history")
        started = _object(history.get("started", {}), "history.started")
        for routine, count in started.items():
            _typed(count, int, f"history.started.{routine}")
        last_day = _typed(history.get("last_day"), str, "history.last_day", optional=True)
        if last_day is not None:
            try:
                datetime.date.fromisoformat(last_day)
            except ValueError:
                raise InvalidState(f"history.last_day: {last_day!r} is not a date") from None
        hold_length = data.get("hold_length", "normal")
        if hold_length not in HOLD_SCALES:
            raise InvalidState(f"hold_length: unknown hold length {hold_length!r}")
        return cls(position=position,
                   history=History(last_routine=_typed(history.get("last_routine"), str, "history.last_routine",
                                                       optional=True),
                                   last_day=last_day,
                                   streak=_typed(history.get("streak", 0), int, "history.streak"),
                                   started=dict(started),
                                   finished=_typed(history.get("finished", 0), int, "history.finished")),
                   hold_length=hold_length,
                   disclaimer_given=_typed(data.get("disclaimer_given", False), bool, "disclaimer_given"),
                   offer=_offer(data.get("offer")),
                   playback=_playback(data.get("playback")))

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


def _playback(value) -> Playback | None:
    if value is None:
        return None
    playback = _object(value, "playback")
    status = playback.get("status", "playing")
    if status not in ("playing", "stopped", "finished"):
        raise InvalidState(f"playback.status: unknown status {status!r}")
    offset = _typed(playback.get("offset_ms", 0), int, "playback.offset_ms")
    if offset < 0:
        raise InvalidState(f"playback.offset_ms: {offset} is negative")
    return Playback(routine=_typed(playback.get("routine"), str, "playback.routine"),
                    token=_typed(playback.get("token"), str, "playback.token"), offset_ms=offset, status=status)


def _offer(value) -> Offer | None:
    if value is None:
        return None
    offer = _object(value, "offer")
    if offer.get("kind") not in ("start", "resume", "resume_or_restart"):
        raise InvalidState(f"offer.kind: unknown kind {offer.get('kind')!r}")
    return Offer(kind=offer["kind"], routine=_typed(offer.get("routine"), str, "offer.routine"),
                 minutes=_typed(offer.get("minutes"), int, "offer.minutes", optional=True))
