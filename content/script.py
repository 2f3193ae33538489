"""The Script: the one contract between the content and the two narrators.

A Script is an ordered list of steps (exercise, side, set), each a list of segments:
Say(text), Pause(seconds, purpose, cues spoken inside it) and Chime(name). It is plain data;
the skill turns it into SSML and the exporter into audio.
"""

from __future__ import annotations

from typing import Annotated, Iterable, Iterator, Literal, Union

from pydantic import BaseModel, ConfigDict, Field

CHIME_S = {"switch": 0.9, "end": 0.7}
# Breathing room between two sounds (sentences, chimes) heard one after the other: the narrators
# leave it, so the planned length counts it.
SOUND_GAP_S = 0.45
TIMED_PURPOSES = ("hold", "reps", "rest")


class _Data(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Cue(_Data):
    """Words spoken inside a pause, starting `at_s` seconds after the pause begins."""

    at_s: float
    text: str
    est_s: float


class Say(_Data):
    kind: Literal["say"] = "say"
    text: str
    est_s: float

    @property
    def seconds(self) -> float:
        return self.est_s


class Pause(_Data):
    kind: Literal["pause"] = "pause"
    seconds: float
    purpose: Literal["hold", "reps", "rest", "transition", "settle"]
    cues: tuple[Cue, ...] = ()

    @property
    def timed(self) -> bool:
        """Holds, reps and rests are timers the user relies on; transitions are just room to move."""
        return self.purpose in TIMED_PURPOSES


class Chime(_Data):
    kind: Literal["chime"] = "chime"
    name: Literal["switch", "end"]

    @property
    def seconds(self) -> float:
        return CHIME_S[self.name]


Segment = Annotated[Union[Say, Pause, Chime], Field(discriminator="kind")]


class Step(_Data):
    exercise: str | None  # None for the intro and the closing
    name: str
    side: str | None = None
    set: int = 1
    segments: tuple[Segment, ...]

    @property
    def duration_s(self) -> float:
        """Its segments, with the gap between sounds within it (the one before it, if any, is the Script's)."""
        return duration_s((self,))


class Script(_Data):
    routine: str
    title: str
    hold_scale: float
    steps: tuple[Step, ...]

    def timeline(self) -> Iterator[tuple[float, Step, Segment]]:
        return timeline(self.steps)

    @property
    def duration_s(self) -> float:
        return duration_s(self.steps)

    def exercise_ids(self) -> list[str]:
        return list(dict.fromkeys(step.exercise for step in self.steps if step.exercise))

    def exercise_steps(self) -> list[list[Step]]:
        """Steps grouped by exercise, with the intro and closing as groups of their own, in order."""
        groups: list[list[Step]] = []
        for step in self.steps:
            if groups and step.exercise is not None and groups[-1][0].exercise == step.exercise:
                groups[-1].append(step)
            else:
                groups.append([step])
        return groups


def timeline(steps: Iterable[Step]) -> Iterator[tuple[float, Step, Segment]]:
    """Each segment with the second it starts at, gaps between sounds included."""
    at, after_sound = 0.0, False
    for step in steps:
        for segment in step.segments:
            sound = segment.kind != "pause"
            if sound and after_sound:
                at += SOUND_GAP_S
            yield at, step, segment
            at += segment.seconds
            after_sound = sound


def duration_s(steps: Iterable[Step]) -> float:
    end = 0.0
    for at, _, segment in timeline(steps):
        end = at + segment.seconds
    return round(end, 2)
