"""Compile a routine into the Script, and fit a routine to a target length.

What is said, and when, is decided here and nowhere else, so the skill and the MP3 never drift apart.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Callable, Iterable

from content.errors import ContentError, LengthOutOfReach
from content.loader import Library
from content.models import SIDE_NAMES, Exercise, Hold, Part, Reps, Routine, RoutineItem, fill
from content.options import HOLD_SCALE_RANGE, MINUTES_RANGE
from content.script import Chime, Cue, Pause, Say, Script, Segment, Step, duration_s
from content.spoken import estimate_speech_s, minutes_words, number_words, seconds_words, spoken_list

FIT_TOLERANCE = 0.05
MIN_SCALE, MAX_SCALE = 0.5, 2.0
MAX_SETS = 3
MIN_EXERCISES = 2
# Reps faster than this are counted in fives, not one by one: nobody can say "twenty-seven" in a second.
COUNT_EVERY_REP_S = 1.5
# Cues inside a timed hold, by the hold's length in seconds (see hold_segments).
FEEL_FROM_S, TEN_LEFT_FROM_S, HALFWAY_FROM_S, COUNTDOWN_FROM_S = 20, 25, 45, 45
CUE_GAP_S = 0.25


@dataclass(frozen=True)
class Plan:
    """A routine's exercises with their doses, after fitting; compiles to a Script."""

    routine: Routine
    items: tuple[RoutineItem, ...]
    scale: float = 1.0
    brief: bool = False  # exercises the user knows well: their short instructions (and the short introduction)
    returning: bool = False  # someone who has done a session before: the short introduction

    @classmethod
    def of(cls, routine: Routine, scale: float = 1.0, brief: bool = False, returning: bool = False) -> Plan:
        """The routine as written, at a hold scale."""
        return cls(routine, tuple(routine.items), scale, brief, returning)

    def varied(self, items: Iterable[RoutineItem], scale: float) -> Plan:
        """This plan with other exercises or doses, at another hold scale."""
        return replace(self, items=tuple(items), scale=scale)


def say(text: str) -> Say:
    return Say(text=text, est_s=estimate_speech_s(text))


def _place_cues(length: float, wanted: list[tuple[float, str, int]]) -> tuple[Cue, ...]:
    """Keep the cues that fit without talking over each other, most important (lowest rank) first."""
    kept: list[Cue] = []
    for at, text, _ in sorted(wanted, key=lambda c: (c[2], c[0])):
        cue = Cue(at_s=round(at, 2), text=text, est_s=estimate_speech_s(text))
        if cue.at_s < 0 or cue.at_s + cue.est_s > length:
            continue
        if all(cue.at_s + cue.est_s + CUE_GAP_S <= k.at_s or k.at_s + k.est_s + CUE_GAP_S <= cue.at_s for k in kept):
            kept.append(cue)
    return tuple(sorted(kept, key=lambda c: c.at_s))


