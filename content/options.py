"""What a person can ask of a routine: one validated options model for every entry point.

The CLI, the skill, the phone page and the exporter all build a `RoutineOptions` and hand it to
the catalog; each option's range lives here and nowhere else.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from content.errors import ContentError, Problem
from content.models import Avoid, Target

MINUTES_RANGE = (1, 120)
HOLD_SCALE_RANGE = (0.25, 3.0)
AVOID_CHOICES: tuple[str, ...] = Avoid.__args__
FOCUS_CHOICES: tuple[str, ...] = Target.__args__
Level = Literal["gentle", "standard", "deeper"]
LEVEL_CHOICES: tuple[str, ...] = Level.__args__


class RoutineOptions(BaseModel):
    """How to shape a routine: its length, how long holds last, and for made-to-measure routines
    what to work on and what to leave out. Hashable, so compiled Scripts can be cached by it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    minutes: float | None = Field(None, ge=MINUTES_RANGE[0], le=MINUTES_RANGE[1])
    hold_scale: float = Field(1.0, ge=HOLD_SCALE_RANGE[0], le=HOLD_SCALE_RANGE[1])
    focus: tuple[Target, ...] = ()
    avoid: tuple[Avoid, ...] = ()
    level: Level = "standard"
    brief: bool = Field(False, description="short instructions for exercises the user knows well")
    returning: bool = Field(False, description="the short introduction, for someone who has had a session before")

    @field_validator("focus", "avoid", mode="before")
    @classmethod
    def _split(cls, value):
        """Accept 'hips,lower-back' as well as a list; keep a stable order so equal requests are equal."""
        if isinstance(value, str):
            value = [v for v in value.split(",") if v.strip()]
        return tuple(sorted({str(v).strip() for v in value}))

    @classmethod
    def parse(cls, **values) -> RoutineOptions:
        """Options from untrusted input (a CLI flag, a form, a slot), as a ContentError naming each bad field."""
        try:
            return cls.model_validate({k: v for k, v in values.items() if v is not None})
        except ValidationError as exc:
            raise ContentError([Problem("options", ".".join(map(str, e["loc"])) or "options", e["msg"])
                                for e in exc.errors()]) from exc
