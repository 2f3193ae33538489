"""Routines made to measure: exercises chosen for a focus, leaving out what a person cannot or
would rather not do, ordered to flow from standing down to the floor, fitted to a length.

The routine is built as an ordinary Routine (its most relevant exercises as items, the rest as
extras) and fitted by the same fitting as the library's routines, so the two never differ in how
they hold, count or speak.
"""

from __future__ import annotations

import re
from collections import Counter

from content.compiler import (FIT_TOLERANCE, MIN_EXERCISES, Plan, compile_plan, nearest_reachable, routine_reach,
                              try_fit)
from content.errors import ContentError, LengthOutOfReach
from content.loader import Library
from content.models import Exercise, Routine, RoutineItem
from content.options import AVOID_CHOICES, FOCUS_CHOICES, RoutineOptions
from content.script import Script
from content.spoken import spoken_list, target_words

DEFAULT_FOCUS = ("hips", "lower-back")  # the library's own theme, for a request that names no focus
DEFAULT_EXERCISES = 5  # how many exercises a request without a length gets
ID_PREFIX = "custom"
KNEELING_POSITIONS = ("kneeling", "hands-and-knees")


class NothingToBuild(ContentError):
    """Too few exercises fit the request; says which focus areas those limits still allow."""

    def __init__(self, focus: tuple[str, ...], limits: str, possible: list[str]):
        self.focus, self.possible = focus, possible
        wanted = spoken_list([target_words(t) for t in focus])
        where = f" {limits}" if limits else ""
        if possible:
            offer = spoken_list([target_words(t) for t in possible], "or")
            super().__init__(f"there are too few stretches for your {wanted} to make a routine{where}; "
                             f"with those limits I can make one for your {offer}")
        else:
            super().__init__(f"there are too few stretches to make a routine{where}; leave out fewer things")


def leaves_out(exercise: Exercise, avoid: tuple[str, ...]) -> bool:
    """Whether a request that avoids these things must leave the exercise out. Partner exercises
    need a helper, so a routine made to measure never has them."""
    return (exercise.position == "with-partner"
            or ("kneeling" in avoid and exercise.position in KNEELING_POSITIONS)
            or ("floor" in avoid and exercise.on_the_floor)
            or bool(set(avoid) & set(exercise.equipment)))


def focus_of(options: RoutineOptions) -> tuple[str, ...]:
    return options.focus or DEFAULT_FOCUS


def made_to_measure_id(options: RoutineOptions) -> str:
    """A name for files and caches, from what was asked: 'custom-hips-lower-back-15min-no-kneeling'."""
    parts = [ID_PREFIX, *focus_of(options)]
    if options.minutes is not None:
        minutes = options.minutes
        parts.append(f"{minutes:g}min" if minutes == int(minutes) else f"{round(minutes * 60)}s")
    parts += [f"no-{thing}" for thing in options.avoid]
    return "-".join(parts)


def options_from_id(routine_id: str) -> RoutineOptions | None:
    """The request a made-to-measure id was made from (the inverse of made_to_measure_id), or None
    when the id is not one: the skill keeps only the id in a user's saved place."""
    parts = routine_id.split("-")
    if len(parts) < 2 or parts[0] != ID_PREFIX:
        return None
    parts = parts[1:]
    avoid = []
    while len(parts) >= 2 and parts[-2] == "no" and parts[-1] in AVOID_CHOICES:
        avoid.insert(0, parts[-1])
        parts = parts[:-2]
    minutes = None
    if parts and re.fullmatch(r"\d+(min|s)", parts[-1]):
        number = int(re.match(r"\d+", parts[-1]).group())
        minutes = number if parts[-1].endswith("min") else number / 60
        parts = parts[:-1]
    focus, rest = [], "-".join(parts)
    while rest:
        found = next((t for t in sorted(FOCUS_CHOICES, key=len, reverse=True)
                      if rest == t or rest.startswith(t + "-")), None)
        if found is None:
            return None
        focus.append(found)
        rest = rest[len(found) + 1:]
    try:
        options = RoutineOptions(focus=focus, minutes=minutes, avoid=avoid)
    except ValueError:
        return None
    return options if made_to_measure_id(options) == routine_id else None


