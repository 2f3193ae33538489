"""A guided turn as Alexa hears and shows it: SSML within Alexa's limits, and the Echo Show screen."""

from __future__ import annotations

from typing import TYPE_CHECKING, Sequence

from skill.navigation import Walkthrough
from skill.screen import exercise_screen
from skill.ssml import MAX_AUDIO, MAX_CHARACTERS, SsmlBuilder

if TYPE_CHECKING:
    from content import Step

# Room kept in every response for what surrounds the exercise: a prefix ("Skipping ahead to...")
# and the question that ends the turn.
FRAME_CHARACTERS = 700


def turn_ssml(steps: Sequence[Step], before: Sequence[str] = (), intro: Sequence[Step] = (),
              after: Sequence[str] = ()) -> str:
    speech = SsmlBuilder()
    for text in before:
        speech.text(text)
    speech.steps(list(intro)).steps(list(steps))
    for text in after:
        speech.text(text)
    return speech.ssml()


def budget_for(intro: Sequence[Step]):
    """What one part of an exercise may hold so that, with the intro and the frame, a response stays
    under Alexa's limits: characters of speech and sound clips."""
    limit = MAX_CHARACTERS - FRAME_CHARACTERS - len(SsmlBuilder().steps(list(intro)).ssml())

    def fits(steps: Sequence[Step]) -> bool:
        speech = SsmlBuilder().steps(list(steps))
        return len(speech.ssml()) <= limit and speech.chimes <= MAX_AUDIO

    return fits


def screen(walk: Walkthrough, index: int, routine_title: str):
    steps = walk.exercises[index]
    return exercise_screen(steps, routine_title, sum(step.duration_s for step in steps))
