"""Loading content: every shipped file loads, and each kind of broken file is named with its field."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from content import ContentError, compile_routine, load_library
from content.loader import DATA_DIR
from content.models import SIDE_NAMES, fill
from exporter.plan import spoken_texts
from tests.conftest import ROUTINE_IDS

DATA_FILES = sorted(DATA_DIR.rglob("*.yaml"))
SEEDS_DIR = Path(__file__).parents[3] / "shared" / "seeds"


def test_the_glob_finds_the_data():
    assert len(DATA_FILES) >= 30, "the content data files were not found"


@pytest.mark.parametrize("path", DATA_FILES, ids=lambda p: p.name)
def test_every_data_file_loads(path):
    # Checking one file on its own (in place of its built-in twin) must succeed.
    library = load_library([path])
    assert library.exercises and library.routines


def test_the_library_has_the_promised_routines_and_exercises(library):
    assert set(ROUTINE_IDS) <= set(library.routines)
    assert len(library.exercises) >= 28
    for exercise_id in ("standing-hip-circles", "seated-hamstring-stretch", "childs-pose", "cat-cow", "bridge",
                        "knee-to-chest", "supine-twist", "legs-up-the-wall", "knee-circles",
                        "three-way-strap-stretch", "around-the-world", "pelvis-stability-bridge",
                        "thirty-sixty-ninety-legs", "lying-hamstring-raise", "kneeling-hip-flexor-stretch", "pigeon",
                        "hip-flexion-pulses", "inward-hip-rotation", "butterfly-lean", "split-stance-hip-extension",
                        "abdominal-bracing", "seated-marching", "partner-hip-press", "partner-diagonal-stretch",
                        "partner-leg-push", "partner-hip-circles"):
        assert exercise_id in library.exercises


def test_sources_name_real_seed_files(library):
    if not SEEDS_DIR.is_dir():
        pytest.skip("shared/seeds is not beside this checkout")
    seeds = {p.name for p in SEEDS_DIR.glob("*.txt")}
    for exercise in library.exercises.values():
        assert set(exercise.sources) <= seeds, exercise.id


JUNK = ("ufabet", "mouse", "advil", "aleve", "naproxen", "magnesium", "sponsor", "patron", "@", "image credit",
        "painkiller", "supplement")


def test_no_seed_junk_reaches_a_user():
    for path in DATA_FILES:
        text = path.read_text(encoding="utf-8").lower()
        for junk in JUNK:
            assert junk not in text, f"{path.name} mentions {junk!r}"
        assert not any("\u0e00" <= ch <= "\u0e7f" for ch in text), f"{path.name} carries Thai text"


ECHO_WORDS = 7  # this many words in a row, the same as a source article's, is copying


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z']+", text.lower().replace("\u2019", "'"))


def _runs(words: list[str]) -> set[tuple[str, ...]]:
    return {tuple(words[i:i + ECHO_WORDS]) for i in range(len(words) - ECHO_WORDS + 1)}


def test_no_sentence_follows_a_source_article(library):
    if not SEEDS_DIR.is_dir():
        pytest.skip("shared/seeds is not beside this checkout")
    sources = set().union(*(_runs(_words(p.read_text(encoding="utf-8"))) for p in SEEDS_DIR.glob("*.txt")))
    spoken = {text for routine_id in library.routines for text in spoken_texts(compile_routine(library, routine_id))}
    spoken |= {fill(text, side) for exercise in library.exercises.values() for text in exercise.spoken_texts().values()
               for side in SIDE_NAMES}
    copied = sorted(" ".join(run) for text in spoken for run in _runs(_words(text)) & sources)
    assert not copied, f"word for word from a source article: {copied}"


def problems_of(paths) -> list[str]:
    with pytest.raises(ContentError) as caught:
        load_library(paths)
    return [str(p) for p in caught.value.problems]


def at(path: Path, text: str) -> str:
    """`path:line` of the first line holding `text`: where an editor should jump."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return f"{path}:{next(n for n, line in enumerate(lines, start=1) if text in line)}"


def test_unknown_field_is_named(write_yaml, exercise_data):
    path = write_yaml("exercises/knee-to-chest.yaml", exercise_data | {"colour": "blue"})
    assert problems_of([path]) == [f"{at(path, 'colour:')}: colour: unknown field"]


def test_negative_hold_is_named(write_yaml, exercise_data):
    exercise_data["parts"][0]["hold"]["seconds"] = -30
    path = write_yaml("exercises/knee-to-chest.yaml", exercise_data)
    [problem] = problems_of([path])
    assert problem.startswith(f"{at(path, 'seconds: -30')}: parts.0.hold.seconds: ") and "greater than 0" in problem


