"""The render plan as plain data: where every sound goes, to the sample, with no TTS or ffmpeg."""

from __future__ import annotations

import pytest

from content import compile_routine
from content.script import CHIME_S
from exporter.plan import plan_render, spoken_texts

RATE = 24000


def lengths_for(script, seconds_per_word=0.3):
    return {text: int(RATE * max(0.3, seconds_per_word * len(text.split()))) for text in spoken_texts(script)}


CHIMES = {name: int(RATE * s) for name, s in CHIME_S.items()}


@pytest.fixture(scope="module")
def hip(library):
    return compile_routine(library, "hip")


def test_segments_are_contiguous_and_cover_the_file(hip):
    plan = plan_render(hip, lengths_for(hip), CHIMES, RATE)
    assert plan.segments[0].start == 0
    for before, after in zip(plan.segments, plan.segments[1:]):
        assert after.start == before.end
    assert plan.segments[-1].end == plan.total


def test_timers_last_exactly_what_was_planned_whatever_the_speech(hip):
    for per_word in (0.2, 0.45):
        plan = plan_render(hip, lengths_for(hip, per_word), CHIMES, RATE)
        holds = [p for st in hip.steps for p in st.segments if p.kind == "pause" and p.timed]
        assert [t.planned_s for t in plan.timers] == [p.seconds for p in holds]
        for timer in plan.timers:
            assert timer.end - timer.start == round(timer.planned_s * RATE)


def test_cues_inside_a_hold_do_not_move_its_end(hip):
    plan = plan_render(hip, lengths_for(hip), CHIMES, RATE)
    for timer in plan.timers:
        inside = [s for s in plan.segments if timer.start <= s.start < timer.end]
        assert inside[-1].end == timer.end
        after = next(s for s in plan.segments if s.start == timer.end)
        assert after.kind == "chime" and after.name == "end"


def test_a_cue_too_long_for_its_hold_is_dropped_not_allowed_to_overrun(hip):
    lengths = lengths_for(hip)
    lengths["Halfway."] = RATE * 40
    plan = plan_render(hip, lengths, CHIMES, RATE)
    assert "Halfway." in plan.dropped_cues
    assert not any(s.text == "Halfway." for s in plan.segments)
    for timer in plan.timers:
        assert timer.end - timer.start == round(timer.planned_s * RATE)


def test_placements_never_overlap(hip):
    plan = plan_render(hip, lengths_for(hip), CHIMES, RATE)
    ordered = sorted(plan.placements, key=lambda p: p.start)
    for before, after in zip(ordered, ordered[1:]):
        assert before.start + before.length <= after.start


def test_one_chapter_per_exercise_plus_intro_and_closing(hip):
    plan = plan_render(hip, lengths_for(hip), CHIMES, RATE)
    assert [c.exercise for c in plan.chapters] == [None, *hip.exercise_ids(), None]
    assert plan.chapters[0].title == "Introduction" and plan.chapters[-1].end == plan.total


def test_an_hour_does_not_drift(library):
    script = compile_routine(library, "hip", 60)
    plan = plan_render(script, lengths_for(script), CHIMES, RATE)
    assert abs(plan.duration_s - 3600) < 0.15 * 3600
    planned_silence = sum(p.seconds for st in script.steps for p in st.segments if p.kind == "pause")
    placed_silence = sum(s.end - s.start for s in plan.segments if s.kind == "pause" and s.purpose != "gap")
    cue_time = sum(s.end - s.start for s in plan.segments if s.kind == "speech"
                   and any(t.start <= s.start < t.end for t in plan.timers))
    assert (placed_silence + cue_time) / RATE == pytest.approx(planned_silence, abs=0.01)
