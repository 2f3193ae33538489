"""The cue sheet (`<id>.cues.json`) and captions (`<id>.vtt`) that go beside each MP3."""

from __future__ import annotations

import json

from content import Script
from exporter.plan import RenderPlan


def cue_sheet(script: Script, plan: RenderPlan, engine: str) -> dict:
    return {"routine": script.routine, "title": script.title, "engine": engine, "duration_s": plan.duration_s,
            "segments": plan.segments, "timers": plan.timers, "chapters": plan.chapters}


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
        if segment["kind"] == "speech":
            text = segment["text"]
        elif segment["kind"] == "pause" and segment["purpose"] in ("hold", "reps", "rest") and \
                segment["end_s"] - segment["start_s"] >= 2:
            text = f"({segment['purpose']})"
        else:
            continue
        lines += [f"{_stamp(segment['start_s'])} --> {_stamp(segment['end_s'])}", text, ""]
    return "\n".join(lines)
