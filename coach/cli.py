"""The `stretch-coach` command: the edge where each package's error becomes a message and an exit code."""

from __future__ import annotations

import functools
import gc
import json
import sys
import tempfile
from pathlib import Path

import click

from content import Catalog, ContentError, Library, RoutineOptions, compile_routine, load_library
from content.options import AVOID_CHOICES, FOCUS_CHOICES, HOLD_SCALE_RANGE, MINUTES_RANGE
from coach.show import script_text
from exporter.engines import DEFAULT_ENGINE, DEFAULT_PACE_WPM, ENGINES, GTTS_ACCENTS, PACE_RANGE, RATES, VoiceSettings
from exporter.errors import ExportError

# The exporter's audio parts (numpy, scipy, the voices) load only in the commands that make audio,
# so listing and checking content answers at once.
ENGINE_HELP = "Voice: " + "; ".join(f"{name}: {what}" for name, (what, _) in ENGINES.items()) + "."

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
        except ExportError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(EXIT_FAILED)
        except KeyboardInterrupt:
            click.echo("stopped: no partial files were left behind; clips made so far stay cached", err=True)
            sys.exit(130)

    return run


def library() -> Library:
    return load_library()


def echo_json(data) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False))


class CommaChoices(click.ParamType):
    """'hips,lower-back': several of a fixed set of choices, separated by commas."""

    name = "choices"

    def __init__(self, choices: tuple[str, ...]):
        self.choices = choices

    def convert(self, value, param, ctx) -> tuple[str, ...]:
        if isinstance(value, tuple):
            return value
        chosen = tuple(v.strip() for v in str(value).split(",") if v.strip())
        unknown = [v for v in chosen if v not in self.choices]
        if unknown or not chosen:
            self.fail(f"{', '.join(map(repr, unknown)) or 'nothing'} is not one of: {', '.join(self.choices)}",
                      param, ctx)
        return chosen


def routine_options(command):
    """The options that shape a routine, with the ranges and choices of content.options."""
    for option in reversed([
        click.option("--minutes", type=click.FloatRange(*MINUTES_RANGE), help="Fit the routine to this many minutes."),
        click.option("--hold-scale", type=click.FloatRange(*HOLD_SCALE_RANGE),
                     default=RoutineOptions.model_fields["hold_scale"].default, show_default=True,
                     help="Make every hold and rep count longer (>1) or shorter (<1); composes with --minutes."),
        click.option("--brief", is_flag=True, help="Short instructions, for someone who knows the exercises."),
        click.option("--focus", type=CommaChoices(FOCUS_CHOICES), metavar="TARGET[,TARGET...]",
                     help="With no ROUTINE, build one to measure for these: " + ", ".join(FOCUS_CHOICES) + "."),
        click.option("--avoid", type=CommaChoices(AVOID_CHOICES), metavar="THING[,THING...]",
                     help="Leave these out of a routine made to measure: " + ", ".join(AVOID_CHOICES)
                          + " (floor keeps to standing and sitting on a chair)."),
    ]):
        command = option(command)
    return command


def asked_options(minutes, hold_scale, brief, focus, avoid) -> RoutineOptions:
    return RoutineOptions.parse(minutes=minutes, hold_scale=hold_scale, brief=brief, focus=focus or (),
                                avoid=avoid or ())


def made_to_measure(options: RoutineOptions, named: bool) -> bool:
    """Whether the request builds a routine to measure; --focus and --avoid only make sense without a routine name."""
    wanted = bool(options.focus or options.avoid)
    if wanted and named:
        raise click.UsageError("--focus and --avoid build a routine to measure: leave out the routine name")
    return wanted


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
                    "equipment": e.equipment, "targets": e.targets, "sides": e.sides, "cautions": e.cautions,
                    "sources": e.sources}
                   for e in lib.exercises.values()])
        return
    for e in lib.exercises.values():
        click.echo(f"{e.id:<30} {e.position:<16} {e.name}")


