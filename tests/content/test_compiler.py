"""The Script: every routine compiles into something a listener can follow by ear."""

from __future__ import annotations

import itertools
import re

import pytest

from content.compiler import reachable_minutes
from content.errors import LengthOutOfReach
from content import compile_routine, plan_routine, compile_plan
from content.models import SIDE_NAMES
from content.script import SOUND_GAP_S
from content.spoken import minutes_words
from tests.conftest import ROUTINE_IDS


@pytest.fixture(scope="module", params=ROUTINE_IDS)
def script(request, library):
    return compile_routine(library, request.param)


def spoken(script):
    for step in script.steps:
        for segment in step.segments:
            if segment.kind == "say":
                yield segment.text
            elif segment.kind == "pause":
                yield from (cue.text for cue in segment.cues)


def test_every_hold_and_rep_block_becomes_a_timer(script, library):
    for group in script.exercise_steps():
        exercise_id = group[0].exercise
        if exercise_id is None:
            continue
        exercise = library.exercise(exercise_id)
        for step in group:
            timers = [s for s in step.segments if s.kind == "pause" and s.purpose in ("hold", "reps")]
            assert len(timers) == len(exercise.parts), (exercise_id, step.side, step.set)
            assert all(t.seconds >= 5 for t in timers)


def test_every_timer_is_announced_and_ends_with_a_chime_and_a_release(script):
    for step in script.steps:
        segments = step.segments
        for i, segment in enumerate(segments):
            if segment.kind == "pause" and segment.purpose in ("hold", "reps"):
                announcement = segments[i - 1]
                assert announcement.kind == "say"
                assert re.search(r"Hold for|slow breaths|\b(circles|pulses|lifts|leans|bends|steps|rounds|"
                                 r"lowers|repetitions|holds|lifts)\b", announcement.text), announcement.text
                assert segments[i + 1].kind == "chime" and segments[i + 1].name == "end"


