"""The phone library: a page to play and download every routine, the MP3s themselves (rendered on
first request, then served from disk with range requests), and a podcast feed."""

from __future__ import annotations

import threading
from pathlib import Path

from feedgen.feed import FeedGenerator
from flask import Blueprint, Response, abort, current_app, render_template, request, send_file, url_for

from content import ContentError, Library, compile_routine, load_library
from content.spoken import heading
from exporter.errors import ExportError
from exporter.export import ExportOptions, Exporter

bp = Blueprint("library", __name__, template_folder="templates", static_folder="static",
               static_url_path="/library-static")

_render_locks: dict[str, threading.Lock] = {}
_locks_guard = threading.Lock()


def _library() -> Library:
    if "STRETCH_COACH_LIBRARY" not in current_app.extensions:
        current_app.extensions["STRETCH_COACH_LIBRARY"] = load_library()
    return current_app.extensions["STRETCH_COACH_LIBRARY"]


def _audio_dir() -> Path:
    return Path(current_app.config["AUDIO_DIR"])


def _rendered(routine_id: str) -> Path:
    """The routine's MP3, or 404 for an unknown routine, or 503 when it cannot be made now."""
    try:
        _library().routine(routine_id)
    except ContentError:
        abort(404, description=f"There is no routine called {routine_id!r}.")
    try:
        return ensure_rendered(routine_id)
    except ExportError as exc:
        current_app.logger.error("could not render %s: %s", routine_id, exc)
        abort(503, description="The audio could not be made just now. Please try again in a minute.")


def ensure_rendered(routine_id: str) -> Path:
    """The routine's MP3, rendered once; concurrent first requests wait for the one render."""
    mp3 = _audio_dir() / f"{routine_id}.mp3"
    if mp3.exists():
        return mp3
    with _locks_guard:
        lock = _render_locks.setdefault(routine_id, threading.Lock())
    with lock:
        if not mp3.exists():
            current_app.logger.info("rendering %s for the phone library", routine_id)
            options = ExportOptions(engine=current_app.config["EXPORT_ENGINE"], progress=False,
                                    notice=current_app.logger.info)
            Exporter(_library(), options).export(routine_id, mp3, track=list(_library().routines).index(routine_id) + 1)
    return mp3


def _listing() -> list[dict]:
    library, rows = _library(), []
    for routine in library.routines.values():
        script = compile_routine(library, routine.id)
        rows.append({"id": routine.id, "title": heading(routine.title),
                     "description": routine.description, "minutes": round(script.duration_s / 60),
                     "exercises": [library.exercise(e).name for e in script.exercise_ids()],
                     "rendered": (_audio_dir() / f"{routine.id}.mp3").exists()})
    return rows


@bp.get("/")
def index():
    return render_template("library.html", routines=_listing(), safety=_library().safety)


@bp.get("/audio/<routine_id>.mp3")
def audio(routine_id: str):
    mp3 = _rendered(routine_id)
    download = request.args.get("download") == "1"
    # conditional=True answers Range requests with 206 partial content, which phones need to seek.
    return send_file(mp3, mimetype="audio/mpeg", conditional=True, as_attachment=download,
                     download_name=f"stretch-coach-{routine_id}.mp3")


SIDECARS = {"cues.json": "application/json", "vtt": "text/vtt"}


@bp.get("/audio/<routine_id>.cues.json", defaults={"suffix": "cues.json"})
@bp.get("/audio/<routine_id>.vtt", defaults={"suffix": "vtt"})
def sidecar(routine_id: str, suffix: str):
    """The cue sheet (chapters for the page's jump list) and the captions."""
    mp3 = _rendered(routine_id)
    return send_file(mp3.with_suffix(f".{suffix}"), mimetype=SIDECARS[suffix], conditional=True)


@bp.get("/feed.xml")
def feed():
    base = (current_app.config.get("AUDIO_URL") or request.url_root).rstrip("/")
    feed = FeedGenerator()
    feed.load_extension("podcast")
    feed.title("Stretch Coach")
    feed.link(href=base + url_for("library.index"), rel="alternate")
    feed.description("Guided stretches for a tight lower back and hips, to follow with your eyes closed.")
    feed.language("en")
    feed.podcast.itunes_category("Health & Fitness", "Fitness")
    feed.podcast.itunes_author("Stretch Coach")
    feed.podcast.itunes_explicit("no")
    for row in reversed(_listing()):
        mp3 = _audio_dir() / f"{row['id']}.mp3"
        entry = feed.add_entry()
        url = base + url_for("library.audio", routine_id=row["id"])
        entry.id(url)
        entry.title(row["title"])
        entry.description(f"{row['description']} About {row['minutes']} minutes: {', '.join(row['exercises'])}.")
        entry.enclosure(url, str(mp3.stat().st_size if mp3.exists() else 0), "audio/mpeg")
        entry.podcast.itunes_duration(row["minutes"] * 60)
    return Response(feed.rss_str(pretty=True), mimetype="application/rss+xml")
