"""Every request fixture at every phase of a routine: never a crash, always well-formed SSML, and
a session either closed or listening with a reprompt."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from tests.conftest import REQUESTS_DIR

INTENTS = sorted(p.stem for p in (REQUESTS_DIR / "intents").glob("*.json"))
PHASES = ("not started", "mid-routine", "last exercise", "finished")
# Questions and slips must leave the place in the routine alone.
KEEP_PLACE = {"ListRoutinesIntent", "DescribeRoutineIntent", "DescribeRoutineIntent-desk", "HowLongIntent",
              "HowLongIntent-bedtime", "TimeLeftIntent", "WhyIntent", "DoctorIntent", "AMAZON.HelpIntent",
              "AMAZON.FallbackIntent", "HoldLengthIntent-longer", "unknown-intent"}


def test_the_fixtures_cover_every_intent_of_the_model():
    from skill.interaction_model import source

    names = {name.split("-")[0] for name in INTENTS}
    assert set(source()["intents"]) <= names


def bring_to(alexa, phase: str, library) -> None:
    if phase == "not started":
        return
    alexa.intent("StartRoutineIntent-quick")  # the first exercise is spoken
    if phase in ("last exercise", "finished"):
        for _ in range(len(library.routine("quick").items) - 1):
            alexa.intent("AMAZON.NextIntent")  # the last is spoken; "next" now closes the routine
    if phase == "finished":
        alexa.intent("AMAZON.NextIntent")


def place(alexa) -> tuple:
    from skill.conversation import STATE_KEY

    position = (alexa.attributes or {}).get(STATE_KEY, {}).get("position")
    return (position["index"], position["status"]) if position else None


@pytest.mark.parametrize("phase", PHASES)
@pytest.mark.parametrize("intent", INTENTS)
def test_every_intent_at_every_phase(alexa, phase, intent, library):
    bring_to(alexa, phase, library)
    before = place(alexa)
    answer = alexa.intent(intent)
    response = answer["response"]
    ET.fromstring(response["outputSpeech"]["ssml"])
    if response.get("shouldEndSession") is False or "reprompt" in response:
        ET.fromstring(response["reprompt"]["outputSpeech"]["ssml"])
        assert len(response["reprompt"]["outputSpeech"]["ssml"]) > 30
    else:
        assert response.get("shouldEndSession") is True
    if intent in KEEP_PLACE and phase in ("mid-routine", "last exercise"):
        assert place(alexa) == before


@pytest.mark.parametrize("phase", PHASES)
def test_session_ended_is_quiet(alexa, phase, library):
    bring_to(alexa, phase, library)
    answer = alexa.send("session_ended")
    assert "outputSpeech" not in answer["response"]
