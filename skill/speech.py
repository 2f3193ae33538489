"""Everything the skill says outside the routines themselves, from speech.yaml."""

from __future__ import annotations

import functools
from pathlib import Path


@functools.cache
def phrases() -> dict[str, str]:
    import yaml  # with the first turn that speaks, not with every cold start

    return yaml.safe_load((Path(__file__).parent / "speech.yaml").read_text(encoding="utf-8"))


def say(key: str, **values) -> str:
    return phrases()[key].format(**values)
