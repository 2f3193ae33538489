"""Stretch Coach content: exercises and routines as validated data, compiled into the Script.

The names below are loaded on first use, so code that needs only a light part (the skill at a
cold start needs `content.spoken`) does not pay for the YAML loader and the schema models.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

_HOMES = {
    "content.builder": ("MadeToMeasure", "NothingToBuild"),
    "content.catalog": ("Catalog", "Listing"),
    "content.compiler": ("Plan", "compile_plan", "compile_routine", "plan_routine"),
    "content.errors": ("ContentError", "LengthOutOfReach", "Problem"),
    "content.loader": ("Library", "load_library"),
    "content.options": ("RoutineOptions",),
    "content.script": ("Chime", "Cue", "Pause", "Say", "Script", "Step"),
}
_HOME_OF = {name: module for module, names in _HOMES.items() for name in names}
__all__ = sorted(_HOME_OF)


def __getattr__(name: str):
    if name not in _HOME_OF:
        raise AttributeError(f"module 'content' has no attribute {name!r}")
    value = getattr(importlib.import_module(_HOME_OF[name]), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


if TYPE_CHECKING:
    from content.builder import MadeToMeasure, NothingToBuild
    from content.catalog import Catalog, Listing
    from content.compiler import Plan, compile_plan, compile_routine, plan_routine
    from content.errors import ContentError, LengthOutOfReach, Problem
    from content.loader import Library, load_library
    from content.options import RoutineOptions
    from content.script import Chime, Cue, Pause, Say, Script, Step
