"""Routines made to measure: what is chosen, in what order, for how long, and what is refused."""

from __future__ import annotations

import pytest

from content import Catalog, RoutineOptions, compile_plan, compile_routine
from content.builder import MadeToMeasure, NothingToBuild
from content.compiler import Plan
from content.errors import LengthOutOfReach
from content.models import Routine, RoutineItem

NEW_EXERCISES = ("pelvic-tilts", "figure-four", "standing-hip-flexor-stretch")


@pytest.fixture(scope="module")
def catalog(library):
    return Catalog(library)


def build(catalog, **asked):
    return catalog.script(None, RoutineOptions.parse(**asked))


def exercises_of(library, script):
    return [library.exercise(e) for e in script.exercise_ids()]


@pytest.mark.parametrize("focus,minutes,avoid", [
    ("hips", 15, ""), ("hips", 8, "kneeling"), ("hips,lower-back", 20, "kneeling"), ("lower-back", 10, "floor"),
    ("lower-back", 30, ""), ("hips", 6, "floor"), ("core", 12, "chair"), ("hamstrings", 15, "strap,wall"),
    ("glutes", 10, "kneeling,strap"), ("spine", 25, ""), ("hip-flexors", 6, "kneeling"), ("hips", 45, ""),
])
def test_a_routine_made_to_measure_works_the_focus_within_the_limits(catalog, library, focus, minutes, avoid):
    options = RoutineOptions.parse(focus=focus, minutes=minutes, avoid=avoid)
    script = catalog.script(None, options)
    chosen = exercises_of(library, script)
    assert len(chosen) >= 2
    assert script.duration_s == pytest.approx(minutes * 60, rel=0.05)
    for exercise in chosen:
        assert set(exercise.targets) & set(options.focus), exercise.id
        assert exercise.position != "with-partner"
        if "kneeling" in options.avoid:
            assert exercise.position not in ("kneeling", "hands-and-knees"), exercise.id
        if "floor" in options.avoid:
            assert exercise.position == "standing" or (
                exercise.position == "seated" and "chair" in exercise.equipment), exercise.id
        assert not set(options.avoid) & set(exercise.equipment), exercise.id
    # Down, never back up: standing, then a chair, then the floor; kneeling before lying.
    ranks = [exercise.flow_rank for exercise in chosen]
    assert ranks == sorted(ranks), [e.id for e in chosen]


def test_it_is_named_for_its_focus_and_says_what_it_leaves_out(catalog):
    options = RoutineOptions.parse(focus="lower-back,hips", minutes=15, avoid="kneeling,floor")
    listing = catalog.made_to_measure(options)
    assert (listing.id, listing.title, listing.spoken_name) == (
        "custom-hips-lower-back-15min-no-floor-no-kneeling", "routine for your hips and lower back",
        "hips and lower back")
    welcome = catalog.script(None, options).steps[0].segments[0].text
    assert "This is the routine for your hips and lower back." in welcome
    assert "with no need to get down to the floor" in welcome and "kneeling" not in welcome
    closing = catalog.script(None, options).steps[-1].segments[0].text
    assert "That's the end of the routine for your hips and lower back." in closing


def test_the_same_request_is_compiled_once(catalog):
    first = build(catalog, focus="hips", minutes=12)
    assert build(catalog, focus=["hips"], minutes=12.0) is first


def test_without_a_length_it_takes_a_handful_of_exercises(catalog, library):
    assert 2 <= len(build(catalog, focus="hips").exercise_ids()) <= 6


def test_longer_requests_bring_more_exercises(catalog):
    assert len(build(catalog, focus="hips", minutes=30).exercise_ids()) > \
        len(build(catalog, focus="hips", minutes=10).exercise_ids())


