"""Script steps as Alexa SSML: every pause a chain of <break>s of at most ten seconds, with the cues
inside a hold spoken at their offsets. What one response may hold (characters, chimes) is checked by
the caller, which splits a long exercise across turns rather than drop anything."""

from __future__ import annotations

from html import escape as _escape
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # segments are told apart by their `kind`, so the pydantic models need not load with the skill
    from content.script import Pause, Step

MAX_BREAK_MS = 10_000
MAX_AUDIO = 5
MAX_CHARACTERS = 8000  # Alexa's limit on outputSpeech
SAY_GAP_MS = 400
# Alexa's own sound library, so the skill needs no audio hosting.
CHIME_SOUNDS = {
    "switch": "soundbank://soundlibrary/musical/amzn_sfx_bell_short_chime_02",
    "end": "soundbank://soundlibrary/musical/amzn_sfx_bell_timer_01",
}


def escape(text: str) -> str:
    """&, < and > as entities: all that SSML text needs (quotes only matter inside attributes)."""
    return _escape(text, quote=False)


def breaks(milliseconds: float) -> list[str]:
    """A silence of any length as a chain of Alexa-sized breaks."""
    left = int(round(milliseconds))
    chain = []
    while left > 0:
        part = min(MAX_BREAK_MS, left)
        chain.append(f'<break time="{part}ms"/>')
        left -= part
    return chain


def _pause(pause: Pause) -> list[str]:
    parts, cursor = [], 0.0
    for cue in pause.cues:
        parts += breaks((cue.at_s - cursor) * 1000)
        parts.append(escape(cue.text))
        cursor = cue.at_s + cue.est_s
    parts += breaks((pause.seconds - cursor) * 1000)
    return parts


class SsmlBuilder:
    """Collects what one response says, counting its chimes."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.chimes = 0

    def text(self, text: str) -> SsmlBuilder:
        if self.parts and not self.parts[-1].startswith("<break"):
            self.parts += breaks(SAY_GAP_MS)
        self.parts.append(escape(text))
        return self

    def steps(self, steps: list[Step]) -> SsmlBuilder:
        for step in steps:
            for segment in step.segments:
                if segment.kind == "say":
                    self.text(segment.text)
                elif segment.kind == "pause":
                    self.parts += _pause(segment)
                elif segment.kind == "chime":
                    self.parts.append(f'<audio src="{CHIME_SOUNDS[segment.name]}"/>')
                    self.chimes += 1
        return self

    def ssml(self) -> str:
        return "<speak>" + " ".join(self.parts) + "</speak>"


def plain(text: str) -> str:
    return f"<speak>{escape(text)}</speak>"
