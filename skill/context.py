"""What every turn of the skill needs, made once per skill and handed to each handler: the catalog
of routines, the words for them, and each routine's walkthrough at the options asked for."""

from __future__ import annotations

import functools
import threading
from typing import TYPE_CHECKING

from content.spoken import spoken_list
from skill.navigation import Walkthrough
from skill.render import budget_for
from skill.vocabulary import Vocabulary

if TYPE_CHECKING:
    from content import Catalog


class SkillContext:
    def __init__(self, catalog: Catalog | None = None):
        self._given = catalog
        self._walks: dict[tuple, Walkthrough] = {}
        self._lock = threading.Lock()

    @functools.cached_property
    def catalog(self) -> Catalog:
        # Without one handed in (Lambda), the library (YAML, the pydantic models) is read on the first
        # request that needs it, not at import.
        from content import Catalog

        return self._given or Catalog.load()

    @functools.cached_property
    def vocabulary(self) -> Vocabulary:
        return Vocabulary(self.catalog)

    def walkthrough(self, routine_id: str, minutes: int | None = None, hold_scale: float = 1.0,
                    brief: bool = False, returning: bool = False) -> Walkthrough:
        """The routine in turns; raises ContentError (LengthOutOfReach) for a length it cannot reach."""
        key = (routine_id, minutes, hold_scale, brief, returning)
        walk = self._walks.get(key)
        if walk is None:
            from content import RoutineOptions
            from content.builder import options_from_id

            asked = options_from_id(routine_id)
            if asked is None:
                script = self.catalog.script(routine_id, RoutineOptions(minutes=minutes, hold_scale=hold_scale,
                                                                        brief=brief, returning=returning))
            else:  # made to measure: the id says what to work on and leave out; the length is the user's
                options = asked.model_copy(update={"minutes": minutes, "hold_scale": hold_scale, "brief": brief,
                                                   "returning": returning})
                script = self.catalog.script(None, options)
            walk = Walkthrough(script, budget_for(script.exercise_steps()[0]))
            with self._lock:
                walk = self._walks.setdefault(key, walk)
        return walk

    def title(self, routine_id: str) -> str:
        from content.builder import MadeToMeasure, options_from_id

        asked = options_from_id(routine_id)
        if asked is not None:
            return MadeToMeasure(self.catalog.library, asked).title
        return self.catalog.library.routine(routine_id).title

    def knows(self, routine_id: str) -> bool:
        """A routine of the library, or one made to measure that can still be built from it."""
        from content import ContentError
        from content.builder import MadeToMeasure, options_from_id

        if routine_id in self.catalog.routine_ids:
            return True
        asked = options_from_id(routine_id)
        if asked is None:
            return False
        try:
            MadeToMeasure(self.catalog.library, asked)
        except ContentError:  # the library no longer has enough exercises for it
            return False
        return True

    def routine_names(self, conjunction: str = "or") -> str:
        """'hip, lower back, ... or partner': what to say to choose a routine."""
        return spoken_list(self.vocabulary.names(), conjunction)
