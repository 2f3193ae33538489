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
    line = next(n for n, text in enumerate(path.read_text().splitlines(), start=1) if "seconds: -5" in text)
    assert result.output.startswith(f"{path}:{line}: parts.0.hold.seconds: ")


def test_check_gives_the_line_of_a_syntax_error(runner, write_yaml):
    path = write_yaml("routines/bad.yaml", "id: bad\nitems:\n  - exercise: bridge\n   sets: 2\n")
    result = runner.invoke(main, ["check", str(path)])
    assert result.exit_code == 2 and result.output.startswith(f"{path}:4: (syntax): YAML syntax error")


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
        {"file": str(path), "field": "items.0.exercise", "message": "unknown exercise 'cartwheel'", "line": 7}]}
    ok = json.loads(runner.invoke(main, ["check", "--json"]).output)
    assert ok["ok"] is True and ok["routines"] >= 7


def test_exercises_json_gives_each_exercises_cautions_and_position(runner):
    rows = {row["id"]: row for row in json.loads(runner.invoke(main, ["exercises", "--json"]).output)}
    assert rows["figure-four"]["position"] == "lying-on-back"
    assert any("knee" in caution for caution in rows["figure-four"]["cautions"])
    assert all(isinstance(row["cautions"], list) and row["position"] for row in rows.values())


def test_show_builds_a_routine_to_measure(runner, library):
    result = runner.invoke(main, ["show", "--focus", "hips,lower-back", "--minutes", "15", "--avoid", "kneeling",
                                  "--json"])
    assert result.exit_code == 0, result.output
    script = json.loads(result.output)
    assert script["routine"] == "custom-hips-lower-back-15min-no-kneeling"
    assert script["title"] == "routine for your hips and lower back"
    assert abs(script["duration_s"] - 900) <= 45
    positions = {library.exercise(s["exercise"]).position for s in script["steps"] if s["exercise"]}
    assert positions and not positions & {"kneeling", "hands-and-knees", "with-partner"}
    text = runner.invoke(main, ["show", "--focus", "hips", "--minutes", "10", "--avoid", "floor"]).output
    assert text.startswith("Routine for your hips:") and "with no need to get down to the floor" in text


def test_an_impossible_request_exits_2_saying_what_can_be_done(runner):
    too_short = runner.invoke(main, ["show", "--focus", "core", "--minutes", "2"])
    assert too_short.exit_code == 2
    assert "error: the routine for your core cannot be fitted to 2 minutes; it runs from six to" in too_short.output
    nothing = runner.invoke(main, ["show", "--focus", "hamstrings", "--avoid", "floor", "--minutes", "10"])
    assert nothing.exit_code == 2
    assert "too few stretches for your hamstrings" in nothing.output and "I can make one for your hips" in nothing.output
    assert "Traceback" not in too_short.output + nothing.output


def test_bad_routine_options_are_usage_errors_naming_the_choices(runner):
    for args, expected in [(["show", "--focus", "knees"], "'knees' is not one of: hips, hip-flexors"),
                           (["show", "--focus", "hips", "--avoid", "sofa"], "'sofa' is not one of: kneeling, floor"),
                           (["show", "--focus", "hips", "--minutes", "500"], "500"),
                           (["show", "hip", "--focus", "hips"], "leave out the routine name"),
                           (["show"], "name a ROUTINE, or give --focus"),
                           (["export", "hip", "--avoid", "floor"], "leave out the routine name"),
                           (["export"], "name one or more routines, give --all, or give --focus")]:
        result = runner.invoke(main, args)
        assert result.exit_code == 2 and expected in result.output, (args, result.output)


def test_minutes_hold_scale_and_brief_compose_for_a_named_routine(runner):
    plain = json.loads(runner.invoke(main, ["show", "lower-back", "--minutes", "20", "--json"]).output)
    result = runner.invoke(main, ["show", "lower-back", "--minutes", "20", "--hold-scale", "1.5", "--brief", "--json"])
    assert result.exit_code == 0, result.output
    longer = json.loads(result.output)
    assert abs(longer["duration_s"] - 1200) <= 60 and longer["hold_scale"] > plain["hold_scale"]
    assert longer["steps"][0]["segments"][0]["text"].startswith("Welcome back.")


def test_export_builds_a_routine_to_measure_and_prints_the_path(runner, tmp_path):
    result = runner.invoke(main, ["export", "--focus", "hips", "--minutes", "6", "--avoid", "floor",
                                  "--engine", "espeak", "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    mp3 = tmp_path / "custom-hips-6min-no-floor.mp3"
    assert result.output.split()[0] == str(mp3)
    assert mp3.stat().st_size > 10_000
    sheet = json.loads(mp3.with_suffix(".cues.json").read_text())
    assert sheet["routine"] == "custom-hips-6min-no-floor" and abs(sheet["duration_s"] - 360) < 45
    refused = runner.invoke(main, ["export", "--focus", "core", "--minutes", "2", "-o", str(tmp_path / "no")])
    assert refused.exit_code == 2 and "runs from six to" in refused.output and not (tmp_path / "no").exists()