def test_missing_hold_is_named(write_yaml, exercise_data):
    exercise_data["parts"][0] = {"say": "Hold it."}
    path = write_yaml("exercises/knee-to-chest.yaml", exercise_data)
    assert problems_of([path]) == [f"{at(path, 'say: Hold it.')}: parts.0: each part needs a hold or reps (exactly one)"]


def test_digits_in_spoken_text_are_refused(write_yaml, exercise_data):
    exercise_data["steps"][0] = "Lift your {side} knee 2 times."
    path = write_yaml("exercises/knee-to-chest.yaml", exercise_data)
    assert problems_of([path]) == [f"{at(path, '2 times')}: steps.0: write numbers as words, a speech engine reads them better"]


def test_side_placeholder_needs_sides(write_yaml, exercise_data):
    exercise_data["sides"] = "both"
    path = write_yaml("exercises/knee-to-chest.yaml", exercise_data)
    problems = problems_of([path])
    assert f"{at(path, exercise_data['steps'][0][:20])}: steps.0: {{side}} needs sides 'each' or 'alternating'" in problems


def test_unknown_exercise_in_a_routine_is_named(write_yaml):
    path = write_yaml("routines/mine.yaml", {"id": "mine", "title": "my routine", "description": "Mine.",
                                             "focus": ["hips"], "items": [{"exercise": "cartwheel"}]})
    assert problems_of([path]) == [f"{at(path, 'cartwheel')}: items.0.exercise: unknown exercise 'cartwheel'"]


def test_duplicate_id_is_named(write_yaml, exercise_data):
    first = write_yaml("a/exercises/knee-to-chest.yaml", exercise_data)
    second = write_yaml("b/exercises/knee-to-chest.yaml", exercise_data)
    assert problems_of([first, second]) == [f"{at(second, 'id: knee-to-chest')}: id: duplicate id 'knee-to-chest', also in {first}"]


def test_yaml_syntax_error_gives_the_line(write_yaml):
    path = write_yaml("exercises/broken.yaml", "id: broken\nname: [unclosed\nsides: each\n")
    [problem] = problems_of([path])
    assert problem.startswith(f"{path}:3: (syntax): YAML syntax error")


def test_a_routine_that_returns_to_a_position_is_refused(write_yaml):
    path = write_yaml("routines/zigzag.yaml", {
        "id": "zigzag", "title": "zigzag", "description": "Up and down.", "focus": ["hips"],
        "items": [{"exercise": "standing-hip-circles"}, {"exercise": "knee-to-chest"},
                  {"exercise": "split-stance-hip-extension"}]})
    [problem] = problems_of([path])
    assert problem.startswith(f"{at(path, 'items:')}: items: returns to standing")


def test_every_problem_is_reported_at_once(write_yaml, exercise_data):
    exercise_data["sets"] = 0
    exercise_data["parts"][0]["hold"]["seconds"] = -1
    path = write_yaml("exercises/knee-to-chest.yaml", exercise_data)
    assert len(problems_of([path])) == 2


def test_unknown_routine_lists_the_routines(library):
    with pytest.raises(ContentError) as caught:
        library.routine("yoga")
    assert "hip" in str(caught.value) and "bedtime" in str(caught.value)


def test_a_loose_file_with_a_syntax_error_names_the_line(write_yaml):
    path = write_yaml("my-stretch.yaml", "id: mine\nparts:\n  - hold: {seconds: 30\nname: Mine\n")
    [problem] = problems_of([path])
    assert problem.startswith(f"{path}:4: (syntax): YAML syntax error")


def test_a_duplicate_key_is_named_not_silently_dropped(write_yaml, exercise_data):
    path = write_yaml("exercises/knee-to-chest.yaml", exercise_data)
    path.write_text(path.read_text().replace("name: ", "name: Knee hug\nname: ", 1))
    assert problems_of([path]) == [f"{at(path, 'name: Knee to chest')}: name: duplicate key 'name'"]


def test_a_huge_file_is_refused_without_reading_it(write_yaml):
    path = write_yaml("exercises/huge.yaml", "id: huge\n" + "# padding\n" * 40_000)
    [problem] = problems_of([path])
    assert problem.startswith(f"{path}: (file): ") and "too big" in problem


@pytest.mark.parametrize("placeholder, complaint", [
    ("{side:d}", "placeholder {side} takes no format"),
    ("{titel}", "unknown placeholder {titel}; this text may use: {side}, {side_of}"),
    ("{side", "broken placeholder"),
])
def test_a_broken_placeholder_in_the_coachs_sentences_is_named(write_yaml, placeholder, complaint):
    speech = (DATA_DIR / "speech.yaml").read_text(encoding="utf-8")
    path = write_yaml("speech.yaml", speech.replace("Switch to your {side}", f"Switch to your {placeholder}"))
    [problem] = problems_of([path])
    assert problem.startswith(f"{at(path, 'Switch to your')}: exercise.switch: {complaint}")
