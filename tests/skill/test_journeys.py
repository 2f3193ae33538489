"""The guided conversation without dead ends, in process through the real ask-sdk dispatch: every
question can be answered with the words it suggests, and every open turn says what to say next."""

from __future__ import annotations

import re

import yaml

from content import Catalog, RoutineOptions
from content.loader import DATA_DIR
from content.spoken import minutes_words, number_words
from skill.builder import build_skill
from skill.persistence import SqliteAdapter
from tests.conftest import REQUESTS_DIR, Alexa, speech

HIP = [group[0].name for group in Catalog.load().script("hip").exercise_steps()[1:-1]]


def text(answer) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", speech(answer))).strip()


def reprompt(answer) -> str:
    return re.sub(r"<[^>]+>", " ", answer["response"]["reprompt"]["outputSpeech"]["ssml"]).strip()


def ends(answer) -> bool:
    return answer["response"].get("shouldEndSession") is True


def halfway_through_hip(alexa) -> None:
    alexa.intent("StartRoutineIntent-hip")
    alexa.intent("AMAZON.NextIntent")
    alexa.intent("AMAZON.NextIntent")  # the third exercise is done


def test_starting_a_half_done_routine_asks_to_resume_or_start_over(alexa):
    halfway_through_hip(alexa)
    alexa.end_session()
    asked = alexa.intent("StartRoutineIntent-hip")
    assert f"part way through your hip routine, at {HIP[3]}" in text(asked) and not ends(asked)
    assert f"Next: {HIP[3]}" in text(alexa.intent("AMAZON.YesIntent"))
    alexa.end_session()
    alexa.intent("StartRoutineIntent-hip")
    assert f"First: {HIP[0]}" in text(alexa.intent("AMAZON.NoIntent"))  # no: from the beginning


def test_resume_or_start_over_by_name(alexa):
    halfway_through_hip(alexa)
    alexa.intent("StartRoutineIntent-hip")
    assert f"Picking up at {HIP[3]}" in text(alexa.intent("AMAZON.ResumeIntent"))
    alexa.intent("StartRoutineIntent-hip")
    assert "from the beginning" in text(alexa.intent("AMAZON.StartOverIntent"))


def test_skip_moves_exactly_one_exercise(alexa):
    alexa.intent("StartRoutineIntent-hip")
    for name in HIP[1:4]:
        assert f"Next: {name}" in text(alexa.intent("SkipIntent"))


def test_no_at_shall_we_go_on_stops_politely_and_keeps_the_place(alexa):
    alexa.intent("StartRoutineIntent-hip")
    asked = alexa.intent("AMAZON.NextIntent")
    assert text(asked).endswith(f"Shall we go on to {HIP[2]}? Say yes when you're ready, or repeat to do this one again.")
    no = alexa.intent("AMAZON.NoIntent")
    assert ends(no) and "Alexa, ask stretch coach to resume" in text(no) and HIP[2] in text(no)
    assert f"Picking up at {HIP[2]}" in text(alexa.intent("AMAZON.ResumeIntent"))


def test_after_the_end_next_and_repeat_offer_to_start_over(alexa):
    alexa.intent("StartRoutineIntent-quick")
    for _ in range(3):
        alexa.intent("AMAZON.NextIntent")
    for intent in ("AMAZON.NextIntent", "AMAZON.RepeatIntent"):
        alexa.end_session()
        offer = alexa.intent(intent)
        assert "You've finished the quick routine. Shall I start it again" in text(offer) and not ends(offer)
    assert "This is the quick routine" in text(alexa.intent("AMAZON.YesIntent"))


def test_how_much_is_left_counts_after_the_current_exercise(alexa):
    alexa.intent("StartRoutineIntent-lower-back-10")
    # the introduction, the exercises and the closing
    walk = Catalog.load().script("lower-back", RoutineOptions(minutes=10)).exercise_steps()
    left = alexa.intent("TimeLeftIntent")  # during the first exercise
    after = sum(step.duration_s for group in walk[2:] for step in group)  # the exercises after it and the closing
    more = number_words(len(walk) - 3)
    assert f"After this stretch, {more} more in your lower back routine, about {minutes_words(after)} in all" in text(left)
    assert text(left).endswith("Say yes when you're ready, or repeat to do this one again.")
    for _ in range(len(walk) - 3):
        alexa.intent("AMAZON.NextIntent")
    last = alexa.intent("TimeLeftIntent")
    assert "This is the last stretch of your lower back routine" in text(last) and "Shall we finish?" in text(last)


def test_a_length_out_of_reach_is_offered_at_the_nearest(alexa):
    offer = alexa.intent("StartRoutineIntent-hip", routine="quick", minutes="300")
    assert re.fullmatch(r"The quick routine runs from [\w-]+ to ([\w-]+) minutes\. Shall I do \1\?", text(offer))
    started = alexa.intent("AMAZON.YesIntent")
    assert "This is the quick routine" in text(started)
    assert alexa.attributes["stretch_coach"]["position"]["minutes"] > 10