@main.command()
@click.argument("routine", required=False)
@routine_options
@click.option("--json", "as_json", is_flag=True, help="Print the Script as JSON.")
@reports_errors
def show(routine: str | None, as_json: bool, **asked) -> None:
    """Print the Script of a ROUTINE: everything that will be said, and every pause. With no
    ROUTINE, --focus (and --avoid) build one to measure."""
    options = asked_options(**asked)
    if not made_to_measure(options, named=routine is not None) and routine is None:
        raise click.UsageError("name a ROUTINE, or give --focus (and --avoid) to build one to measure")
    script = Catalog(library()).script(routine, options)
    if as_json:
        echo_json(script.model_dump(mode="json") | {"duration_s": script.duration_s})
    else:
        click.echo(script_text(script))


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def check(paths: tuple[Path, ...], as_json: bool) -> None:
    """Validate content: the built-in library, with PATHS (files or folders) in place of the entries
    that share their ids. Exits 2 listing `file: field: problem` for every problem."""
    try:
        lib = load_library(paths)
        for routine_id in lib.routines:
            compile_routine(lib, routine_id)
    except ContentError as exc:
        if as_json:
            echo_json({"ok": False, "problems": [vars(p) for p in exc.problems]})
        else:
            for problem in exc.problems:
                click.echo(str(problem))
        sys.exit(EXIT_CONTENT)
    if as_json:
        echo_json({"ok": True, "exercises": len(lib.exercises), "routines": len(lib.routines)})
    else:
        click.echo(f"ok: {len(lib.exercises)} exercises, {len(lib.routines)} routines")


@main.command()
@click.argument("routine_ids", metavar="[ROUTINE]...", nargs=-1)
@click.option("--all", "all_routines", is_flag=True, help="Export every routine.")
@click.option("-o", "--out", type=click.Path(path_type=Path), default=Path("audio/out"), show_default=True,
              help="Output folder, or an .mp3 path for a single routine.")
@click.option("--engine", type=click.Choice(list(ENGINES)), default=DEFAULT_ENGINE, show_default=True,
              help=ENGINE_HELP)
@click.option("--voice", "voice_model", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="A Piper voice (.onnx, with its .onnx.json beside it) instead of the bundled one.")
@click.option("--pace", type=click.IntRange(*PACE_RANGE),
              help=f"Speaking pace in words a minute for the offline voices (Piper: {DEFAULT_PACE_WPM}).")
@click.option("--accent", type=click.Choice(GTTS_ACCENTS), default="com", show_default=True,
              help="Google voice accent, by Google domain: com (US), co.uk, com.au, ca, co.in, ie, co.za.")
@click.option("--slow", is_flag=True, help="Google's slower speaking voice.")
@routine_options
@click.option("--rate", type=click.Choice([str(r) for r in RATES]), default=str(RATES[0]), show_default=True,
              help="Sample rate in Hz.")
@click.option("--bitrate", type=click.Choice(["48k", "64k", "96k", "128k"]), default="64k", show_default=True,
              help="Constant MP3 bitrate.")
@click.option("--split", is_flag=True, help="Also write one MP3 per exercise and an .m3u playlist.")
@click.option("--no-cache", is_flag=True, help="Synthesize every clip afresh and keep none.")
@reports_errors
def export(routine_ids, all_routines, out, engine, voice_model, pace, accent, slow, rate, bitrate, split, no_cache,
           **asked):
    """Render ROUTINE... (or --all, or one made to measure with --focus and --avoid) to MP3 with
    exactly timed holds, chapters, a cue sheet and captions. Prints each path it wrote."""
    from exporter.cache import ClipCache
    from exporter.export import ExportOptions, export_made_to_measure, export_routines

    lib = library()
    routine = asked_options(**asked)
    to_measure = made_to_measure(routine, named=bool(routine_ids) or all_routines)
    if not to_measure and all_routines == bool(routine_ids):
        raise click.UsageError("name one or more routines, give --all, or give --focus to build one to measure")
    ids = list(lib.routines) if all_routines else list(routine_ids)
    with tempfile.TemporaryDirectory(prefix="stretch-coach-clips-") as scratch:
        voice = VoiceSettings(model=voice_model, pace_wpm=pace, accent=accent, slow=slow)
        options = ExportOptions(engine=engine, voice=voice, routine=routine, rate=int(rate), bitrate=bitrate,
                                split=split, cache=ClipCache(Path(scratch)) if no_cache else ClipCache())
        results = [export_made_to_measure(lib, out, options)] if to_measure else export_routines(lib, ids, out, options)
        for result in results:
            minutes_, seconds = divmod(round(result.duration_s), 60)
            click.echo(f"{result.mp3}  {minutes_}:{seconds:02d}  ({result.synthesized} new clips)")


