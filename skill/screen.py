"""The Echo Show screen: the exercise's name, what to do, and a countdown over its length.
Sent only to devices that declare APL support."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from content.spoken import heading

if TYPE_CHECKING:
    from ask_sdk_model.interfaces.alexa.presentation.apl import RenderDocumentDirective

    from content import Step


@cache
def document() -> dict:
    return json.loads((Path(__file__).parent / "apl" / "exercise.json").read_text(encoding="utf-8"))


def exercise_screen(steps: list[Step], routine_title: str, seconds: float) -> RenderDocumentDirective:
    # APL's models load with the first screen, not with every cold start (most devices have none)
    from ask_sdk_model.interfaces.alexa.presentation.apl import RenderDocumentDirective

    first_instruction = next((s.text for s in steps[0].segments if s.kind == "say" and len(s.text) > 40), "")
    return RenderDocumentDirective(token="exercise", document=document(), datasources={"exercise": {
        "name": steps[0].name, "routine": heading(routine_title),
        "step": first_instruction, "seconds": int(round(seconds))}})