def test_the_routine_list_comes_from_the_content_library(tmp_path):
    data = yaml.safe_load((DATA_DIR / "routines" / "quick.yaml").read_text())
    data.update(id="knees", title="knee routine", spoken_name="knee", synonyms=["my knees"], order=99)
    (tmp_path / "knees.yaml").write_text(yaml.safe_dump(data))
    catalog = Catalog.load([tmp_path / "knees.yaml"])
    count = number_words(len(Catalog.load().routine_ids) + 1)
    alexa = Alexa(build_skill(SqliteAdapter(tmp_path / "db.sqlite3"), skill_id=None, catalog=catalog).lambda_handler())
    listing = text(alexa.intent("ListRoutinesIntent"))
    assert listing.startswith(f"There are {count} routines") and "and knee routine, about" in listing
    assert reprompt(alexa.intent("StartRoutineIntent-unknown")).endswith(", partner, upright or knee.")
    assert "This is the knee routine" in text(alexa.intent("StartRoutineIntent-hip", routine="my knees"))


INTENTS = sorted(p.stem for p in (REQUESTS_DIR / "intents").glob("*.json"))
INSTRUCTION = re.compile(r"(\?|\bsay\b.*|\bname\b.*)$", re.IGNORECASE)


def test_every_open_turn_ends_with_a_question_or_an_instruction_and_reprompts_what_to_say(alexa):
    def phases():
        yield lambda: None
        yield lambda: alexa.intent("StartRoutineIntent-quick")
        yield lambda: [alexa.intent("StartRoutineIntent-quick"), alexa.intent("AMAZON.NextIntent"),
                       alexa.intent("AMAZON.NextIntent")]
        yield lambda: alexa.intent("StartRoutineIntent-hip", routine="hip", minutes="90")

    for index, bring in enumerate(phases()):
        for intent in INTENTS:
            alexa.end_session()
            alexa.user = f"amzn1.ask.account.{index}-{intent}"  # a new user for each
            bring()
            answer = alexa.intent(intent)
            if ends(answer):
                continue
            last = re.split(r"(?<=[.?!])\s+", text(answer))[-1]
            assert INSTRUCTION.search(last), (index, intent, last)
            assert re.search(r"\b(say|name)\b", reprompt(answer), re.IGNORECASE), (index, intent, reprompt(answer))


def test_a_routine_made_to_measure_is_talked_through_and_kept_like_any_other(alexa):
    from content import RoutineOptions

    made = Catalog.load().script(None, RoutineOptions(focus=["lower-back"], minutes=15, avoid=["kneeling"]))
    names = [group[0].name for group in made.exercise_steps()[1:-1]]
    first = alexa.intent("BuildRoutineIntent")  # "a fifteen minute routine for my back without kneeling"
    assert "routine for your lower back" in text(first) and "without kneeling" in text(first)
    assert "fifteen minutes" in text(first) and f"First: {names[0]}" in text(first) and not ends(first)
    assert f"Next: {names[1]}" in text(alexa.intent("AMAZON.NextIntent"))
    paused = alexa.intent("AMAZON.PauseIntent")
    assert ends(paused)
    alexa.end_session()  # a later session: the place was kept, not replaced as an unknown routine
    assert names[1] in text(alexa.intent("AMAZON.ResumeIntent"))
    left = text(alexa.intent("TimeLeftIntent"))
    assert "minute" in left


def test_a_routine_that_cannot_be_made_says_what_can(alexa):
    answer = alexa.intent("BuildRoutineIntent", focus="glutes", avoid="in a chair", minutes="10")
    said = text(answer)
    assert said.startswith("I can't put that one together: there are too few stretches for your glutes")
    assert "I can make one for your hips" in said and not ends(answer)
    assert said.endswith("Say, for example: a routine for my hips. Or name a routine, like hip.")
    assert reprompt(answer).startswith("Would you like one of those?")


def test_the_introduction_shrinks_after_the_first_session_and_the_instructions_after_several(alexa, library):
    def session() -> str:
        said = text(alexa.intent("StartRoutineIntent-quick"))
        alexa.intent("AMAZON.StopIntent")
        alexa.end_session()
        return said

    first, second, third, fourth = (session() for _ in range(4))
    setup = library.exercise("cat-cow").setup[0]
    assert first.startswith("Welcome to Stretch Coach") and "not medical advice" in first and setup in first
    for later in (second, third):
        assert later.startswith("Welcome back. This is the quick routine") and "not medical advice" not in later
        assert setup in later  # the exercise's set-up is still said
    assert fourth.startswith("Welcome back.") and setup not in fourth and len(fourth) < len(third)
    for said in (first, second, third, fourth):
        assert "new weakness in a leg" in said  # the red flags, every time