class _Compiler:
    def __init__(self, library: Library, plan: Plan):
        self.library = library
        self.plan = plan
        self.phrases = library.phrases
        self.partner = plan.routine.audience == "partner"

    # -- timed blocks ------------------------------------------------------------------------
    def hold_segments(self, exercise: Exercise, hold: Hold, side: str | None) -> list[Segment]:
        cues_text = self.phrases.cues
        if hold.seconds is not None:
            # Few words inside a hold: the end chime always marks its end. A feel line early on,
            # then "ten seconds left" in longer holds, and halfway and a countdown only in long
            # ones. A quiet routine (bedtime) never counts down; a brief one skips the feel line.
            length = float(hold.seconds)
            quiet = self.plan.routine.cues == "quiet"
            wanted = []
            if length >= COUNTDOWN_FROM_S and not quiet:
                wanted += [(length - 3 + i, number_words(3 - i), 0) for i in range(3)]
            if length >= TEN_LEFT_FROM_S and not quiet:
                wanted.append((length - 10, cues_text["ten_left"], 1))
            if length >= HALFWAY_FROM_S:
                wanted.append((length / 2, cues_text["halfway"], 2))
            if length >= FEEL_FROM_S and not self.plan.brief:
                wanted.append((3.0, fill(exercise.feel, side), 3))
            intro = self.phrases.exercise["hold_seconds"].format(length=seconds_words(length))
            spoken = [say(f"{intro} {fill(exercise.breathing, side)}")]
        else:
            length = hold.breaths * hold.breath_s
            exhale_at = hold.breath_s * 0.45
            wanted = []
            for n in range(hold.breaths):
                start = n * hold.breath_s
                if n == hold.breaths - 1:
                    wanted.append((start, cues_text["last_breath"], 0))
                elif n < 2:
                    wanted += [(start, cues_text["breathe_in"], 0), (start + exhale_at, cues_text["breathe_out"], 0)]
                else:
                    wanted.append((start, number_words(n + 1), 1))
            intro = self.phrases.exercise["hold_breaths"].format(count=number_words(hold.breaths))
            spoken = [say(f"{fill(exercise.feel, side)} {intro}")]
        return spoken + [Pause(seconds=length, purpose="hold", cues=_place_cues(length, wanted)),
                         Chime(name="end")]

    def reps_segments(self, exercise: Exercise, reps: Reps, side: str | None) -> list[Segment]:
        count_each = reps.rep_s >= COUNT_EVERY_REP_S or reps.count <= 12
        wanted = []
        for n in range(reps.count):
            rep_side = SIDE_NAMES[n % 2] if exercise.sides == "alternating" else side
            at = n * reps.rep_s
            last = n == reps.count - 1
            for i, phase in enumerate(reps.phases):
                words = [fill(phase.cue, rep_side)] if phase.cue else []
                if i == 0 and reps.counted and last:
                    words.insert(0, self.phrases.cues["last_rep"])
                elif i == 0 and reps.counted and (count_each or (n + 1) % 5 == 0):
                    words.insert(0, number_words(n + 1))
                if words:
                    wanted.append((at, ", ".join(words), 0 if i == 0 else 1))
                at += phase.seconds
        length = reps.count * reps.rep_s
        intro = self.phrases.exercise["reps"].format(count=number_words(reps.count).capitalize(), noun=reps.noun)
        return [say(f"{intro} {fill(exercise.breathing, side)} {self.phrases.exercise['begin']}"),
                Pause(seconds=round(length, 2), purpose="reps", cues=_place_cues(length, wanted)),
                Chime(name="end")]

    def part_segments(self, item: RoutineItem, exercise: Exercise, part: Part, side: str | None) -> list[Segment]:
        scale = self.plan.scale
        if part.hold:
            return self.hold_segments(exercise, part.hold.scaled(scale, item.hold_s, item.breaths), side)
        return self.reps_segments(exercise, part.reps.scaled(scale, item.reps, in_pairs=exercise.sides == "alternating"),
                                  side)

    # -- an exercise -------------------------------------------------------------------------
    def side_line(self, exercise: Exercise, side: str, first: bool) -> str:
        key = ("side_first" if first else "switch")
        key = f"partner_{key}" if self.partner else key
        return self.phrases.exercise[key].format(side=side, side_of=exercise.side_of)

    def exercise_steps(self, index: int, item: RoutineItem, previous: Exercise | None) -> list[Step]:
        exercise = self.library.exercise(item.exercise)
        words = self.phrases.exercise
        order = "first" if index == 0 else "last" if index == len(self.plan.items) - 1 else "next"
        opening: list[Segment] = [say(words[order].format(name=exercise.name))]
        position = self.phrases.positions[exercise.position]
        if previous is None or previous.flow_rank != exercise.flow_rank:  # from a chair down to the floor too
            moves = self.phrases.moves
            enter = moves["floor_seated"] if exercise.position == "seated" and exercise.on_the_floor else position.enter
            if previous is not None and exercise.on_the_floor and not previous.on_the_floor:
                down = moves["down_from_chair" if previous.position == "seated" else "down_from_standing"]
                enter = f"{down} {enter}"
            opening += [say(enter), Pause(seconds=self.phrases.transition_s, purpose="transition")]
        else:
            opening.append(say(position.stay))
        if not self.plan.brief:  # someone who knows the exercise needs its steps, not the set-up
            opening.append(say(" ".join(exercise.setup)))

        sides = list(SIDE_NAMES) if exercise.sides == "each" else [None]
        sets = item.sets or exercise.sets
        settle = Pause(seconds=self.phrases.settle_s, purpose="settle")
        steps = []
        for set_no in range(1, sets + 1):
            for side_no, side in enumerate(sides):
                segments: list[Segment] = list(opening) if not steps else []
                if set_no > 1 and side_no == 0:
                    segments.append(say(words["set_of"].format(n=number_words(set_no), total=number_words(sets))))
                if side is not None:
                    if side_no > 0:
                        segments.append(Chime(name="switch"))
                    segments.append(say(self.side_line(exercise, side, first=side_no == 0)))
                if set_no == 1 or side is not None:
                    segments.append(say(" ".join(fill(s, side) for s in exercise.steps)))
                else:
                    segments.append(say(words["again"]))
                if set_no == 1 and side_no == 0 and exercise.easier and not self.plan.brief:
                    segments.append(say(words["options"].format(easier=fill(exercise.easier, side))))
                if set_no == 1 and side_no == 0 and exercise.cautions:
                    # said once, just before the first hold it applies to
                    cautions = " ".join(fill(c, side) for c in exercise.cautions)
                    segments.append(say(words["caution"].format(cautions=cautions)))
                if self.partner:
                    segments.append(say(words["partner_check"]))
                segments.append(settle)
                for part_no, part in enumerate(exercise.parts):
                    if part.say:
                        segments.append(say(fill(part.say, side)))
                        if part_no > 0:
                            segments.append(settle)
                    segments += self.part_segments(item, exercise, part, side)
                segments.append(say(fill(exercise.release, side)))
                if set_no < sets and side_no == len(sides) - 1 and exercise.rest_s:
                    segments += [say(words["rest"].format(length=seconds_words(exercise.rest_s))),
                                 Pause(seconds=exercise.rest_s, purpose="rest")]
                steps.append(Step(exercise=exercise.id, name=exercise.name, side=side, set=set_no,
                                  segments=tuple(segments)))
        return steps

    # -- the routine -------------------------------------------------------------------------
    def intro(self, planned_s: float) -> Step:
        """The disclaimer, the stop rule and the signs that need a doctor the same day, every time;
        a returning user (or a brief plan) hears a shorter welcome without the routine's description."""
        routine, intro, safety = self.plan.routine, self.phrases.intro, self.library.safety
        short = self.plan.brief or self.plan.returning
        welcome = intro["welcome_back" if short else "welcome"]
        lines = [welcome.format(title=routine.title, length=minutes_words(planned_s), description=routine.description)]
        if not short:
            lines.append(safety.disclaimer)
        lines += [safety.stop_rule, safety.urgent]
        if self.partner:
            lines.append(intro["partner"])
        kit = sorted({e for item in self.plan.items for e in self.library.exercise(item.exercise).equipment} - {"none"})
        if kit:
            lines.append(intro["equipment"].format(equipment=spoken_list([self.phrases.equipment[k] for k in kit])))
        lines.append(intro["ready"])
        return Step(exercise=None, name="Introduction",
                    segments=(say(" ".join(lines)), Pause(seconds=self.phrases.settle_s, purpose="settle")))

    def closing(self, last: Exercise) -> Step:
        closing = self.phrases.closing
        return Step(exercise=None, name="Closing", segments=(
            say(f"{closing['done'].format(title=self.plan.routine.title)} {closing['rest']}"),
            Pause(seconds=self.phrases.settle_s, purpose="settle"),
            say(closing["stay_down"] if self.plan.routine.cues == "quiet" else self.phrases.get_up[last.position]),
            say(f"{self.library.safety.red_flags_short} {closing['see_you']}"),
        ))

    def compile(self) -> Script:
        body: list[Step] = []
        previous = None
        for index, item in enumerate(self.plan.items):
            body += self.exercise_steps(index, item, previous)
            previous = self.library.exercise(item.exercise)
        closing = self.closing(previous)
        planned = duration_s([*body, closing])
        intro = self.intro(planned)
        # The intro announces the length, which includes the intro itself: estimate it once more.
        intro = self.intro(planned + intro.duration_s)
        return Script(routine=self.plan.routine.id, title=self.plan.routine.title, hold_scale=round(self.plan.scale, 3),
                      steps=(intro, *body, closing))


