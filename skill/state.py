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
    status: Literal["playing", "paused", "finished"] = "playing"


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


@dataclass
class UserState:
    position: Position | None = None
    history: History = field(default_factory=History)
    hold_length: str = "normal"  # a name, not a float: DynamoDB stores no floats
    disclaimer_given: bool = False
    offer: str | None = None  # a routine offered at launch, waiting for yes or no
    playback: Playback | None = None

    @property
    def hold_scale(self) -> float:
        return HOLD_SCALES.get(self.hold_length, 1.0)

    @classmethod
    def from_attributes(cls, data: dict) -> UserState:
        data = _plain(data)
        position = data.get("position")
        return cls(position=Position(**position) if position else None,
                   history=History(**data.get("history", {})),
                   hold_length=data.get("hold_length", "normal"),
                   disclaimer_given=bool(data.get("disclaimer_given", False)),
                   offer=data.get("offer"),
                   playback=Playback(**data["playback"]) if data.get("playback") else None)

    def to_attributes(self) -> dict:
        return asdict(self)
