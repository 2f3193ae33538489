"""Closed schemas for exercises and routines.

Every text field here is spoken aloud to someone lying on the floor with their eyes closed, so the
schema also enforces how it is written: numbers as words, side placeholders only where an
exercise has sides.
"""

from __future__ import annotations

import re
import string
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")]
SourceName = Annotated[str, StringConstraints(pattern=r"^\d{3}_[0-9a-f]{16}\.txt$")]
Spoken = Annotated[str, StringConstraints(min_length=2, strip_whitespace=True)]

Position = Literal[
    "standing", "seated", "kneeling", "hands-and-knees", "lying-on-front", "lying-on-back", "with-partner"
]
# The order a routine moves through: up to down, so nobody stands up again once on the floor.
POSITION_ORDER: tuple[str, ...] = Position.__args__
# Positions that need getting down to the floor (sitting counts too when no chair is used).
FLOOR_POSITIONS = ("kneeling", "hands-and-knees", "lying-on-front", "lying-on-back")
Equipment = Literal["strap", "wall", "chair", "none"]
Avoid = Literal["kneeling", "floor", "strap", "wall", "chair"]  # what a made-to-measure routine can leave out
Target = Literal["hips", "hip-flexors", "lower-back", "hamstrings", "glutes", "inner-thighs", "core", "spine"]
Sides = Literal["both", "each", "alternating"]
SIDE_NAMES = ("right", "left")
MIN_REPS = 3
# Scaling a routine never takes a static stretch below these (a shorter hold does little), nor
# below what the exercise itself asks when that is shorter.
FIT_MIN_HOLD_S, FIT_MIN_BREATHS = 15, 3
HOLD_STEP_S = 5  # scaled holds are said in round numbers: "forty-five seconds", not "forty-three"
PLACEHOLDERS = {"side", "other"}


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FieldProblems(ValueError):
    """Several problems found by one cross-field check, each tied to its own field."""

    def __init__(self, problems: list[tuple[str, str]]):
        self.problems = problems
        super().__init__("; ".join(f"{field}: {message}" for field, message in problems))


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def placeholder_problem(text: str, allowed: set[str]) -> str | None:
    """What is wrong with the text's {placeholders}, if anything: a broken brace, a name the
    narrators do not fill in, or a conversion or format spec (every value is filled in as words)."""
    try:
        fields = [(name, conversion, spec) for _, name, spec, conversion in string.Formatter().parse(text)
                  if name is not None]
    except ValueError as exc:
        return f"broken placeholder ({exc}); write a literal brace as {{{{ or }}}}"
    for name, conversion, spec in fields:
        if name not in allowed:
            offered = ", ".join(f"{{{n}}}" for n in sorted(allowed)) or "none"
            return f"unknown placeholder {{{name}}}; this text may use: {offered}"
        if conversion or spec:
            return f"placeholder {{{name}}} takes no format: write {{{name}}}"
    return None


def fill(text: str, side: str | None) -> str:
    """Put the side into a text: '{side}' is the working side, '{other}' the one at rest."""
    if side is None:
        return text
    other = SIDE_NAMES[1 - SIDE_NAMES.index(side)]
    return text.format(side=side, other=other)


class Hold(Model):
    """A static hold, timed in seconds or counted in slow breaths."""

    seconds: int | None = Field(None, gt=0, le=300)
    breaths: int | None = Field(None, gt=0, le=30)
    breath_s: float = Field(6.0, ge=3, le=12, description="length of one slow breath")

    @model_validator(mode="after")
    def _one_measure(self) -> Hold:
        if (self.seconds is None) == (self.breaths is None):
            raise ValueError("give the hold in seconds or in breaths, not both or neither")
        return self

    def scaled(self, scale: float, seconds: int | None = None, breaths: int | None = None) -> Hold:
        """This hold with a routine's override and a scale applied: in steps of five seconds, and
        never under fifteen seconds or three breaths (or what the exercise asks, if less)."""
        if self.seconds is not None:
            base = seconds or self.seconds
            if scale == 1:
                return self.model_copy(update={"seconds": base})
            stepped = HOLD_STEP_S * round(base * scale / HOLD_STEP_S)
            return self.model_copy(update={"seconds": max(min(base, FIT_MIN_HOLD_S), stepped)})
        base = breaths or self.breaths
        return self.model_copy(update={"breaths": max(min(base, FIT_MIN_BREATHS), round(base * scale))})


class Phase(Model):
    """One beat of a repetition: the word said at its start and how long it lasts."""

    cue: str | None = None
    seconds: float = Field(gt=0, le=30)


class Reps(Model):
    """Repetitions at a tempo, such as pulses, circles or lifts."""

    count: int = Field(gt=0, le=100)
    noun: str = Field("repetitions", description="what one repetition is called: 'circles', 'pulses'")
    phases: list[Phase] = Field(min_length=1)
    counted: bool = True

    @property
    def rep_s(self) -> float:
        return sum(p.seconds for p in self.phases)

    def scaled(self, scale: float, count: int | None = None, in_pairs: bool = False) -> Reps:
        """These reps with a routine's override and a scale applied, never fewer than three; in
        pairs when they alternate sides, so both sides get as many and the last is on the left."""
        base = count or self.count
        if scale == 1:
            return self.model_copy(update={"count": base})
        if in_pairs:
            return self.model_copy(update={"count": max(MIN_REPS + MIN_REPS % 2, 2 * round(base * scale / 2))})
        return self.model_copy(update={"count": max(MIN_REPS, round(base * scale))})