@main.command()
@click.argument("destination", metavar="s3://BUCKET/PREFIX")
@click.argument("routine_ids", metavar="[ROUTINE]...", nargs=-1)
@click.option("--engine", type=click.Choice(list(ENGINES)), default=DEFAULT_ENGINE, show_default=True,
              help=ENGINE_HELP)
@reports_errors
def publish(destination, routine_ids, engine):
    """Render every routine (or only ROUTINE...) and upload its MP3, cue sheet and captions to S3 under
    PREFIX/audio/, where the skill on Lambda streams them from. Unchanged files are not sent again.
    Credentials and endpoint come from boto3's usual settings (AWS_PROFILE, AWS_ENDPOINT_URL, ...)."""
    from coach.publish import Destination, PublishError, publish as publish_to_s3
    from exporter.export import ExportOptions

    lib = library()
    ids = list(routine_ids) or list(lib.routines)
    try:
        bucket = Destination.parse(destination).bucket
        done = publish_to_s3(lib, ids, destination, ExportOptions(engine=engine))
    except PublishError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_FAILED)
    for upload, sent in done:
        click.echo(f"{'uploaded ' if sent else 'unchanged'}  s3://{bucket}/{upload.key}  ({upload.content_type})")


@main.group()
def cache() -> None:
    """The clip cache: every phrase synthesized once per voice."""


@cache.command("clear")
def cache_clear() -> None:
    """Remove every cached clip."""
    from exporter.cache import ClipCache

    store = ClipCache()
    click.echo(f"removed {store.clear()} clips from {store.root}")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--engine", type=click.Choice(list(ENGINES)), default=DEFAULT_ENGINE, show_default=True,
              help="Voice for the phone library's MP3s. " + ENGINE_HELP)
@click.option("--audio-dir", type=click.Path(file_okay=False, path_type=Path), default=Path("audio/out"),
              show_default=True, help="Where the phone library keeps its MP3s.")
@click.option("--no-verify", is_flag=True,
              help="Accept unsigned Alexa requests. For local testing only: never expose this to the internet.")
def serve(host: str, port: int, engine: str, audio_dir: Path, no_verify: bool) -> None:
    """Serve the skill at POST /alexa and the phone library at / (play, download, podcast feed) on
    gunicorn. Stop it with Ctrl-C or SIGTERM: requests in flight get a few seconds to finish."""
    from coach.app import create_app
    from coach.server import Server

    if no_verify:
        click.secho("WARNING: Alexa request verification is OFF (--no-verify). Anyone who can reach this "
                    "server can send it requests. Use this only for local testing.", fg="red", bold=True, err=True)
    config = {"AUDIO_DIR": str(audio_dir.resolve()), "EXPORT_ENGINE": engine, "ALEXA_VERIFY": not no_verify,
              "RENDER_ON_START": True}
    Server(lambda: create_app(config), host, port).run()


def run() -> None:
    """The `stretch-coach` command: the CLI, in a process that ends when it does."""
    try:
        main()
    finally:
        # Objects frozen now are skipped by the collections on the way out, which took 70 ms of
        # every command to free memory the system takes back anyway.
        gc.freeze()
