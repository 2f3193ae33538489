"""The skill through the real ask-sdk dispatch (`lambda_handler()`), turn by turn, as a user talks."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from content.spoken import estimate_speech_s
from content import Catalog, RoutineOptions
from skill.builder import build_skill
from skill.persistence import SqliteAdapter
from tests.conftest import Alexa, speech


def spoken_text(answer) -> str:
    return re.sub(r"<[^>]+>", " ", speech(answer))


def breaks_ms(answer) -> list[int]:
    return [int(ms) for ms in re.findall(r'<break time="(\d+)ms"/>', speech(answer))]


def keeps_listening(answer) -> bool:
    return "reprompt" in answer["response"] and not answer["response"].get("shouldEndSession")


def hip_names():
    return [group[0].name for group in Catalog.load().script("hip").exercise_steps()[1:-1]]


def test_first_launch_gives_the_disclaimer_once(alexa):
    first = alexa.send("launch")
    assert "not medical advice" in spoken_text(first) and keeps_listening(first)
    alexa.end_session()
    again = alexa.send("launch")
    assert "not medical advice" not in spoken_text(again)
    assert "Welcome back" in spoken_text(again)


def test_start_my_hip_routine_speaks_the_intro_and_the_whole_first_exercise(alexa):
    answer = alexa.intent("StartRoutineIntent-hip")
    text = spoken_text(answer)
    assert "This is the hip routine" in text and "not medical advice" in text
    assert "First: Standing hip circles" in text and "Circle one way" in text and "Now reverse" in text
    assert keeps_listening(answer)
    assert "Pigeon" in answer["response"]["reprompt"]["outputSpeech"]["ssml"]
    assert max(breaks_ms(answer)) <= 10_000
    ET.fromstring(speech(answer))  # well-formed SSML


def test_holds_are_chained_breaks_with_the_cues_inside(alexa):
    alexa.intent("StartRoutineIntent-hip")
    pigeon = alexa.intent("AMAZON.NextIntent")
    ssml = speech(pigeon)
    assert "Pigeon" in spoken_text(pigeon) and "Now the other side" in spoken_text(pigeon)
    # The forty-five second hold: cue, halfway, ten seconds left, three two one, between breaks.
    hold = ssml[ssml.index("Hold for forty-five seconds"):]
    hold = hold[:hold.index("<audio")]
    assert re.search(r"Halfway\..*Ten seconds left\..*three.*two.*one", hold)
    after_intro = hold[hold.index("<break"):]
    total_break_ms = sum(int(ms) for ms in re.findall(r'<break time="(\d+)ms"/>', after_intro))
    cues = [c.strip() for c in re.sub(r"<break[^>]*>", "|", after_intro).split("|") if c.strip()]
    spoken_ms = sum(estimate_speech_s(cue) * 1000 for cue in cues)
    # the breaks and the cues spoken between them add up to the forty-five seconds
    assert total_break_ms + spoken_ms == pytest.approx(45_000, abs=50)
    assert all(int(ms) <= 10_000 for ms in re.findall(r'<break time="(\d+)ms"/>', ssml))


def test_next_back_repeat_start_over(alexa):
    names = hip_names()
    alexa.intent("StartRoutineIntent-hip")
    assert names[1] in spoken_text(alexa.intent("AMAZON.NextIntent"))
    assert names[2] in spoken_text(alexa.intent("AMAZON.NextIntent"))
    assert f"Next: {names[1]}" in spoken_text(alexa.intent("AMAZON.PreviousIntent"))
    assert f"Next: {names[1]}" in spoken_text(alexa.intent("AMAZON.RepeatIntent"))
    over = spoken_text(alexa.intent("AMAZON.StartOverIntent"))
    assert "from the beginning" in over and f"First: {names[0]}" in over


def test_back_at_the_first_exercise_says_so(alexa):
    alexa.intent("StartRoutineIntent-hip")
    assert "That was the first stretch" in spoken_text(alexa.intent("AMAZON.PreviousIntent"))


def test_skip_this_one(alexa):
    names = hip_names()
    alexa.intent("StartRoutineIntent-hip")
    skipped = spoken_text(alexa.intent("SkipIntent"))
    assert "Skipping ahead" in skipped and f"Next: {names[1]}" in skipped
    assert f"Next: {names[2]}" in spoken_text(alexa.intent("SkipIntent"))


def test_pause_then_resume_repeats_the_interrupted_exercise(alexa):
    names = hip_names()
    alexa.intent("StartRoutineIntent-hip")
    alexa.intent("AMAZON.NextIntent")
    paused = alexa.intent("AMAZON.PauseIntent")
    # Alexa cannot wait with the microphone open: the session ends, with the words to come back
    assert f"Paused at {names[1]}" in spoken_text(paused) and paused["response"]["shouldEndSession"] is True
    assert "Alexa, ask stretch coach to resume" in spoken_text(paused)
    resumed = spoken_text(alexa.intent("AMAZON.ResumeIntent"))
    assert f"Picking up at {names[1]}" in resumed and f"Next: {names[1]}" in resumed


def test_resume_after_a_timeout_in_a_new_session_continues_at_the_same_exercise(skill_db):
    names = hip_names()
    first = Alexa(build_skill(SqliteAdapter(skill_db), skill_id=None).lambda_handler())
    first.intent("StartRoutineIntent-hip")
    first.intent("AMAZON.NextIntent")
    stopped = first.intent("AMAZON.StopIntent")
    assert names[1] in spoken_text(stopped) and stopped["response"]["shouldEndSession"] is True
    # A new process and a new session: only the SQLite file remembers.
    later = Alexa(build_skill(SqliteAdapter(skill_db), skill_id=None).lambda_handler())
    resumed = spoken_text(later.intent("AMAZON.ResumeIntent"))
    assert f"Picking up at {names[1]}" in resumed


def test_a_session_that_timed_out_after_an_exercise_resumes_at_the_next(alexa):
    names = hip_names()
    alexa.intent("StartRoutineIntent-hip")
    alexa.send("session_ended")
    alexa.end_session()
    launch = spoken_text(alexa.send("launch"))
    assert f"stopped at {names[1]}" in launch
    assert f"Next: {names[1]}" in spoken_text(alexa.intent("AMAZON.ResumeIntent"))


def quick_to_its_last_exercise(alexa) -> dict:
    last = alexa.intent("StartRoutineIntent-quick")
    for _ in range(len(Catalog.load().script("quick").exercise_ids()) - 1):
        last = alexa.intent("AMAZON.NextIntent")
    return last


def test_the_last_exercise_keeps_listening_and_the_closing_follows(alexa):
    last = quick_to_its_last_exercise(alexa)
    assert keeps_listening(last) and "That was the last stretch" in spoken_text(last)
    assert "That's the end" not in spoken_text(last)
    closing = alexa.intent("AMAZON.YesIntent")
    text = spoken_text(closing)
    assert "That's the end of the quick routine" in text and "stand up slowly" in text
    assert closing["response"]["shouldEndSession"] is True and "reprompt" not in closing["response"]


def test_finishing_on_consecutive_days_counts_a_streak_and_launch_offers_the_usual(alexa):
    for day in ("2026-11-20", "2026-11-21"):
        alexa.end_session()
        alexa.timestamp = f"{day}T07:00:00Z"
        quick_to_its_last_exercise(alexa)
        final = alexa.intent("AMAZON.NextIntent")
    assert "two days in a row" in spoken_text(final)
    alexa.end_session()
    alexa.send("launch")  # first launch: disclaimer
    alexa.end_session()
    offer = alexa.send("launch")
    assert "Shall I start your quick routine" in spoken_text(offer)
    assert "This is the quick routine" in spoken_text(alexa.intent("AMAZON.YesIntent"))


def test_a_fitted_routine_from_the_slot(alexa):
    text = spoken_text(alexa.intent("StartRoutineIntent-lower-back-10"))
    assert "lower back routine" in text and "It takes about ten minutes" in text


def test_fallback_keeps_the_user_where_they_were(alexa):
    names = hip_names()
    alexa.intent("StartRoutineIntent-hip")
    alexa.intent("AMAZON.NextIntent")
    lost = alexa.intent("AMAZON.FallbackIntent")
    assert names[1] in spoken_text(lost) and keeps_listening(lost)
    odd = alexa.intent("unknown-intent")
    assert names[1] in spoken_text(odd) and keeps_listening(odd)
    assert f"Next: {names[2]}" in spoken_text(alexa.intent("AMAZON.NextIntent"))


def test_questions_during_a_routine(alexa):
    alexa.intent("StartRoutineIntent-hip")
    why = spoken_text(alexa.intent("WhyIntent"))
    assert "Standing hip circles:" in why and "warms the muscles" in why
    left = spoken_text(alexa.intent("TimeLeftIntent"))
    assert re.search(r"After this stretch, five more in your hip routine, about \w[\w-]* minutes in all", left)
    doctor = spoken_text(alexa.intent("DoctorIntent"))
    assert "bladder or bowel" in doctor and "numbness" in doctor
    help_text = spoken_text(alexa.intent("AMAZON.HelpIntent"))
    assert "Say next" in help_text and "Standing hip circles" in help_text


def test_routine_questions_outside_a_routine(alexa):
    listing = spoken_text(alexa.intent("ListRoutinesIntent"))
    assert all(title in listing for title in ("hip routine", "lower back routine", "bedtime routine", "quick routine"))
    desk = spoken_text(alexa.intent("DescribeRoutineIntent-desk"))
    assert "The desk routine takes about" in desk and "Abdominal bracing" in desk
    assert "The bedtime routine takes about" in spoken_text(alexa.intent("HowLongIntent-bedtime"))


def test_an_unknown_routine_is_named_as_unknown(alexa):
    answer = alexa.intent("StartRoutineIntent-unknown")
    assert "I don't know that routine" in spoken_text(answer) and keeps_listening(answer)


def test_longer_holds_are_remembered(alexa, skill_db):
    def hold_words(hold_scale: float) -> str:
        """'Hold for twenty seconds': how the quick routine's first hold is announced at this scale."""
        script = Catalog.load().script("quick", RoutineOptions(hold_scale=hold_scale))
        said = next(s.text for step in script.steps for s in step.segments if s.kind == "say" and "Hold for" in s.text)
        return said.split(".")[0]

    assert hold_words(1.5) != hold_words(1.0)
    alexa.intent("HoldLengthIntent-longer")
    alexa.end_session()  # remembered in a later session
    said = speech(quick_to_its_last_exercise(alexa))
    assert hold_words(1.5) in said and hold_words(1.0) not in said