class Part(Model):
    """One timed block of an exercise: a hold or a run of reps, with what to say before it."""

    say: str | None = None
    hold: Hold | None = None
    reps: Reps | None = None

    @model_validator(mode="after")
    def _hold_or_reps(self) -> Part:
        if (self.hold is None) == (self.reps is None):
            raise ValueError("each part needs a hold or reps (exactly one)")
        return self


class Exercise(Model):
    id: Slug
    name: str
    summary: str = Field(description="one line for listings: what it is and what it does")
    why: str = Field(description="why it helps, spoken when the user asks")
    position: Position
    equipment: list[Equipment] = Field(default_factory=lambda: ["none"], min_length=1)
    targets: list[Target] = Field(min_length=1)
    side_of: str = Field("side", description="what the sides are: 'leg', 'knee', 'side'")
    sides: Sides
    setup: list[Spoken] = Field(min_length=1)
    steps: list[Spoken] = Field(min_length=1)
    parts: list[Part] = Field(min_length=1)
    sets: int = Field(1, gt=0, le=10)
    rest_s: int = Field(15, ge=0, le=120)
    breathing: Spoken
    feel: Spoken
    release: Spoken
    cautions: list[Spoken] = Field(default_factory=list)
    easier: str | None = None
    harder: str | None = None
    sources: list[SourceName] = Field(min_length=1)

    @property
    def on_the_floor(self) -> bool:
        """Whether it needs getting down to the floor: a seated exercise without a chair sits on the floor."""
        return self.position in FLOOR_POSITIONS or (self.position == "seated" and "chair" not in self.equipment)

    @property
    def flow_rank(self) -> tuple[int, bool]:
        """Where it falls from standing down to the floor: by position, and on a chair before on the floor."""
        return POSITION_ORDER.index(self.position), self.on_the_floor

    def spoken_texts(self) -> dict[str, str]:
        """Every text a listener hears, keyed by its field path."""
        texts = {"name": self.name, "summary": self.summary, "why": self.why, "breathing": self.breathing,
                 "feel": self.feel, "release": self.release, "side_of": self.side_of}
        for field in ("setup", "steps", "cautions"):
            texts |= {f"{field}.{i}": t for i, t in enumerate(getattr(self, field))}
        for field in ("easier", "harder"):
            if getattr(self, field):
                texts[field] = getattr(self, field)
        for i, part in enumerate(self.parts):
            if part.say:
                texts[f"parts.{i}.say"] = part.say
            if part.reps:
                texts[f"parts.{i}.reps.noun"] = part.reps.noun
                texts |= {f"parts.{i}.reps.phases.{j}.cue": p.cue for j, p in enumerate(part.reps.phases) if p.cue}
        return texts

    @model_validator(mode="after")
    def _spoken_well(self) -> Exercise:
        problems = []
        sided = self.sides != "both"
        for field, text in self.spoken_texts().items():
            if re.search(r"\d", text):
                problems.append((field, "write numbers as words, a speech engine reads them better"))
            problem = placeholder_problem(text, PLACEHOLDERS)
            if problem:
                problems.append((field, problem))
            elif placeholders(text) and not sided:
                problems.append((field, "{side} needs sides 'each' or 'alternating'"))
        if self.sides == "each" and not any("side" in placeholders(s) for s in self.steps):
            problems.append(("steps", "an exercise done on each side must name the {side} in its steps"))
        if problems:
            raise FieldProblems(problems)
        return self


class RoutineItem(Model):
    exercise: Slug
    hold_s: int | None = Field(None, gt=0, le=300, description="override every timed hold")
    breaths: int | None = Field(None, gt=0, le=30, description="override every breath-counted hold")
    reps: int | None = Field(None, gt=0, le=100, description="override every rep count")
    sets: int | None = Field(None, gt=0, le=10)
    optional: bool = Field(False, description="may be dropped to fit a shorter time")


class Routine(Model):
    id: Slug
    title: str = Field(description="spoken inside a sentence: 'hip routine'")
    spoken_name: str = Field(description="what a person says to ask for it: 'hip', 'lower back' "
                                         "(by default the title without 'routine')")
    synonyms: list[str] = Field(default_factory=list, description="other words people use to ask for it: "
                                                                  "'my hips', 'tight hips'")
    order: int = Field(100, ge=0, description="place in listings and the podcast feed, lowest first")
    description: str
    focus: list[Target] = Field(min_length=1)
    audience: Literal["self", "partner"] = "self"
    cues: Literal["full", "quiet"] = Field("full", description="quiet: no countdown inside holds (bedtime)")
    items: list[RoutineItem] = Field(min_length=1)
    extras: list[Slug] = Field(default_factory=list, description="exercises that may be added to fit a longer time")

    @model_validator(mode="before")
    @classmethod
    def _default_spoken_name(cls, data):
        if isinstance(data, dict) and "spoken_name" not in data and isinstance(data.get("title"), str):
            data = data | {"spoken_name": data["title"].removesuffix(" routine")}
        return data

    @model_validator(mode="after")
    def _no_repeats(self) -> Routine:
        ids = [item.exercise for item in self.items] + self.extras
        repeated = sorted({i for i in ids if ids.count(i) > 1})
        if repeated:
            raise FieldProblems([("items", f"exercises listed more than once: {', '.join(repeated)}")])
        return self


