"""Compile a routine into the Script, and fit a routine to a target length.

What is said, and when, is decided here and nowhere else, so the skill and the MP3 never drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass

from content.errors import ContentError
from content.loader import Library
from content.models import POSITION_ORDER, SIDE_NAMES, Exercise, Hold, Part, Reps, Routine, RoutineItem, fill
from content.script import Chime, Cue, Pause, Say, Script, Segment, Step
from content.spoken import estimate_speech_s, minutes_words, number_words, seconds_words

FIT_TOLERANCE = 0.05
MIN_SCALE, MAX_SCALE = 0.5, 2.0
MAX_SETS = 3
MIN_EXERCISES = 2
# Reps faster than this are counted in fives, not one by one: nobody can say "twenty-seven" in a second.
COUNT_EVERY_REP_S = 1.5
CUE_GAP_S = 0.25


@dataclass(frozen=True)
class Plan:
    """A routine's exercises with their doses, after fitting; compiles to a Script."""

    routine: Routine
    items: tuple[RoutineItem, ...]
    scale: float = 1.0


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
            length = float(hold.seconds)
            wanted = [(length - 3 + i, number_words(3 - i), 0) for i in range(3)] if length >= 8 else []
            if length >= 25:
                wanted.append((length - 10, cues_text["ten_left"], 1))
            if length >= 30:
                wanted.append((length / 2, cues_text["halfway"], 2))
            if length >= 20:
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
        return self.reps_segments(exercise, part.reps.scaled(scale, item.reps), side)

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
        if previous is None or previous.position != exercise.position:
            opening += [say(position.enter), Pause(seconds=self.phrases.transition_s, purpose="transition")]
        else:
            opening.append(say(position.stay))
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
                if set_no == 1 and side_no == 0 and exercise.easier:
                    segments.append(say(words["options"].format(easier=exercise.easier)))
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
        routine, intro, safety = self.plan.routine, self.phrases.intro, self.library.safety
        lines = [intro["welcome"].format(title=routine.title, length=minutes_words(planned_s),
                                         description=routine.description),
                 safety.disclaimer, safety.stop_rule]
        if self.partner:
            lines.append(intro["partner"])
        kit = sorted({e for item in self.plan.items for e in self.library.exercise(item.exercise).equipment} - {"none"})
        if kit:
            things = [self.phrases.equipment[k] for k in kit]
            listed = things[0] if len(things) == 1 else ", ".join(things[:-1]) + " and " + things[-1]
            lines.append(intro["equipment"].format(equipment=listed))
        lines.append(intro["ready"])
        return Step(exercise=None, name="Introduction",
                    segments=(say(" ".join(lines)), Pause(seconds=self.phrases.settle_s, purpose="settle")))

    def closing(self, last: Exercise) -> Step:
        closing = self.phrases.closing
        return Step(exercise=None, name="Closing", segments=(
            say(f"{closing['done'].format(title=self.plan.routine.title)} {closing['rest']}"),
            Pause(seconds=self.phrases.settle_s, purpose="settle"),
            say(self.phrases.get_up[last.position]),
            say(f"{self.library.safety.red_flags_short} {closing['see_you']}"),
        ))

    def compile(self) -> Script:
        body: list[Step] = []
        previous = None
        for index, item in enumerate(self.plan.items):
            body += self.exercise_steps(index, item, previous)
            previous = self.library.exercise(item.exercise)
        closing = self.closing(previous)
        planned = sum(s.duration_s for s in body) + closing.duration_s
        intro = self.intro(planned)
        # The intro announces the length, which includes the intro itself: estimate it once more.
        intro = self.intro(planned + intro.duration_s)
        return Script(routine=self.plan.routine.id, title=self.plan.routine.title, hold_scale=round(self.plan.scale, 3),
                      steps=(intro, *body, closing))


def compile_plan(library: Library, plan: Plan) -> Script:
    return _Compiler(library, plan).compile()


def _with_extra(library: Library, items: list[RoutineItem], extra: str) -> list[RoutineItem]:
    """Insert an exercise where its position already is, or where its position falls in the flow."""
    position = library.exercise(extra).position
    positions = [library.exercise(i.exercise).position for i in items]
    if position in positions:
        at = len(positions) - positions[::-1].index(position)
    else:
        rank = POSITION_ORDER.index(position)
        at = next((n for n, p in enumerate(positions) if POSITION_ORDER.index(p) > rank), len(items))
    return items[:at] + [RoutineItem(exercise=extra)] + items[at:]


def plan_routine(library: Library, routine_id: str, minutes: float | None = None, hold_scale: float = 1.0) -> Plan:
    """The routine at a hold scale, or fitted to `minutes` within five percent.

    Fitting first adds the routine's extras or drops exercises (optional ones first) so that holds
    stay between half and double their usual length, then adds sets, then settles the hold scale.
    """
    routine = library.routine(routine_id)
    if not 0.25 <= hold_scale <= 3:
        raise ContentError(f"hold scale {hold_scale} is out of range; use a value from 0.25 to 3")
    plan = Plan(routine, tuple(routine.items), hold_scale)
    if minutes is None:
        return plan
    target = minutes * 60

    def length(items, scale) -> float:
        return compile_plan(library, Plan(routine, tuple(items), scale)).duration_s

    items = list(routine.items)
    extras = [e for e in routine.extras if e not in {i.exercise for i in items}]
    while extras and length(items, MAX_SCALE) < target * (1 - FIT_TOLERANCE):
        items = _with_extra(library, items, extras.pop(0))
    while len(items) > MIN_EXERCISES and length(items, MIN_SCALE) > target * (1 + FIT_TOLERANCE):
        items.remove(_least_needed(items))
    for _ in range(MAX_SETS):
        if length(items, MAX_SCALE) >= target:
            break
        items = [_with_one_more_set(library, item) for item in items]

    low, high = MIN_SCALE, MAX_SCALE
    for _ in range(30):
        middle = (low + high) / 2
        if length(items, middle) < target:
            low = middle
        else:
            high = middle
    best = min((low, high), key=lambda s: abs(length(items, s) - target))
    achieved = length(items, best)
    if abs(achieved - target) > target * FIT_TOLERANCE:
        shortest, longest = length(items, MIN_SCALE) / 60, length(items, MAX_SCALE) / 60
        raise ContentError(f"cannot fit the {routine.title} into {minutes:g} minutes; "
                           f"it runs from about {shortest:.0f} to {longest:.0f} minutes")
    return Plan(routine, tuple(items), best)


def _least_needed(items: list[RoutineItem]) -> RoutineItem:
    """Optional exercises go first, latest first; then the later middle ones. The first exercise
    (the warm-up) and the last (the wind-down) stay."""
    optional = [item for item in items if item.optional]
    return optional[-1] if optional else items[-2]


def _with_one_more_set(library: Library, item: RoutineItem) -> RoutineItem:
    sets = item.sets or library.exercise(item.exercise).sets
    return item.model_copy(update={"sets": min(MAX_SETS, sets + 1)})


def compile_routine(library: Library, routine_id: str, minutes: float | None = None, hold_scale: float = 1.0) -> Script:
    return compile_plan(library, plan_routine(library, routine_id, minutes, hold_scale))