class MadeToMeasure:
    """The routine a RoutineOptions asks for, built from one library."""

    def __init__(self, library: Library, options: RoutineOptions):
        self.library, self.options = library, options
        self.focus = focus_of(options)
        words = library.phrases.made_to_measure
        self.spoken_name = spoken_list([target_words(t) for t in self.focus])
        self.title = words.title.format(focus=self.spoken_name)
        # Avoiding the floor already leaves out kneeling: say only the wider limit.
        shown = [thing for thing in options.avoid if not (thing == "kneeling" and "floor" in options.avoid)]
        self.limits = spoken_list([words.avoid[thing] for thing in shown]) if shown else ""
        self.description = words.description_limits.format(limits=self.limits) if shown else words.description
        self.ranked = self._ranked(self.focus)
        if len(self.ranked) < MIN_EXERCISES:
            possible = [t for t in FOCUS_CHOICES if len(self._ranked((t,))) >= MIN_EXERCISES]
            raise NothingToBuild(self.focus, self.limits, possible)

    def _ranked(self, focus: tuple[str, ...]) -> list[Exercise]:
        """The exercises that work the focus and fit the limits, most relevant first: those that
        work more of the focus, then those whose main target it is, then a spread of positions."""
        focus_set = set(focus)
        remaining = [e for e in self.library.exercises.values()
                     if focus_set & set(e.targets) and not leaves_out(e, self.options.avoid)]
        ranked: list[Exercise] = []
        used = Counter()
        while remaining:
            best = min(remaining, key=lambda e: (-len(focus_set & set(e.targets)), e.targets[0] not in focus_set,
                                                 used[e.position], e.id))
            ranked.append(best)
            remaining.remove(best)
            used[best.position] += 1
        return ranked

    def routine(self, count: int) -> Routine:
        """The `count` most relevant exercises in the order the body moves (standing, then a chair,
        then down to the floor), one set each, with the rest as extras: fitting adds exercises,
        then sets, so a short routine keeps its variety and a long one repeats the best."""
        chosen = self.ranked[:count]
        in_flow = sorted(chosen, key=lambda e: (e.flow_rank, chosen.index(e)))
        return Routine(id=made_to_measure_id(self.options), title=self.title, spoken_name=self.spoken_name,
                       description=self.description, focus=list(self.focus),
                       items=[RoutineItem(exercise=e.id, sets=1) for e in in_flow],
                       extras=[e.id for e in self.ranked[count:]])

    def _planned(self, count: int) -> Plan:
        """The `count` most relevant exercises at their usual doses, as the options ask them said."""
        options = self.options
        return Plan.of(self.routine(count), options.hold_scale, options.brief, options.returning)

    def reach(self) -> tuple[int, int]:
        """The whole minutes this request can be fitted to: from its two most relevant exercises at
        the shortest holds to all of them, in every set, at the longest."""
        return routine_reach(self.library, self._planned(MIN_EXERCISES))

    def plan(self) -> Plan:
        """The fitted plan; raises LengthOutOfReach naming the range this request can reach."""
        minutes = self.options.minutes
        plan = self._fitted(minutes)
        if plan is None:
            shortest, longest = self.reach()
            raise LengthOutOfReach(self.title, minutes, shortest, longest, nearest_reachable(
                lambda m: self._fitted(m) is not None, minutes, shortest, longest))
        return plan

    def _fitted(self, minutes: float | None) -> Plan | None:
        """The plan fitted to `minutes`, or None when it cannot be."""
        count = min(len(self.ranked), DEFAULT_EXERCISES)
        if minutes is not None:
            # As many exercises as fit the length at their usual doses; fitting does the rest.
            count = MIN_EXERCISES
            while count < len(self.ranked) and \
                    compile_plan(self.library, self._planned(count + 1)).duration_s <= minutes * 60 * (1 + FIT_TOLERANCE):
                count += 1
        return try_fit(self.library, self._planned(count), minutes)

    def script(self) -> Script:
        return compile_plan(self.library, self.plan())
