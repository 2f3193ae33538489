"""How people ask for a routine, through the en-US interaction model as virtual-alexa hears it."""

from __future__ import annotations

import pytest

from content import Catalog
from skill.interaction_model import expand
from skill.vocabulary import Vocabulary
from tests.conftest import model_hears, phrasing_results


def test_every_everyday_phrasing_reaches_the_right_routine(node_clients):
    results = phrasing_results()
    assert len(results) >= 30
    missed = [(case["say"], heard["intent"], heard["slots"]) for case, heard, right in results if not right]
    assert not missed


# Each answer the skill suggests in its questions, and the intent it must reach.
SUGGESTED = [("hip", "StartRoutineIntent"), ("lower back", "StartRoutineIntent"), ("quick", "StartRoutineIntent"),
             ("bedtime", "StartRoutineIntent"), ("yes", "AMAZON.YesIntent"), ("no", "AMAZON.NoIntent"),
             ("ready", "AMAZON.YesIntent"), ("okay", "AMAZON.YesIntent"), ("done", "AMAZON.YesIntent"),
             ("back", "AMAZON.PreviousIntent"), ("next", "AMAZON.NextIntent"), ("repeat", "AMAZON.RepeatIntent"),
             ("resume", "AMAZON.ResumeIntent"), ("start over", "AMAZON.StartOverIntent"), ("pause", "AMAZON.PauseIntent"),
             ("skip this one", "SkipIntent"), ("how much is left", "TimeLeftIntent"), ("stop", "AMAZON.StopIntent"),
             ("why does this help", "WhyIntent"), ("when should I see a doctor", "DoctorIntent"),
             ("what routines are there", "ListRoutinesIntent")]


def test_the_words_the_skill_suggests_answer_its_questions(node_clients):
    heard = model_hears(*(said for said, _ in SUGGESTED))
    assert [h["intent"] for h in heard] == [intent for _, intent in SUGGESTED]
    assert heard[1]["slots"]["routine"]["id"] == "lower-back"


def test_alternatives_expand_to_every_sentence():
    assert expand("(start|do) (my|) {routine}") == ["start my {routine}", "start {routine}", "do my {routine}",
                                                     "do {routine}"]


def test_people_name_routines_in_many_ways():
    vocabulary = Vocabulary(Catalog.load())
    said = {"hips": "hip", "hip flexors": "hip", "low back": "lower-back", "My Back": "lower-back",
            "office": "desk", "chair": "desk", "massage": "partner", "abs": "core", "night": "bedtime",
            "sleep": "bedtime", "short": "quick", "my hip routine": "hip", "the lower back stretches": "lower-back",
            "lower-back": "lower-back"}
    for words, routine in said.items():
        assert vocabulary.routine(words) == routine, words
    assert vocabulary.routine("yoga") is None


def test_a_new_routine_needs_no_change_in_the_skill(write_yaml, library):
    """A new routine in the content library is a slot value with its name and synonyms."""
    import yaml

    from content.loader import DATA_DIR

    data = yaml.safe_load((DATA_DIR / "routines" / "quick.yaml").read_text())
    data.update(id="knees", title="knee routine", spoken_name="knee", synonyms=["my knees", "knees"], order=99)
    vocabulary = Vocabulary(Catalog.load([write_yaml("routines/knees.yaml", data)]))
    assert vocabulary.routine("my knees") == "knees" and vocabulary.names()[-1] == "knee"
    assert vocabulary.routine("the knee routine") == "knees" and vocabulary.routine("hips") == "hip"


def test_one_word_cannot_name_two_routines(write_yaml):
    import yaml

    from content.loader import DATA_DIR

    data = yaml.safe_load((DATA_DIR / "routines" / "quick.yaml").read_text())
    data.update(id="knees", title="knee routine", spoken_name="knee", synonyms=["my hips"], order=8)
    with pytest.raises(ValueError, match="my hips"):
        Vocabulary(Catalog.load([write_yaml("routines/knees.yaml", data)]))