@pytest.mark.parametrize("focus,avoid", [("hips", ""), ("core", ""), ("lower-back", "floor"), ("hips", "kneeling")])
def test_a_length_out_of_reach_is_refused_with_a_range_that_can_be_reached(catalog, library, focus, avoid):
    shortest, longest = MadeToMeasure(library, RoutineOptions.parse(focus=focus, avoid=avoid)).reach()
    with pytest.raises(LengthOutOfReach, match=r"the routine for your .* cannot be fitted to 1 minutes; "
                                               r"it runs from \w+ to .* minutes") as refused:
        build(catalog, focus=focus, avoid=avoid, minutes=1)
    assert (refused.value.shortest_min, refused.value.longest_min) == (shortest, longest)
    for minutes in (shortest, (shortest + longest) // 2, longest):
        assert build(catalog, focus=focus, avoid=avoid, minutes=minutes).duration_s == \
            pytest.approx(minutes * 60, rel=0.05)


def test_too_few_stretches_for_the_limits_says_which_focus_can_be_made(catalog):
    with pytest.raises(NothingToBuild, match="too few stretches for your hamstrings") as refused:
        build(catalog, focus="hamstrings", avoid="floor", minutes=10)
    assert "with no need to get down to the floor" in str(refused.value)
    assert refused.value.possible and "hamstrings" not in refused.value.possible
    for focus in refused.value.possible:  # what it offers can really be made
        assert build(catalog, focus=focus, avoid="floor").exercise_ids()


def test_no_focus_means_the_librarys_own_hips_and_lower_back(catalog):
    assert catalog.made_to_measure(RoutineOptions.parse(avoid="floor")).spoken_name == "hips and lower back"


def test_partner_work_is_never_chosen(catalog, library):
    chosen = build(catalog, focus="hips,lower-back,glutes", minutes=90).exercise_ids()
    assert not [e for e in chosen if library.exercise(e).position == "with-partner"]


def test_hold_scale_and_brief_carry_through(catalog):
    plain = build(catalog, focus="hips", minutes=15)
    longer = build(catalog, focus="hips", minutes=15, hold_scale=1.5, brief=True)
    assert longer.duration_s == pytest.approx(900, rel=0.05)
    assert longer.steps[0].segments[0].text.startswith("Welcome back.")
    def mean_hold(script):
        holds = [p.seconds for st in script.steps for p in st.segments if p.kind == "pause" and p.purpose == "hold"]
        return sum(holds) / len(holds)

    assert mean_hold(longer) > mean_hold(plain)


@pytest.mark.parametrize("exercise_id", NEW_EXERCISES)
def test_the_new_exercises_compile_with_their_cautions_spoken(library, exercise_id):
    exercise = library.exercise(exercise_id)
    routine = Routine(id="one", title="one routine", description="One exercise.", focus=exercise.targets,
                      items=[RoutineItem(exercise=exercise_id)])
    script = compile_plan(library, Plan(routine, tuple(routine.items)))
    said = " ".join(s.text for step in script.steps for s in step.segments if s.kind == "say")
    assert exercise.cautions and all(caution in said for caution in exercise.cautions)
    assert "{" not in said and exercise.name in said


def test_every_caution_is_spoken_in_the_routines_that_use_it(library):
    for routine_id in library.routines:
        script = compile_routine(library, routine_id)
        said = " ".join(s.text for step in script.steps for s in step.segments if s.kind == "say")
        for exercise_id in script.exercise_ids():
            for caution in library.exercise(exercise_id).cautions:
                assert caution in said, (routine_id, exercise_id)


@pytest.mark.parametrize("minutes", [None, 6, 15, 25])
def test_the_upright_routine_never_goes_down_to_the_floor(library, minutes):
    script = compile_routine(library, "upright", minutes)
    for exercise in exercises_of(library, script):
        assert not exercise.on_the_floor, exercise.id
    assert "floor" in library.routine("upright").description


def test_knees_that_object_to_kneeling_get_the_figure_four_in_place_of_pigeon(catalog):
    chosen = build(catalog, focus="hips,glutes", minutes=20, avoid="kneeling").exercise_ids()
    assert "figure-four" in chosen and "pigeon" not in chosen