def test_sides_alternate_right_then_left(script, library):
    for group in script.exercise_steps():
        exercise_id = group[0].exercise
        if exercise_id is None or library.exercise(exercise_id).sides != "each":
            assert all(step.side is None for step in group)
            continue
        assert [step.side for step in group] == list(SIDE_NAMES) * (len(group) // 2)
        for step in group[1::2]:
            assert step.segments[0].kind == "chime" and step.segments[0].name == "switch"
            assert "left" in step.segments[1].text


def test_durations_add_up_with_a_gap_between_sounds(script):
    segments = [segment for step in script.steps for segment in step.segments]
    gaps = sum(1 for a, b in zip(segments, segments[1:]) if a.kind != "pause" and b.kind != "pause")
    assert gaps > 0
    assert script.duration_s == pytest.approx(sum(s.seconds for s in segments) + gaps * SOUND_GAP_S, abs=0.05)
    starts = [at for at, _, _ in script.timeline()]
    assert starts == sorted(starts) and starts[-1] + segments[-1].seconds == pytest.approx(script.duration_s, abs=0.01)


def test_cues_sit_inside_their_pause_without_talking_over_each_other(script):
    for step in script.steps:
        for segment in step.segments:
            if segment.kind != "pause":
                continue
            end = 0.0
            for cue in segment.cues:
                assert cue.at_s >= end and cue.at_s + cue.est_s <= segment.seconds
                end = cue.at_s + cue.est_s


def test_no_digits_reach_the_voice(script):
    for text in spoken(script):
        assert not re.search(r"\d", text), text
        assert "{" not in text and "}" not in text, text


def test_the_intro_carries_the_disclaimer_and_the_closing_the_red_flags(script, library):
    intro, closing = script.steps[0], script.steps[-1]
    assert intro.exercise is None and closing.exercise is None
    assert library.safety.disclaimer in intro.segments[0].text
    assert library.safety.stop_rule in intro.segments[0].text
    closing_text = " ".join(s.text for s in closing.segments if s.kind == "say")
    assert library.safety.red_flags_short in closing_text
    if library.routine(script.routine).cues != "quiet":  # bedtime ends lying down (tested below)
        assert "stand up slowly" in closing_text or "get up" in closing_text or "stand" in closing_text


def hold_cues(script) -> list[tuple[float, list[str]]]:
    return [(s.seconds, [c.text for c in s.cues]) for st in script.steps for s in st.segments
            if s.kind == "pause" and s.purpose == "hold"]


def test_holds_carry_few_cues_and_only_long_ones_count_down(library):
    """A thirty-second hold gets a feel line and "ten seconds left", not six cues; the end chime
    always marks the end. Breath-counted holds pace the breath."""
    holds = hold_cues(compile_routine(library, "hip"))
    timed = [(length, cues) for length, cues in holds if cues[:1] != ["Breathe in"]]
    breathed = [cues for _, cues in holds if cues[:2] == ["Breathe in", "and out"] and cues[-1] == "Last breath."]
    assert timed and breathed and len(timed) + len(breathed) == len(holds)
    for length, cues in timed:
        counts_down = cues[-3:] == ["three", "two", "one"]
        assert counts_down == (length >= 45), (length, cues)
        if length < 45:
            assert len(cues) <= 2


def test_bedtime_never_counts_down(library):
    for length, cues in hold_cues(compile_routine(library, "bedtime")):
        assert "three" not in cues and "Ten seconds left." not in cues, (length, cues)


def test_brief_instructions_leave_out_the_set_up_and_the_feel_line(library):
    full, brief = compile_routine(library, "hip"), compile_routine(library, "hip", brief=True)
    pigeon = library.exercise("pigeon")
    said = lambda script: " ".join(s.text for st in script.steps for s in st.segments if s.kind == "say")
    assert " ".join(pigeon.setup) in said(full) and " ".join(pigeon.setup) not in said(brief)
    assert brief.duration_s < full.duration_s
    assert library.phrases.intro["welcome_back"].split("{")[0] in brief.steps[0].segments[0].text
    assert library.safety.urgent in brief.steps[0].segments[0].text


def test_rep_drills_are_counted(library):
    script = compile_routine(library, "hip")
    pulses = next(s for st in script.steps if st.exercise == "hip-flexion-pulses"
                  for s in st.segments if s.kind == "pause" and s.purpose == "reps")
    texts = [c.text for c in pulses.cues]
    assert texts[:3] == ["five", "ten", "fifteen"] and texts[-1] == "Last one"


def test_alternating_reps_call_each_side(library):
    script = compile_routine(library, "desk")
    marching = next(s for st in script.steps if st.exercise == "seated-marching"
                    for s in st.segments if s.kind == "pause" and s.purpose == "reps")
    assert [c.text for c in marching.cues][:4] == ["right", "left", "right", "left"]


def test_the_body_never_returns_to_a_position(script, library):
    positions = [library.exercise(e).position for e in script.exercise_ids()]
    runs = [p for p, _ in itertools.groupby(positions)]
    assert len(runs) == len(set(runs)), runs


def test_quick_is_about_five_minutes(library):
    assert compile_routine(library, "quick").duration_s == pytest.approx(5 * 60, rel=0.05)


def test_the_intro_announces_the_real_length(library):
    for minutes in (None, 12, 25):
        script = compile_routine(library, "bedtime", minutes)
        assert f"It takes about {minutes_words(script.duration_s)}." in script.steps[0].segments[0].text


@pytest.mark.parametrize("routine_id,minutes", [("hip", 10), ("hip", 30), ("hip", 60), ("lower-back", 10),
                                                ("lower-back", 25), ("desk", 6), ("core", 20), ("bedtime", 20),
                                                ("partner", 12), ("quick", 5), ("quick", 8)])
def test_fitted_lengths_land_within_five_percent(library, routine_id, minutes):
    script = compile_routine(library, routine_id, minutes)
    assert abs(script.duration_s - minutes * 60) <= 0.05 * minutes * 60
    positions = [library.exercise(e).position for e in script.exercise_ids()]
    runs = [p for p, _ in itertools.groupby(positions)]
    assert len(runs) == len(set(runs))


def test_a_longer_fit_adds_exercises_and_a_shorter_one_drops_them(library):
    usual = compile_routine(library, "hip").exercise_ids()
    assert len(compile_routine(library, "hip", 45).exercise_ids()) > len(usual)
    shorter = compile_routine(library, "hip", 10).exercise_ids()
    assert len(shorter) < len(usual) and shorter[0] == usual[0] and shorter[-1] == usual[-1]


def test_an_impossible_length_says_what_is_possible(library):
    with pytest.raises(LengthOutOfReach, match=r"the hip routine cannot be fitted to 2 minutes; it runs from \w+ to"):
        compile_routine(library, "hip", 2)


def test_hold_scale_lengthens_holds(library):
    plain = compile_routine(library, "lower-back")
    longer = compile_routine(library, "lower-back", hold_scale=1.5)
    hold = lambda s: sum(p.seconds for st in s.steps for p in st.segments if p.kind == "pause" and p.purpose == "hold")
    assert hold(longer) == pytest.approx(1.5 * hold(plain), rel=0.05)
    assert compile_plan(library, plan_routine(library, "lower-back", hold_scale=1.5)) == longer


GRID_MINUTES = (3, 5, 8, 10, 12, 15, 20, 25, 30, 40, 50, 60, 75, 90)


def static_holds(script) -> dict[str, list[float]]:
    holds: dict[str, list[float]] = {}
    for step in script.steps:
        for segment in step.segments:
            if segment.kind == "pause" and segment.purpose == "hold" and segment.cues[:1] != () \
                    and segment.cues[0].text != "Breathe in":
                holds.setdefault(step.exercise, []).append(segment.seconds)
    return holds


@pytest.mark.parametrize("routine_id", ROUTINE_IDS)
def test_every_length_fits_well_or_is_refused_with_an_honest_range(library, routine_id):
    default = compile_routine(library, routine_id)
    default_holds = {e: min(h) for e, h in static_holds(default).items()}
    shortest, longest = reachable_minutes(library, routine_id)
    for minutes in GRID_MINUTES:
        try:
            script = compile_routine(library, routine_id, minutes)
        except LengthOutOfReach as refused:
            assert not shortest <= minutes <= longest, f"{minutes} min is inside the range it gave"
            assert (refused.shortest_min, refused.longest_min) == (shortest, longest)
            continue
        assert script.duration_s == pytest.approx(minutes * 60, rel=0.05)
        for exercise, holds in static_holds(script).items():
            floor = min(15, default_holds.get(exercise, 15))
            assert min(holds) >= floor, (minutes, exercise, holds)
            if script.duration_s > default.duration_s and exercise in default_holds:
                assert min(holds) >= default_holds[exercise], (minutes, exercise, holds)


def test_hold_scale_composes_with_minutes(library):
    plain = static_holds(compile_routine(library, "lower-back", 20))
    longer = static_holds(compile_routine(library, "lower-back", 20, hold_scale=1.5))
    shared = set(plain) & set(longer)
    assert shared and all(max(longer[e]) > max(plain[e]) for e in shared)
    assert compile_routine(library, "lower-back", 20, hold_scale=1.5).duration_s == pytest.approx(1200, rel=0.05)


def test_the_short_end_of_the_range_has_no_holes(library):
    """Fitting moves in whole exercises and sets, so a range could hide lengths it cannot take
    where exercises are dropped (the quick routine could not take six minutes with shorter holds);
    growing sets after dropping an exercise fills them, at every hold scale the skill offers."""
    for routine_id in library.routines:
        for hold_scale in (0.75, 1.0, 1.5):
            shortest, longest = reachable_minutes(library, routine_id, hold_scale)
            for minutes in [*range(shortest, min(longest, shortest + 6)), longest]:
                plan_routine(library, routine_id, minutes, hold_scale)  # raises LengthOutOfReach if not


def test_the_nearest_length_is_one_that_fits():
    from content.compiler import nearest_reachable

    fits = {5, 6, 9, 10}.__contains__
    assert nearest_reachable(fits, 3, 5, 10) == 5 and nearest_reachable(fits, 12, 5, 10) == 10
    assert nearest_reachable(fits, 8, 5, 10) == 9  # 7 and 8 fall between the lengths it can take
    message = str(LengthOutOfReach("quick routine", 8, 5, 10, 9))
    assert "nearest length it can take is nine minutes" in message


def test_a_returning_user_gets_the_short_introduction_and_still_the_full_instructions(library):
    new, returning, brief = (compile_routine(library, "hip", returning=r, brief=b)
                             for r, b in ((False, False), (True, False), (False, True)))
    def intro(script) -> str:
        return script.steps[0].segments[0].text

    def said(script) -> str:
        return " ".join(s.text for step in script.steps for s in step.segments if s.kind == "say")

    assert intro(new).startswith("Welcome to Stretch Coach") and intro(returning).startswith("Welcome back")
    assert library.safety.urgent in intro(returning) and library.safety.disclaimer not in intro(returning)
    assert returning.steps[1:] != brief.steps[1:] and new.exercise_ids() == returning.exercise_ids()
    setup = " ".join(library.exercise(new.exercise_ids()[0]).setup)
    assert setup in said(returning) and setup not in said(brief)


def test_bedtime_ends_lying_down_and_other_routines_get_up_slowly(library):
    def closing(routine_id: str) -> str:
        return " ".join(s.text for s in compile_routine(library, routine_id).steps[-1].segments if s.kind == "say")

    assert "stand up" not in closing("bedtime") and "Stay here as long as you like" in closing("bedtime")
    assert "stand up slowly" in closing("lower-back")
