"""The Echo Show screen: the exercise's name, what to do, and a countdown over its length.
Sent only to devices that declare APL support."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from ask_sdk_model.interfaces.alexa.presentation.apl import RenderDocumentDirective

from content import Step
from content.spoken import heading


@cache
def document() -> dict:
    return json.loads((Path(__file__).parent / "apl" / "exercise.json").read_text(encoding="utf-8"))


def exercise_screen(steps: list[Step], routine_title: str, seconds: float) -> RenderDocumentDirective:
    first_instruction = next((s.text for s in steps[0].segments if s.kind == "say" and len(s.text) > 40), "")
    return RenderDocumentDirective(token="exercise", document=document(), datasources={"exercise": {
        "name": steps[0].name, "routine": heading(routine_title),
        "step": first_instruction, "seconds": int(round(seconds))}})
