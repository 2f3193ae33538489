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


MAX_FILE_BYTES = 256 * 1024  # the longest content file is a few kilobytes; more is a mistake


class _ContentYaml(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """Safe YAML (libyaml's parser where PyYAML has it) that refuses a key given twice in one
    mapping, which plain YAML loaders resolve silently by keeping the last."""

    def construct_mapping(self, node, deep=False):
        seen = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            if key in seen:
                raise yaml.constructor.ConstructorError(None, None, f"duplicate key '{key}'", key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep)


@dataclass
class _Parsed:
    data: object
    lines: dict[str, int]  # field path -> line

    def line_of(self, path: str) -> int:
        """The line of the field, or of the nearest enclosing field the file has (a missing field
        is reported where its parent starts)."""
        parts = path.split(".")
        while parts:
            if ".".join(parts) in self.lines:
                return self.lines[".".join(parts)]
            parts.pop()
        return 1


def _lines(node, path: tuple = (), found: dict | None = None) -> dict[str, int]:
    found = {} if found is None else found
    if isinstance(node, yaml.MappingNode):
        children = [(str(key.value), key, value) for key, value in node.value]
    elif isinstance(node, yaml.SequenceNode):
        children = [(str(i), item, item) for i, item in enumerate(node.value)]
    else:
        return found
    for name, marked, child in children:
        found[".".join(path + (name,))] = marked.start_mark.line + 1
        _lines(child, path + (name,), found)
    return found


def _field_path(loc: tuple) -> str:
    return ".".join(str(part) for part in loc) or "(top level)"


def _problems_from(error: ValidationError, file: str, parsed: _Parsed) -> list[Problem]:
    problems = []
    for detail in error.errors():
        cause = (detail.get("ctx") or {}).get("error")
        prefix = _field_path(detail["loc"])
        if isinstance(cause, FieldProblems):
            base = "" if not detail["loc"] else prefix + "."
            problems += [Problem(file, base + f, message, parsed.line_of(base + f)) for f, message in cause.problems]
            continue
        message = detail["msg"].removeprefix("Value error, ")
        if detail["type"] == "extra_forbidden":
            message = "unknown field"
        problems.append(Problem(file, prefix, message, parsed.line_of(prefix)))
    return problems


def _read_yaml(path: Path) -> tuple[_Parsed | None, list[Problem]]:
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            return None, [Problem(str(path), "(file)", f"{size // 1024} KB is too big for a content file "
                                                       f"(at most {MAX_FILE_BYTES // 1024} KB)")]
        loader = _ContentYaml(path.read_text(encoding="utf-8"))
        try:
            node = loader.get_single_node()
            lines = _lines(node) if node is not None else {}
            try:
                data = loader.construct_document(node) if node is not None else None
            except yaml.constructor.ConstructorError as exc:
                line = exc.problem_mark.line + 1
                field = next((name for name, at in reversed(lines.items()) if at == line), "(syntax)")
                return None, [Problem(str(path), field, exc.problem, line)]
        finally:
            loader.dispose()
        return _Parsed(data, lines), []
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        return None, [Problem(str(path), "(syntax)", f"YAML syntax error: {exc.problem}",
                              mark.line + 1 if mark else None)]
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        return None, [Problem(str(path), "(file)", f"cannot read: {exc}")]


def _parse(model: type[BaseModel], path: Path, parsed: _Parsed | None = None) -> tuple[BaseModel | None, list[Problem]]:
    if parsed is None:
        parsed, problems = _read_yaml(path)
        if problems:
            return None, problems
    if not isinstance(parsed.data, dict):
        return None, [Problem(str(path), "(top level)", "expected a mapping of fields", 1)]
    try:
        return model.model_validate(parsed.data), []
    except ValidationError as exc:
        return None, _problems_from(exc, str(path), parsed)


def _kind_of(path: Path, parsed: _Parsed) -> type[Exercise] | type[Routine] | None:
    """Exercises live under exercises/ and routines under routines/; a loose file tells by its fields."""
    if path.parent.name in ("exercises", "routines"):
        return Exercise if path.parent.name == "exercises" else Routine
    if isinstance(parsed.data, dict):
        if "parts" in parsed.data:
            return Exercise
        if "items" in parsed.data:
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

    parsed_files: dict[str, _Parsed] = {}

    def collect(paths: list[Path], replaceable: bool) -> tuple[dict, dict, dict]:
        exercises, routines, origin = {}, {}, {}
        for path in paths:
            parsed, found = _read_yaml(path)
            if found:
                problems.extend(found)
                continue
            kind = _kind_of(path, parsed)
            if kind is None:
                problems.append(Problem(str(path), "(top level)",
                                        "not an exercise (needs 'parts') or a routine (needs 'items')", 1))
                continue
            item, found = _parse(kind, path, parsed)
            problems.extend(found)
            if item is None:
                continue
            table = exercises if kind is Exercise else routines
            if item.id in table and not replaceable:
                problems.append(Problem(str(path), "id", f"duplicate id '{item.id}', also in {origin[item.id]}",
                                        parsed.line_of("id")))
                continue
            parsed_files[str(path)] = parsed
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
        file = origin[routine.id]
        problems += [Problem(file, where, message, parsed_files[file].line_of(where))
                     for where, message in _cross_check(routine, exercises)]
    if problems:
        raise ContentError(problems)
    return Library(exercises, routines, phrases, safety, origin)


def _cross_check(routine: Routine, exercises: dict[str, Exercise]) -> list[tuple[str, str]]:
    """(field, problem) for what a routine asks of its exercises that they cannot give."""
    problems = []
    for where, exercise_id in [(f"items.{i}.exercise", item.exercise) for i, item in enumerate(routine.items)] + \
            [(f"extras.{i}", e) for i, e in enumerate(routine.extras)]:
        if exercise_id not in exercises:
            problems.append((where, f"unknown exercise '{exercise_id}'"))
    if problems:
        return problems
    for i, item in enumerate(routine.items):
        exercise = exercises[item.exercise]
        kinds = {"hold_s": any(p.hold and p.hold.seconds for p in exercise.parts),
                 "breaths": any(p.hold and p.hold.breaths for p in exercise.parts),
                 "reps": any(p.reps for p in exercise.parts)}
        for override, applies in kinds.items():
            if getattr(item, override) is not None and not applies:
                problems.append((f"items.{i}.{override}", f"'{item.exercise}' has nothing to apply it to"))
        if (exercise.position == "with-partner") != (routine.audience == "partner"):
            problems.append((f"items.{i}.exercise",
                             f"'{item.exercise}' is a {exercise.position} exercise in a {routine.audience} routine"))
    positions = [exercises[item.exercise].position for item in routine.items]
    runs = [position for position, _ in itertools.groupby(positions)]
    revisited = sorted({p for p in runs if runs.count(p) > 1})
    if revisited:
        problems.append(("items", f"returns to {', '.join(revisited)} after leaving it; "
                                  "group exercises by position so the body moves as little as possible"))
    for i, extra in enumerate(routine.extras):
        if not set(exercises[extra].targets) & set(routine.focus):
            problems.append((f"extras.{i}", f"'{extra}' shares no target with the routine's focus"))
    return problems
