"""The Script as text a person reads top to bottom: what is said, when, and every timed pause."""

from __future__ import annotations

import textwrap

from content import Script
from content.spoken import heading

INDENT = " " * 9


def clock(seconds: float) -> str:
    minutes, rest = divmod(int(round(seconds)), 60)
    return f"{minutes:2d}:{rest:02d}"


def _wrap(text: str, first: str) -> str:
    return textwrap.fill(text, width=100, initial_indent=first, subsequent_indent=INDENT + "  ")


def script_text(script: Script) -> str:
    lines = [f"{heading(script.title)}: {clock(script.duration_s).strip()} planned"
             f" (hold scale {script.hold_scale:g})", ""]
    current = None
    for at, step, segment in script.timeline():
        if step is not current:
            if current is not None:
                lines.append("")
            current = step
            label = step.name + (f", {step.side} side" if step.side else "") + (f", set {step.set}" if step.set > 1 else "")
            lines.append(f"{clock(at)}  {label}")
        if segment.kind == "say":
            lines.append(_wrap(f"“{segment.text}”", INDENT))
        elif segment.kind == "chime":
            lines.append(f"{INDENT}♪ {segment.name} chime")
        else:
            lines.append(f"{INDENT}[{segment.purpose} {segment.seconds:g} s]")
            for cue in segment.cues:
                lines.append(_wrap(f"+{cue.at_s:g}s “{cue.text}”", INDENT + "  "))
    return "\n".join(lines).rstrip() + "\n"
