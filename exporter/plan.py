"""The render plan: where every clip, chime and silence goes, to the sample. Plain data, made from the
Script and the real clip lengths, tested without TTS or ffmpeg.

Timed pauses are placed by sample count, so a thirty second hold is exactly `30 * rate` samples
whatever was said before it, and nothing drifts over an hour. Cues spoken inside a hold sit at
their offsets and never move the hold's end.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

from content.script import SOUND_GAP_S, Chime, Pause, Say, Script

CUE_GAP_S = 0.15


@dataclass(frozen=True)
class Placement:
    start: int
    length: int
    kind: str  # "speech" or "chime"
    key: str  # the text spoken, or the chime's name


@dataclass(frozen=True)
class Where:
    """The exercise and side a stretch of the timeline belongs to (None for the intro and closing)."""

    exercise: str | None = None
    side: str | None = None


@dataclass(frozen=True)
class TimelineSegment:
    """One contiguous stretch of the file, in samples: speech, a chime, or a pause."""

    start: int
    end: int
    kind: str  # "speech", "chime" or "pause"
    where: Where
    text: str | None = None  # speech
    name: str | None = None  # chime
    purpose: str | None = None  # pause: hold, reps, rest, transition, settle or gap


@dataclass(frozen=True)
class Timer:
    """A timed pause the user relies on, from the end of the instruction to the release cue."""

    purpose: str
    start: int
    end: int
    planned_s: float
    where: Where


@dataclass(frozen=True)
class Chapter:
    start: int
    end: int
    title: str
    exercise: str | None


@dataclass
class RenderPlan:
    rate: int
    total: int = 0
    placements: list[Placement] = field(default_factory=list)
    segments: list[TimelineSegment] = field(default_factory=list)
    timers: list[Timer] = field(default_factory=list)
    chapters: list[Chapter] = field(default_factory=list)
    dropped_cues: list[str] = field(default_factory=list)

    def seconds(self, samples: int) -> float:
        return round(samples / self.rate, 3)

    @property
    def duration_s(self) -> float:
        return self.seconds(self.total)


class _Planner:
    def __init__(self, plan: RenderPlan, clip_lengths: Mapping[str, int], chime_lengths: Mapping[str, int]):
        self.plan = plan
        self.clips = clip_lengths
        self.chimes = chime_lengths
        self.cursor = 0
        self.last_sounded = False

    def segment(self, kind: str, start: int, end: int, where: Where, **info) -> None:
        if end > start:
            self.plan.segments.append(TimelineSegment(start, end, kind, where, **info))

    def sound(self, kind: str, key: str, length: int, where: Where) -> None:
        if self.last_sounded:
            gap = int(round(SOUND_GAP_S * self.plan.rate))
            self.segment("pause", self.cursor, self.cursor + gap, where, purpose="gap")
            self.cursor += gap
        self.plan.placements.append(Placement(self.cursor, length, kind, key))
        info = {"text": key} if kind == "speech" else {"name": key}
        self.segment(kind, self.cursor, self.cursor + length, where, **info)
        self.cursor += length
        self.last_sounded = True

    def pause(self, pause: Pause, where: Where) -> None:
        rate = self.plan.rate
        start, end = self.cursor, self.cursor + int(round(pause.seconds * rate))
        at = start
        for cue in pause.cues:
            length = self.clips[cue.text]
            cue_start = max(start + int(round(cue.at_s * rate)), at + (int(CUE_GAP_S * rate) if at > start else 0))
            if cue_start + length > end:
                self.plan.dropped_cues.append(cue.text)  # a real clip longer than planned: the hold's end wins
                continue
            self.segment("pause", at, cue_start, where, purpose=pause.purpose)
            self.plan.placements.append(Placement(cue_start, length, "speech", cue.text))
            self.segment("speech", cue_start, cue_start + length, where, text=cue.text)
            at = cue_start + length
        self.segment("pause", at, end, where, purpose=pause.purpose)
        if pause.timed:
            self.plan.timers.append(Timer(pause.purpose, start, end, pause.seconds, where))
        self.cursor = end
        self.last_sounded = False

    def run(self, script: Script) -> None:
        for group in script.exercise_steps():
            chapter_start = self.cursor
            for step in group:
                where = Where(step.exercise, step.side)
                for item in step.segments:
                    if isinstance(item, Say):
                        self.sound("speech", item.text, self.clips[item.text], where)
                    elif isinstance(item, Chime):
                        self.sound("chime", item.name, self.chimes[item.name], where)
                    else:
                        self.pause(item, where)
            self.plan.chapters.append(Chapter(chapter_start, self.cursor, group[0].name, group[0].exercise))
        self.plan.total = self.cursor


def spoken_texts(script: Script) -> list[str]:
    """Every distinct text a render needs as a clip, in the order it is first heard."""
    texts: dict[str, None] = {}
    for step in script.steps:
        for item in step.segments:
            if isinstance(item, Say):
                texts[item.text] = None
            elif isinstance(item, Pause):
                texts.update((cue.text, None) for cue in item.cues)
    return list(texts)


def plan_render(script: Script, clip_lengths: Mapping[str, int], chime_lengths: Mapping[str, int],
                rate: int) -> RenderPlan:
    plan = RenderPlan(rate=rate)
    _Planner(plan, clip_lengths, chime_lengths).run(script)
    return plan