def compile_plan(library: Library, plan: Plan) -> Script:
    return _Compiler(library, plan).compile()


def _with_extra(library: Library, items: list[RoutineItem], extra: str) -> list[RoutineItem]:
    """Insert an exercise where its position already is, or where its position falls in the flow."""
    rank = library.exercise(extra).flow_rank
    ranks = [library.exercise(i.exercise).flow_rank for i in items]
    if rank in ranks:
        at = len(ranks) - ranks[::-1].index(rank)
    else:
        at = next((n for n, r in enumerate(ranks) if r > rank), len(items))
    return items[:at] + [RoutineItem(exercise=extra)] + items[at:]


def plan_routine(library: Library, routine_id: str, minutes: float | None = None, hold_scale: float = 1.0,
                 brief: bool = False, returning: bool = False) -> Plan:
    """The library's routine at a hold scale, or fitted to `minutes` (see fit_routine)."""
    return fit_routine(library, Plan.of(library.routine(routine_id), hold_scale, brief, returning), minutes)


def fit_routine(library: Library, base: Plan, minutes: float | None = None) -> Plan:
    """The routine as planned, or fitted to `minutes` within five percent (see try_fit). A length
    out of reach raises LengthOutOfReach with the range the routine can reach and the nearest
    length it can really take."""
    plan = try_fit(library, base, minutes)
    if plan is None:
        shortest, longest = routine_reach(library, base)
        raise LengthOutOfReach(base.routine.title, minutes, shortest, longest, nearest_reachable(
            lambda m: try_fit(library, base, m) is not None, minutes, shortest, longest))
    return plan