def test_stop_outside_a_routine_says_goodbye(alexa):
    answer = alexa.intent("AMAZON.StopIntent")
    assert "Goodbye" in spoken_text(answer) and answer["response"]["shouldEndSession"] is True


def test_echo_show_gets_a_screen_and_a_speaker_does_not(alexa):
    speaker = alexa.intent("StartRoutineIntent-hip")
    assert not speaker["response"].get("directives")
    alexa.end_session()
    alexa.screen = True
    show = alexa.intent("StartRoutineIntent-hip")
    [directive] = show["response"]["directives"]
    assert directive["type"] == "Alexa.Presentation.APL.RenderDocument"
    data = directive["datasources"]["exercise"]
    assert data["name"] == "Standing hip circles" and data["seconds"] > 60 and data["step"]


def test_can_fulfill_answers_without_side_effects(alexa, skill_db):
    import sqlite3

    answer = alexa.send("can_fulfill")
    verdict = answer["response"]["canFulfillIntent"]
    assert verdict["canFulfill"] == "YES" and verdict["slots"]["routine"]["canUnderstand"] == "YES"
    rows = sqlite3.connect(skill_db).execute("SELECT COUNT(*) FROM attributes").fetchone()[0]
    assert rows == 0


def test_can_fulfill_offers_to_play_a_routine_by_name(alexa):
    verdict = alexa.send("can_fulfill_play")["response"]["canFulfillIntent"]
    assert verdict["canFulfill"] == "YES" and verdict["slots"]["routine"]["canFulfill"] == "YES"
    unknown = alexa.send("can_fulfill_play", routine="tap dancing")["response"]["canFulfillIntent"]
    assert unknown["canFulfill"] == "MAYBE" and unknown["slots"]["routine"]["canUnderstand"] == "NO"


def test_an_exception_becomes_an_apology(skill_db):
    class Broken(SqliteAdapter):
        def get_attributes(self, request_envelope):
            raise RuntimeError("disk on fire")

    alexa = Alexa(build_skill(Broken(skill_db), skill_id=None).lambda_handler())
    answer = alexa.intent("AMAZON.NextIntent")
    assert "Sorry, something went wrong" in spoken_text(answer)


def test_every_response_fits_alexas_limits():
    from skill.ssml import MAX_CHARACTERS

    alexa = Alexa(build_skill(SqliteAdapter(":memory:"), skill_id=None).lambda_handler())
    for routine in Catalog.load().routine_ids:
        alexa.end_session()
        answers = [alexa.intent("StartRoutineIntent-hip", routine=routine)]
        while keeps_listening(answers[-1]):
            answers.append(alexa.intent("AMAZON.NextIntent"))
        for answer in answers:
            ssml = speech(answer)
            assert len(ssml) <= MAX_CHARACTERS and ssml.count("<audio") <= 5
            assert all(ms <= 10_000 for ms in breaks_ms(answer))
