"""Load and cross-check the content library, naming the file and field of every problem."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

import yaml
from pydantic import BaseModel, ValidationError

from content.errors import ContentError, Problem
from content.models import Exercise, FieldProblems, Phrases, Routine, Safety

DATA_DIR = Path(__file__).parent / "data"
SHARED_FILES = ("speech.yaml", "safety.yaml")


def _field_path(loc: tuple) -> str:
    return ".".join(str(part) for part in loc) or "(top level)"


def _problems_from(error: ValidationError, file: str) -> list[Problem]:
    problems = []
    for detail in error.errors():
        cause = (detail.get("ctx") or {}).get("error")
        prefix = _field_path(detail["loc"])
        if isinstance(cause, FieldProblems):
            base = "" if not detail["loc"] else prefix + "."
            problems += [Problem(file, base + f, message) for f, message in cause.problems]
            continue
        message = detail["msg"].removeprefix("Value error, ")
        if detail["type"] == "extra_forbidden":
            message = "unknown field"
        problems.append(Problem(file, prefix, message))
    return problems


def _read_yaml(path: Path) -> tuple[object, list[Problem]]:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8")), []
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "(syntax)"
        return None, [Problem(str(path), where, f"YAML syntax error: {exc.problem}")]
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        return None, [Problem(str(path), "(file)", f"cannot read: {exc}")]


def _parse(model: type[BaseModel], path: Path) -> tuple[BaseModel | None, list[Problem]]:
    data, problems = _read_yaml(path)
    if problems:
        return None, problems
    if not isinstance(data, dict):
        return None, [Problem(str(path), "(top level)", "expected a mapping of fields")]
    try:
        return model.model_validate(data), []
    except ValidationError as exc:
        return None, _problems_from(exc, str(path))


def _kind_of(path: Path) -> type[Exercise] | type[Routine] | None:
    """Exercises live under exercises/ and routines under routines/; a loose file tells by its fields."""
    if path.parent.name in ("exercises", "routines"):
        return Exercise if path.parent.name == "exercises" else Routine
    data, problems = _read_yaml(path)
    if not problems and isinstance(data, dict):
        if "parts" in data:
            return Exercise
        if "items" in data:
            return Routine
    return None


@dataclass(frozen=True)
class Library:
    exercises: dict[str, Exercise]
    routines: dict[str, Routine]
    phrases: Phrases
    safety: Safety
    files: dict[str, str] = field(default_factory=dict, compare=False)  # id -> file it came from

    def exercise(self, exercise_id: str) -> Exercise:
        try:
            return self.exercises[exercise_id]
        except KeyError:
            raise ContentError(f"unknown exercise '{exercise_id}'; exercises: {', '.join(self.exercises)}") from None

    def routine(self, routine_id: str) -> Routine:
        try:
            return self.routines[routine_id]
        except KeyError:
            raise ContentError(f"unknown routine '{routine_id}'; routines: {', '.join(self.routines)}") from None


def _files(paths: Iterable[Path]) -> list[Path]:
    found = []
    for path in paths:
        if path.is_dir():
            found += sorted(p for p in path.rglob("*") if p.suffix in (".yaml", ".yml"))
        else:
            found.append(path)
    return found


def load_library(extra_paths: Iterable[Path | str] = (), data_dir: Path = DATA_DIR) -> Library:
    """The built-in library, with `extra_paths` (files or folders) checked and put in place of the
    built-in entries that share their ids. Raises ContentError listing every problem found."""
    problems: list[Problem] = []
    extra = _files(Path(p) for p in extra_paths)
    shared = {name: next((p for p in extra if p.name == name), data_dir / name) for name in SHARED_FILES}
    phrases, found = _parse(Phrases, shared["speech.yaml"])
    problems += found
    safety, found = _parse(Safety, shared["safety.yaml"])
    problems += found

    def collect(paths: list[Path], replaceable: bool) -> tuple[dict, dict, dict]:
        exercises, routines, origin = {}, {}, {}
        for path in paths:
            kind = _kind_of(path)
            if kind is None:
                problems.append(Problem(str(path), "(top level)",
                                        "not an exercise (needs 'parts') or a routine (needs 'items')"))
                continue
            item, found = _parse(kind, path)
            problems.extend(found)
            if item is None:
                continue
            table = exercises if kind is Exercise else routines
            if item.id in table and not replaceable:
                problems.append(Problem(str(path), "id", f"duplicate id '{item.id}', also in {origin[item.id]}"))
                continue
            table[item.id] = item
            origin[item.id] = str(path)
        return exercises, routines, origin

    builtin = _files([data_dir / "exercises", data_dir / "routines"])
    exercises, routines, origin = collect(builtin, replaceable=False)
    extra = [p for p in extra if p.name not in SHARED_FILES and p.resolve() not in {b.resolve() for b in builtin}]
    if extra:
        checked = collect(extra, replaceable=False)
        exercises |= checked[0]
        routines |= checked[1]
        origin |= checked[2]

    for routine in routines.values():
        problems += _cross_check(routine, exercises, origin[routine.id])
    if problems:
        raise ContentError(problems)
    return Library(exercises, routines, phrases, safety, origin)


def _cross_check(routine: Routine, exercises: dict[str, Exercise], file: str) -> list[Problem]:
    problems = []
    for where, exercise_id in [(f"items.{i}.exercise", item.exercise) for i, item in enumerate(routine.items)] + \
            [(f"extras.{i}", e) for i, e in enumerate(routine.extras)]:
        if exercise_id not in exercises:
            problems.append(Problem(file, where, f"unknown exercise '{exercise_id}'"))
    if problems:
        return problems
    for i, item in enumerate(routine.items):
        exercise = exercises[item.exercise]
        kinds = {"hold_s": any(p.hold and p.hold.seconds for p in exercise.parts),
                 "breaths": any(p.hold and p.hold.breaths for p in exercise.parts),
                 "reps": any(p.reps for p in exercise.parts)}
        for override, applies in kinds.items():
            if getattr(item, override) is not None and not applies:
                problems.append(Problem(file, f"items.{i}.{override}", f"'{item.exercise}' has nothing to apply it to"))
        if (exercise.position == "with-partner") != (routine.audience == "partner"):
            problems.append(Problem(file, f"items.{i}.exercise",
                                    f"'{item.exercise}' is a {exercise.position} exercise in a {routine.audience} routine"))
    positions = [exercises[item.exercise].position for item in routine.items]
    runs = [position for position, _ in itertools.groupby(positions)]
    revisited = sorted({p for p in runs if runs.count(p) > 1})
    if revisited:
        problems.append(Problem(file, "items", f"returns to {', '.join(revisited)} after leaving it; "
                                               "group exercises by position so the body moves as little as possible"))
    for i, extra in enumerate(routine.extras):
        if not set(exercises[extra].targets) & set(routine.focus):
            problems.append(Problem(file, f"extras.{i}", f"'{extra}' shares no target with the routine's focus"))
    return problems
