"""The phone library: a page to play and download every routine, the MP3s themselves (rendered in
the background from start-up, then served from disk with range requests), and a podcast feed."""

from __future__ import annotations

import json
from pathlib import Path

from feedgen.feed import FeedGenerator
from flask import Blueprint, Response, abort, current_app, render_template, request, send_file, url_for

from content import Catalog, ContentError
from exporter.errors import ExportError
from exporter.library import AudioLibrary

bp = Blueprint("library", __name__, template_folder="templates", static_folder="static",
               static_url_path="/library-static")


def _catalog() -> Catalog:
    return current_app.extensions["stretch_coach_catalog"]


def _audio() -> AudioLibrary:
    return current_app.extensions["stretch_coach_audio"]


def _rendered(routine_id: str) -> Path:
    """The routine's MP3, or 404 for an unknown routine, or 503 when it cannot be made now."""
    try:
        _catalog().library.routine(routine_id)
    except ContentError:
        abort(404, description=f"There is no routine called {routine_id!r}.")
    try:
        return _audio().ensure(routine_id)
    except ExportError as exc:
        current_app.logger.error("could not render %s: %s", routine_id, exc)
        abort(503, description="The audio could not be made just now. Please try again in a minute.")


def _listing() -> list[dict]:
    library, audio = _catalog().library, _audio()
    return [{"id": row.id, "title": row.heading, "description": row.description,
             "minutes": round(row.duration_s / 60), "exercises": [library.exercise(e).name for e in row.exercises],
             "rendered": audio.ready(row.id)}
            for row in _catalog().listings()]


@bp.get("/")
def index():
    return render_template("library.html", routines=_listing(), safety=_catalog().library.safety)


@bp.get("/ready.json")
def ready():
    """Which routines can be played at once; the page asks while some are still being made."""
    return {row.id: _audio().ready(row.id) for row in _catalog().listings()}


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
    """Every routine ready to play, with its real size; links from the configured public URL, and
    from the request's own address only when none is configured."""
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
    for row in reversed([row for row in _listing() if row["rendered"]]):
        mp3 = _audio().mp3(row["id"])
        entry = feed.add_entry()
        url = base + url_for("library.audio", routine_id=row["id"])
        entry.id(url)
        entry.title(row["title"])
        entry.description(f"{row['description']} About {row['minutes']} minutes: {', '.join(row['exercises'])}.")
        entry.enclosure(url, str(mp3.stat().st_size), "audio/mpeg")
        sheet = json.loads(mp3.with_suffix(".cues.json").read_text(encoding="utf-8"))
        entry.podcast.itunes_duration(round(sheet["duration_s"]))
    return Response(feed.rss_str(pretty=True), mimetype="application/rss+xml")
