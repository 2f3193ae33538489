"""Alexa's limits on one response, at every routine, at lengths across each routine's range and at
every hold setting, through the real ask-sdk dispatch: at most 8,000 characters of speech, 24 KB in
all, breaks of at most ten seconds and five sound clips. A long exercise is split across turns,
never trimmed."""

from __future__ import annotations

import json
import re

import pytest

from content import Catalog, RoutineOptions
from content.compiler import reachable_minutes
from skill.builder import build_skill
from skill.persistence import SqliteAdapter
from skill.state import HOLD_SCALES
from tests.conftest import Alexa, speech

CATALOG = Catalog.load()


def lengths(routine: str, hold: str) -> list[int | None]:
    """The default and both ends of the reachable range."""
    shortest, longest = reachable_minutes(CATALOG.library, routine, HOLD_SCALES[hold])
    return [None, shortest, longest]


def walk(alexa: Alexa, routine: str, minutes: int | None) -> list[dict]:
    alexa.end_session()
    slots = {"routine": routine} if minutes is None else {"routine": routine, "minutes": str(minutes)}
    answers = [alexa.intent("StartRoutineIntent-hip", **slots)]
    while answers[-1]["response"].get("shouldEndSession") is False:
        answers.append(alexa.intent("AMAZON.NextIntent"))
        assert len(answers) < 200
    return answers


@pytest.mark.parametrize("hold", sorted(HOLD_SCALES))
def test_no_response_exceeds_alexas_limits(hold):
    alexa = Alexa(build_skill(SqliteAdapter(":memory:"), skill_id=None, catalog=CATALOG).lambda_handler())
    alexa.screen = True  # the screen's document counts towards the 24 KB too
    alexa.intent("HoldLengthIntent-longer", length=hold)
    largest = 0
    for routine in CATALOG.routine_ids:
        for minutes in lengths(routine, hold):
            answers = walk(alexa, routine, minutes)
            assert "That's the end" in speech(answers[-1]), (routine, minutes)
            for answer in answers:
                ssml = speech(answer)
                largest = max(largest, len(ssml))
                assert len(ssml) <= 8000, (routine, minutes, len(ssml))
                assert len(json.dumps(answer).encode()) <= 24 * 1024, (routine, minutes)
                assert ssml.count("<audio") <= 5, (routine, minutes)
                assert all(int(ms) <= 10_000 for ms in re.findall(r'<break time="(\d+)ms"/>', ssml))
    assert largest > 4000  # the crawl reached long responses


def test_a_ninety_minute_hip_routine_splits_exercises_and_keeps_every_cue():
    """The hip routine at ninety minutes: every cue of the Script is spoken, some exercise takes
    more than one turn, and each of those turns asks to carry on with the same exercise."""
    alexa = Alexa(build_skill(SqliteAdapter(":memory:"), skill_id=None, catalog=CATALOG).lambda_handler())
    answers = walk(alexa, "hip", 90)
    spoken = " ".join(speech(answer) for answer in answers)
    script = CATALOG.script("hip", RoutineOptions(minutes=90))
    cues = [cue.text for step in script.steps for segment in step.segments for cue in getattr(segment, "cues", ())]
    assert cues and all(cue in spoken for cue in cues)
    carry_on = [answer for answer in answers if "Shall we carry on with" in speech(answer)]
    assert carry_on
    exercises = len(script.exercise_ids())
    assert len(answers) == exercises + 1 + len(carry_on)
