"""The words for routines, from the content library: each routine's spoken name ("lower back"), its
title ("lower back routine") and its synonyms ("my back"). The interaction model's slot values and
the skill's own resolution of what was said come from here, so a new routine needs no skill change."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from content import Catalog


def normalise(text: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"[^a-z0-9 ]", " ", text.lower())).strip()


@dataclass(frozen=True)
class RoutineWords:
    id: str
    name: str  # the spoken name: the slot value and the word the skill suggests
    synonyms: tuple[str, ...]


class Vocabulary:
    def __init__(self, catalog: Catalog):
        self.routines: list[RoutineWords] = []
        self._lookup: dict[str, str] = {}
        for routine_id in catalog.routine_ids:
            routine = catalog.library.routine(routine_id)
            words = [routine.spoken_name, routine.title, routine.id.replace("-", " "), *routine.synonyms]
            unique = list(dict.fromkeys(normalise(w) for w in words))
            for word in unique:
                other = self._lookup.setdefault(word, routine_id)
                if other != routine_id:
                    raise ValueError(f"'{word}' names both the {other} and the {routine_id} routine")
            self.routines.append(RoutineWords(routine_id, unique[0], tuple(unique[1:])))

    def routine(self, spoken: str | None) -> str | None:
        """The routine id ('lower-back') for what was said ('my lower back'), or None."""
        if not spoken:
            return None
        said = normalise(spoken)
        if said in self._lookup:
            return self._lookup[said]
        trimmed = normalise(re.sub(r"\b(my|the|a|routine|stretches|stretch)\b", " ", said))
        return self._lookup.get(trimmed)

    def names(self) -> list[str]:
        return [words.name for words in self.routines]


