"""The `stretch-coach` command: the edge where each package's error becomes a message and an exit code."""

from __future__ import annotations

import functools
import json
import sys
from pathlib import Path

import click

from content import ContentError, Library, compile_routine, load_library
from coach.show import script_text

EXIT_CONTENT = 2  # bad content or a request the content cannot satisfy
EXIT_FAILED = 1  # the work itself failed (network, disk, ffmpeg)


def reports_errors(command):
    """Turn the packages' own errors into a clear message and an exit code, never a traceback."""

    @functools.wraps(command)
    def run(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except ContentError as exc:
            for problem in exc.problems:
                click.echo(f"error: {problem.message}" if problem.file == "content" else str(problem), err=True)
            sys.exit(EXIT_CONTENT)

    return run


def library() -> Library:
    return load_library()


def echo_json(data) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="stretch-coach")
def main() -> None:
    """Guided lower-back and hip stretches, by voice and as audio files."""


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@reports_errors
def routines(as_json: bool) -> None:
    """List every routine with its planned length."""
    lib = library()
    rows = []
    for routine in lib.routines.values():
        script = compile_routine(lib, routine.id)
        rows.append({"id": routine.id, "title": routine.title, "description": routine.description,
                     "duration_s": script.duration_s, "audience": routine.audience,
                     "exercises": script.exercise_ids()})
    if as_json:
        echo_json(rows)
        return
    for row in rows:
        minutes, seconds = divmod(round(row["duration_s"]), 60)
        click.echo(f"{row['id']:<12} {minutes:>3}:{seconds:02d}  {row['title']}: {row['description']}")


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@reports_errors
def exercises(as_json: bool) -> None:
    """List every exercise with its position and sources."""
    lib = library()
    if as_json:
        echo_json([{"id": e.id, "name": e.name, "summary": e.summary, "position": e.position,
                    "equipment": e.equipment, "targets": e.targets, "sides": e.sides, "sources": e.sources}
                   for e in lib.exercises.values()])
        return
    for e in lib.exercises.values():
        click.echo(f"{e.id:<30} {e.position:<16} {e.name}")


@main.command()
@click.argument("routine")
@click.option("--minutes", type=click.FloatRange(1, 120), help="Fit the routine to this many minutes.")
@click.option("--hold-scale", type=click.FloatRange(0.25, 3), default=1.0, show_default=True,
              help="Make every hold and rep count longer (>1) or shorter (<1).")
@click.option("--json", "as_json", is_flag=True, help="Print the Script as JSON.")
@reports_errors
def show(routine: str, minutes: float | None, hold_scale: float, as_json: bool) -> None:
    """Print the Script of a ROUTINE: everything that will be said, and every pause."""
    script = compile_routine(library(), routine, minutes, hold_scale)
    if as_json:
        echo_json(script.model_dump(mode="json") | {"duration_s": script.duration_s})
    else:
        click.echo(script_text(script))


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
def check(paths: tuple[Path, ...]) -> None:
    """Validate content: the built-in library, with PATHS (files or folders) in place of the entries
    that share their ids. Exits 2 listing `file: field: problem` for every problem."""
    try:
        lib = load_library(paths)
    except ContentError as exc:
        for problem in exc.problems:
            click.echo(str(problem))
        sys.exit(EXIT_CONTENT)
    click.echo(f"ok: {len(lib.exercises)} exercises, {len(lib.routines)} routines")
