"""How people ask for a routine, through the en-US interaction model as virtual-alexa hears it."""

from __future__ import annotations

import pytest

from content import Catalog
from skill.interaction_model import expand, model_files
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


def test_the_checked_in_models_are_what_make_models_writes():
    for path, text in model_files(Vocabulary(Catalog.load())).items():
        assert path.read_text(encoding="utf-8") == text, f"{path.name} is stale: run `make models`"


def test_a_new_routine_needs_no_change_in_the_skill(write_yaml, library):
    """An eighth routine in the content library is a slot value with its name and synonyms."""
    import yaml

    from content.loader import DATA_DIR

    data = yaml.safe_load((DATA_DIR / "routines" / "quick.yaml").read_text())
    data.update(id="knees", title="knee routine", spoken_name="knee", synonyms=["my knees", "knees"], order=8)
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