class PositionPhrases(Model):
    enter: Spoken
    stay: Spoken


# What the compiler fills into each of the coach's sentences; any other placeholder is an error.
PHRASE_PLACEHOLDERS = {
    "intro.welcome": {"title", "description", "length"}, "intro.welcome_back": {"title", "length"},
    "intro.equipment": {"equipment"},
    **{f"exercise.{key}": {"name"} for key in ("first", "next", "last")},
    **{f"exercise.{key}": {"side", "side_of"} for key in ("side_first", "partner_side_first", "switch", "partner_switch")},
    "exercise.set_of": {"n", "total"}, "exercise.rest": {"length"}, "exercise.hold_seconds": {"length"},
    "exercise.hold_breaths": {"count"}, "exercise.reps": {"count", "noun"}, "exercise.options": {"easier"},
    "exercise.caution": {"cautions"}, "closing.done": {"title"},
}


class MadeToMeasurePhrases(Model):
    """How a routine built on request names and introduces itself."""

    title: Spoken = Field(description="spoken inside a sentence: 'routine for your {focus}'")
    description: Spoken
    description_limits: Spoken = Field(description="the description when something is left out: '{limits}'")
    avoid: dict[Avoid, Spoken] = Field(description="each thing left out, as words: 'without kneeling'")

    @model_validator(mode="after")
    def _every_avoid(self) -> MadeToMeasurePhrases:
        missing = [key for key in Avoid.__args__ if key not in self.avoid]
        if missing:
            raise FieldProblems([(f"avoid.{key}", "missing") for key in missing])
        return self


class Phrases(Model):
    """The coach's own sentences around the exercises (`data/speech.yaml`)."""

    intro: dict[Literal["welcome", "welcome_back", "equipment", "ready", "partner"], Spoken]
    positions: dict[Position, PositionPhrases]
    transition_s: int = Field(gt=0, le=30)
    settle_s: int = Field(gt=0, le=15)
    exercise: dict[Literal["first", "next", "last", "side_first", "partner_side_first", "switch", "partner_switch",
                           "set_of", "rest", "again", "hold_seconds", "hold_breaths", "reps", "begin", "options",
                           "caution", "partner_check"], Spoken]
    cues: dict[Literal["halfway", "ten_left", "breathe_in", "breathe_out", "last_breath", "last_rep"], Spoken]
    closing: dict[Literal["done", "rest", "see_you", "stay_down"], Spoken]
    get_up: dict[Position, Spoken]
    equipment: dict[Literal["strap", "wall", "chair"], Spoken]
    moves: dict[Literal["down_from_standing", "down_from_chair", "floor_seated"], Spoken]
    made_to_measure: MadeToMeasurePhrases

    @model_validator(mode="after")
    def _complete(self) -> Phrases:
        problems = []
        for group in ("intro", "exercise", "cues", "closing", "get_up", "equipment", "moves", "positions"):
            expected = type(self).model_fields[group].annotation.__args__[0].__args__
            missing = [key for key in expected if key not in getattr(self, group)]
            problems += [(f"{group}.{key}", "missing") for key in missing]
        for field, text in self.texts().items():
            problem = placeholder_problem(text, PHRASE_PLACEHOLDERS.get(field, set()))
            if problem:
                problems.append((field, problem))
        if problems:
            raise FieldProblems(problems)
        return self

    def texts(self) -> dict[str, str]:
        """Every sentence, by its field path."""
        found = {}
        for group in ("intro", "exercise", "cues", "closing", "get_up", "equipment", "moves"):
            found |= {f"{group}.{key}": text for key, text in getattr(self, group).items()}
        for position, phrases in self.positions.items():
            found |= {f"positions.{position}.enter": phrases.enter, f"positions.{position}.stay": phrases.stay}
        return found


class Safety(Model):
    """Disclaimer and red flags (`data/safety.yaml`), spoken by both narrators."""

    disclaimer: Spoken
    stop_rule: Spoken
    urgent: Spoken = Field(description="the signs that need a doctor the same day, said in every introduction")
    red_flags_lead: Spoken
    red_flags: list[Spoken] = Field(min_length=3)
    red_flags_close: Spoken
    red_flags_short: Spoken = Field(description="the closing's one-sentence reminder")

    def red_flags_text(self) -> str:
        return f"{self.red_flags_lead}: {', '.join(self.red_flags)}. {self.red_flags_close}"
