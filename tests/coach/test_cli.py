"""The content commands through click's runner, as a user types them."""

from __future__ import annotations

import json

from coach.cli import main
from tests.conftest import ROUTINE_IDS, TESTS_DIR


def test_routines_json_lists_every_routine_with_its_length(runner):
    result = runner.invoke(main, ["routines", "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert {r["id"] for r in rows} >= set(ROUTINE_IDS)
    for row in rows:
        assert row["title"] and row["duration_s"] > 120 and row["exercises"]


def test_routines_table_is_readable(runner):
    result = runner.invoke(main, ["routines"])
    assert result.exit_code == 0
    assert any(line.startswith("hip ") and "hip routine" in line for line in result.output.splitlines())


def test_exercises_json_names_sources(runner):
    rows = json.loads(runner.invoke(main, ["exercises", "--json"]).output)
    assert len(rows) >= 28
    assert all(row["id"] and row["name"] and row["sources"] for row in rows)


def test_show_prints_the_script_as_text(runner):
    result = runner.invoke(main, ["show", "quick"])
    assert result.exit_code == 0
    assert "Welcome to Stretch Coach" in result.output and "[hold 20 s]" in result.output


def test_show_json_fits_minutes(runner):
    result = runner.invoke(main, ["show", "lower-back", "--minutes", "12", "--json"])
    script = json.loads(result.output)
    assert abs(script["duration_s"] - 720) <= 36
    assert script["steps"][0]["segments"][0]["kind"] == "say"


def test_show_an_unknown_routine_lists_the_real_ones(runner):
    result = runner.invoke(main, ["show", "yoga"])
    assert result.exit_code == 2
    assert "unknown routine 'yoga'" in result.output and "bedtime" in result.output


def test_check_passes_on_the_shipped_content(runner):
    result = runner.invoke(main, ["check"])
    assert result.exit_code == 0 and result.output.startswith("ok: ")


def test_check_names_file_and_field(runner, write_yaml, exercise_data):
    exercise_data["parts"][0]["hold"]["seconds"] = -5
    path = write_yaml("exercises/knee-to-chest.yaml", exercise_data)
    result = runner.invoke(main, ["check", str(path)])
    assert result.exit_code == 2
    assert result.output.startswith(f"{path}: parts.0.hold.seconds: ")


def test_check_gives_the_line_of_a_syntax_error(runner, write_yaml):
    path = write_yaml("routines/bad.yaml", "id: bad\nitems:\n  - exercise: bridge\n   sets: 2\n")
    result = runner.invoke(main, ["check", str(path)])
    assert result.exit_code == 2 and f"{path}: line 4, column" in result.output


def test_golden_scripts_have_not_drifted(runner):
    for routine_id in ("hip", "partner"):
        golden = (TESTS_DIR / "golden" / f"{routine_id}.txt").read_text(encoding="utf-8")
        result = runner.invoke(main, ["show", routine_id])
        assert result.output == golden, f"the {routine_id} Script changed: run `make golden` and review the diff"


def test_check_json_lists_problems(runner, write_yaml):
    path = write_yaml("routines/mine.yaml", {"id": "mine", "title": "mine", "description": "Mine.",
                                             "focus": ["hips"], "items": [{"exercise": "cartwheel"}]})
    result = runner.invoke(main, ["check", "--json", str(path)])
    assert result.exit_code == 2
    assert json.loads(result.output) == {"ok": False, "problems": [
        {"file": str(path), "field": "items.0.exercise", "message": "unknown exercise 'cartwheel'"}]}
    ok = json.loads(runner.invoke(main, ["check", "--json"]).output)
    assert ok["ok"] is True and ok["routines"] >= 7
