"""Navigation over a Script's exercises, as pure logic: turns, splitting, and what comes next."""

from __future__ import annotations

from content import Catalog
from skill.navigation import Turn, Walkthrough, split

SCRIPT = Catalog.load().script("hip")


def test_an_exercise_that_fits_is_one_turn_and_the_closing_follows_the_last():
    walk = Walkthrough(SCRIPT, lambda steps: True)
    assert all(len(parts) == 1 for parts in walk.parts)
    assert walk.following(Turn(0)) == Turn(1) and walk.following(Turn(walk.count - 1)) == Turn(walk.count)
    assert walk.is_closing(Turn(walk.count)) and walk.steps(Turn(walk.count)) == walk.closing
    assert walk.skip(Turn(2)) == Turn(3) and walk.previous(Turn(0)) == Turn(0)


def test_a_long_exercise_splits_at_its_steps_and_between_segments_dropping_nothing():
    exercise = SCRIPT.exercise_steps()[2]  # pigeon: both sides
    parts = split(exercise, lambda steps: len(steps) <= 1 and len(steps[0].segments) <= 3)
    assert len(parts) > len(exercise)
    spoken = [segment for part in parts for step in part for segment in step.segments]
    assert spoken == [segment for step in exercise for segment in step.segments]  # nothing dropped
    assert all(step.segments for part in parts for step in part)


def test_following_walks_the_parts_before_the_next_exercise():
    walk = Walkthrough(SCRIPT, lambda steps: len(steps) == 1)
    assert len(walk.parts[1]) == len(SCRIPT.exercise_steps()[2]) > 1
    assert walk.following(Turn(1, 0)) == Turn(1, 1) and walk.skip(Turn(1, 0)) == Turn(2)
    assert walk.clamp(Turn(1, 99)) == Turn(1, len(walk.parts[1]) - 1)


def test_what_is_left_is_counted_after_the_current_exercise():
    walk = Walkthrough(SCRIPT, lambda steps: True)
    groups = SCRIPT.exercise_steps()
    assert walk.exercises_after(0) == walk.count - 1 and walk.exercises_after(walk.count - 1) == 0
    assert walk.seconds_after(0) == sum(step.duration_s for group in groups[2:] for step in group)