def try_fit(library: Library, base: Plan, minutes: float | None = None) -> Plan | None:
    """The routine as planned, or fitted to `minutes` within five percent; None when it cannot be.

    Fitting keeps good stretching: to grow, it adds the routine's extras, then sets, and only then
    lengthens holds; to shrink, it drops exercises (optional ones first), and only then shortens
    holds, never under fifteen seconds. The user's hold scale is kept as the starting point, so
    "longer holds" still means longer holds in a fitted routine."""
    routine, hold_scale = base.routine, base.scale
    if not HOLD_SCALE_RANGE[0] <= hold_scale <= HOLD_SCALE_RANGE[1]:
        raise ContentError(f"hold scale {hold_scale} is out of range; use a value from "
                           f"{HOLD_SCALE_RANGE[0]:g} to {HOLD_SCALE_RANGE[1]:g}")
    if minutes is None:
        return base
    target, tolerance = minutes * 60, minutes * 60 * FIT_TOLERANCE

    def length(items, scale) -> float:
        return compile_plan(library, base.varied(items, scale)).duration_s

    def fitted(items, low, high) -> Plan | None:
        """The plan whose hold scale, between low and high, comes closest to the target, if close enough."""
        if length(items, low) > target + tolerance or length(items, high) < target - tolerance:
            return None
        for _ in range(30):
            middle = (low + high) / 2
            if length(items, middle) < target:
                low = middle
            else:
                high = middle
        best = min((low, high), key=lambda s: abs(length(items, s) - target))
        return base.varied(items, best) if abs(length(items, best) - target) <= tolerance else None

    def with_sets(items):
        """More sets, one exercise at a time, as long as the routine stays within the target."""
        for _ in range(MAX_SETS):
            for index in range(len(items)):
                more = items[:index] + [_with_one_more_set(library, items[index])] + items[index + 1:]
                if more != items and length(more, hold_scale) <= target + tolerance:
                    items = more
        return items

    items = list(routine.items)
    plan = None
    if target > length(items, hold_scale):
        for extra in (e for e in routine.extras if e not in {i.exercise for i in items}):
            grown = _with_extra(library, items, extra)
            if length(grown, hold_scale) <= target + tolerance:
                items = grown
        plan = fitted(with_sets(items), hold_scale, hold_scale * MAX_SCALE)
    else:
        # Drop as few exercises as will do, shortening holds (never under fifteen seconds) first;
        # with one fewer exercise, the rest may take longer holds or another set to fill the time.
        while plan is None:
            plan = fitted(items, hold_scale * MIN_SCALE, hold_scale)
            if plan is None and len(items) < len(routine.items):
                plan = fitted(items, hold_scale, hold_scale * MAX_SCALE) or fitted(
                    with_sets(items), hold_scale * MIN_SCALE, hold_scale * MAX_SCALE)
            if plan is None and len(items) <= MIN_EXERCISES:
                break
            if plan is None:
                items = [i for i in items if i is not _least_needed(items)]
    return plan


