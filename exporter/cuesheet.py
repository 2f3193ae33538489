"""The cue sheet (`<id>.cues.json`) and captions (`<id>.vtt`) that go beside each MP3."""

from __future__ import annotations

import json

from content import Script
from content.script import TIMED_PURPOSES
from exporter.plan import Chapter, RenderPlan, TimelineSegment


def _segment(plan: RenderPlan, segment: TimelineSegment) -> dict:
    row = {"start_s": plan.seconds(segment.start), "end_s": plan.seconds(segment.end), "kind": segment.kind}
    row |= {field: getattr(segment, field) for field in ("text", "name", "purpose") if getattr(segment, field)}
    return row | {"exercise": segment.where.exercise, "side": segment.where.side}


def chapter_row(plan: RenderPlan, chapter: Chapter) -> dict:
    return {"start_s": plan.seconds(chapter.start), "end_s": plan.seconds(chapter.end), "title": chapter.title,
            "exercise": chapter.exercise}


def cue_sheet(script: Script, plan: RenderPlan, engine: str) -> dict:
    """The cue sheet's shape (DESIGN.md) is made here and nowhere else; the plan counts samples."""
    return {"routine": script.routine, "title": script.title, "engine": engine, "duration_s": plan.duration_s,
            "segments": [_segment(plan, s) for s in plan.segments],
            "timers": [{"purpose": t.purpose, "start_s": plan.seconds(t.start), "end_s": plan.seconds(t.end),
                        "planned_s": t.planned_s, "exercise": t.where.exercise, "side": t.where.side}
                       for t in plan.timers],
            "chapters": [chapter_row(plan, c) for c in plan.chapters]}


def cue_sheet_json(sheet: dict) -> str:
    return json.dumps(sheet, indent=1, ensure_ascii=False) + "\n"


def _stamp(seconds: float) -> str:
    hours, rest = divmod(int(round(seconds * 1000)), 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    return f"{hours:02d}:{minutes:02d}:{rest // 1000:02d}.{rest % 1000:03d}"


def webvtt(plan: RenderPlan) -> str:
    """Captions: every spoken line, and each timed hold as a line of its own."""
    lines = ["WEBVTT", ""]
    for segment in plan.segments:
        if segment.kind == "speech":
            text = segment.text
        elif segment.kind == "pause" and segment.purpose in TIMED_PURPOSES and segment.end - segment.start >= 2 * plan.rate:
            text = f"({segment.purpose})"
        else:
            continue
        lines += [f"{_stamp(plan.seconds(segment.start))} --> {_stamp(plan.seconds(segment.end))}", text, ""]
    return "\n".join(lines)
