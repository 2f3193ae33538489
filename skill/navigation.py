"""Where a guided routine goes next: pure logic over a Script's exercises, without SSML or requests.

A routine is walked in turns: the intro rides with the first exercise, each exercise is one turn
(or several, when it is too long for one response: split at its sides and sets, or between its
sentences and holds if one side alone is too long), and the closing is a turn of its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Sequence

if TYPE_CHECKING:
    from content import Script, Step

Fits = Callable[[Sequence["Step"]], bool]


@dataclass(frozen=True)
class Turn:
    exercise: int  # index of the exercise; the exercise count means the closing
    part: int = 0


def split(steps: Sequence[Step], fits: Fits) -> list[list[Step]]:
    """The steps of one exercise in as few parts as `fits` allows, whole steps where possible."""
    pieces: list[Step] = []
    for step in steps:
        pieces += [step] if fits([step]) else _split_step(step, fits)
    parts: list[list[Step]] = []
    for piece in pieces:
        if parts and fits([*parts[-1], piece]):
            parts[-1].append(piece)
        else:
            parts.append([piece])
    return parts


def _split_step(step: Step, fits: Fits) -> list[Step]:
    """One step too long for a response, cut between its segments (a hold is never cut)."""
    chunks: list[list] = [[]]
    for segment in step.segments:
        if chunks[-1] and not fits([step.model_copy(update={"segments": (*chunks[-1], segment)})]):
            chunks.append([])
        chunks[-1].append(segment)
    return [step.model_copy(update={"segments": tuple(chunk)}) for chunk in chunks]


class Walkthrough:
    def __init__(self, script: Script, fits: Fits):
        groups = script.exercise_steps()
        self.script = script
        self.intro, self.closing = groups[0], groups[-1]
        self.exercises = groups[1:-1]
        self.parts = [split(group, fits) for group in self.exercises]

    @property
    def count(self) -> int:
        return len(self.exercises)

    def name(self, index: int) -> str:
        return self.exercises[min(index, self.count - 1)][0].name

    def exercise_id(self, index: int) -> str:
        return self.exercises[index][0].exercise

    def steps(self, turn: Turn) -> list[Step]:
        return self.closing if self.is_closing(turn) else self.parts[turn.exercise][turn.part]

    def clamp(self, turn: Turn) -> Turn:
        """A turn that exists (a stored place from before a change in how turns are split)."""
        if turn.exercise >= self.count:
            return Turn(self.count)
        return Turn(turn.exercise, min(turn.part, len(self.parts[turn.exercise]) - 1))

    def is_closing(self, turn: Turn) -> bool:
        return turn.exercise >= self.count

    def is_last_part(self, turn: Turn) -> bool:
        return turn.part >= len(self.parts[turn.exercise]) - 1

    def following(self, turn: Turn) -> Turn:
        """The turn after this one: the rest of the exercise, the next one, or the closing."""
        if not self.is_closing(turn) and not self.is_last_part(turn):
            return Turn(turn.exercise, turn.part + 1)
        return Turn(min(turn.exercise + 1, self.count))

    def skip(self, turn: Turn) -> Turn:
        """Exactly one exercise on, whatever part of this one was reached."""
        return Turn(min(turn.exercise + 1, self.count))

    def previous(self, turn: Turn) -> Turn:
        return Turn(max(0, turn.exercise - 1))

    def exercises_after(self, index: int) -> int:
        return max(0, self.count - index - 1)

    def seconds_after(self, index: int) -> float:
        """How long the rest of the routine takes once this exercise is done: the exercises after it
        and the closing."""
        rest = [*self.exercises[index + 1:], self.closing]
        return sum(step.duration_s for group in rest for step in group)