def nearest_reachable(fits: Callable[[int], bool], asked: float, shortest: int, longest: int) -> int:
    """The whole number of minutes nearest the one asked for that the routine can really be
    fitted to: an end of its range, or, inside the range, the closest length that works (fitting
    moves in steps of whole exercises and sets, so a length inside the range can fall between two)."""
    if asked <= shortest:
        return shortest
    if asked >= longest:
        return longest
    for distance in range(1, longest - shortest + 1):
        for minutes in (round(asked) - distance, round(asked) + distance):
            if shortest <= minutes <= longest and fits(minutes):
                return minutes
    return longest


def reachable_minutes(library: Library, routine_id: str, hold_scale: float = 1.0, brief: bool = False,
                      returning: bool = False) -> tuple[int, int]:
    """The whole minutes the library's routine can be fitted to (see routine_reach)."""
    return routine_reach(library, Plan.of(library.routine(routine_id), hold_scale, brief, returning))


def routine_reach(library: Library, base: Plan) -> tuple[int, int]:
    """The whole minutes a planned routine can be fitted to: from its fewest exercises at the
    shortest holds to every extra and set at the longest."""
    routine, hold_scale = base.routine, base.scale

    def length(items, scale) -> float:
        return compile_plan(library, base.varied(items, scale)).duration_s

    fewest = list(routine.items)
    while len(fewest) > MIN_EXERCISES:
        fewest.remove(_least_needed(fewest))
    most = list(routine.items)
    for extra in routine.extras:
        most = _with_extra(library, most, extra)
    most = [item.model_copy(update={"sets": MAX_SETS}) for item in most]
    shortest = length(fewest, hold_scale * MIN_SCALE) / 60 / (1 - FIT_TOLERANCE)
    longest = length(most, hold_scale * MAX_SCALE) / 60 / (1 + FIT_TOLERANCE)
    return max(1, math.ceil(shortest)), max(1, min(MINUTES_RANGE[1], math.floor(longest)))  # no one can ask for more


def _least_needed(items: list[RoutineItem]) -> RoutineItem:
    """Optional exercises go first, latest first; then the later middle ones. The first exercise
    (the warm-up) and the last (the wind-down) stay."""
    optional = [item for item in items if item.optional]
    return optional[-1] if optional else items[-2]


def _with_one_more_set(library: Library, item: RoutineItem) -> RoutineItem:
    sets = item.sets or library.exercise(item.exercise).sets
    return item.model_copy(update={"sets": min(MAX_SETS, sets + 1)})


def compile_routine(library: Library, routine_id: str, minutes: float | None = None, hold_scale: float = 1.0,
                    brief: bool = False, returning: bool = False) -> Script:
    return compile_plan(library, plan_routine(library, routine_id, minutes, hold_scale, brief, returning))
