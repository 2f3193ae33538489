"""The catalog: the library, its routines in track order, and their compiled Scripts, built once.

The CLI, the skill and the phone library each get one Catalog and ask it for listings and Scripts,
so a routine's name, length and order are worked out in one place and compiled once per options.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from content.builder import MadeToMeasure
from content.compiler import compile_routine
from content.loader import Library, load_library
from content.options import RoutineOptions
from content.script import Script
from content.spoken import heading

DEFAULT_OPTIONS = RoutineOptions()


@dataclass(frozen=True)
class Listing:
    """One routine as lists, feeds and the skill name it: planned at default options."""

    id: str
    title: str  # "hip routine", as spoken inside a sentence
    heading: str  # "Hip routine", at the start of a line
    spoken_name: str  # "hip", what a person says to ask for it
    description: str
    audience: str
    duration_s: float
    exercises: tuple[str, ...]  # exercise ids in order
    track: int  # 1-based position in the catalog's order (after the library's own for one made to measure)

    def as_json(self) -> dict:
        return {"id": self.id, "title": self.title, "description": self.description, "duration_s": self.duration_s,
                "audience": self.audience, "exercises": list(self.exercises), "track": self.track}


class Catalog:
    def __init__(self, library: Library):
        self.library = library
        self._scripts: dict[tuple[str, RoutineOptions], Script] = {}
        self._lock = threading.Lock()
        # Track order: each routine's `order`, then its id, so a new routine needs no code change.
        self.routine_ids: tuple[str, ...] = tuple(
            r.id for r in sorted(library.routines.values(), key=lambda r: (r.order, r.id)))

    @classmethod
    def load(cls, extra_paths: Iterable[Path | str] = ()) -> Catalog:
        return cls(load_library(extra_paths))

    def script(self, routine_id: str | None, options: RoutineOptions = DEFAULT_OPTIONS) -> Script:
        """The routine's Script at these options, compiled once; with no routine id, the routine made
        to measure for the options' focus, length and limits. Raises ContentError for an unknown
        routine or a request that cannot be met (LengthOutOfReach, NothingToBuild: both say what can)."""
        key = (routine_id, options)
        script = self._scripts.get(key)
        if script is None:
            if routine_id is None:
                script = MadeToMeasure(self.library, options).script()
            else:
                script = compile_routine(self.library, routine_id, options.minutes, options.hold_scale, options.brief,
                                         options.returning)
            with self._lock:
                script = self._scripts.setdefault(key, script)
        return script

    def track(self, routine_id: str) -> int:
        return self.routine_ids.index(routine_id) + 1

    def listing(self, routine_id: str) -> Listing:
        routine = self.library.routine(routine_id)
        script = self.script(routine_id)
        return Listing(id=routine.id, title=routine.title, heading=heading(routine.title),
                       spoken_name=routine.spoken_name, description=routine.description, audience=routine.audience,
                       duration_s=script.duration_s, exercises=tuple(script.exercise_ids()),
                       track=self.track(routine_id))

    def made_to_measure(self, options: RoutineOptions) -> Listing:
        """The routine made to measure for these options, as lists and the skill name it: its id
        ('custom-hips-15min'), title ('routine for your hips') and spoken name ('hips'). Raises
        as script(None, options) does."""
        routine = MadeToMeasure(self.library, options)
        script = self.script(None, options)
        return Listing(id=script.routine, title=routine.title, heading=heading(routine.title),
                       spoken_name=routine.spoken_name, description=routine.description, audience="self",
                       duration_s=script.duration_s, exercises=tuple(script.exercise_ids()),
                       track=len(self.routine_ids) + 1)

    def listings(self) -> list[Listing]:
        return [self.listing(routine_id) for routine_id in self.routine_ids]
