"""The phone library: a page to play and download every routine, the MP3s themselves (rendered in
the background from start-up, then served from disk with range requests), a podcast feed, and a
form that makes a routine to measure and plays it once it is rendered."""

from __future__ import annotations

import json
from pathlib import Path

from feedgen.feed import FeedGenerator
from flask import Blueprint, Response, abort, current_app, render_template, request, send_file, url_for

from content import Catalog, ContentError, Listing, RoutineOptions
from content.options import AVOID_CHOICES, FOCUS_CHOICES, MINUTES_RANGE
from content.spoken import target_words
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
    if not (_audio().known(routine_id) or _audio().ready(routine_id)):
        abort(404, description=f"There is no routine called {routine_id!r}.")
    try:
        return _audio().ensure(routine_id)
    except ExportError as exc:
        current_app.logger.error("could not render %s: %s", routine_id, exc)
        abort(503, description="The audio could not be made just now. Please try again in a minute.")


def _row(listing: Listing) -> dict:
    return {"id": listing.id, "title": listing.heading, "description": listing.description,
            "minutes": round(listing.duration_s / 60),
            "exercises": [_catalog().library.exercise(e).name for e in listing.exercises],
            "rendered": _audio().ready(listing.id)}


def _listing() -> list[dict]:
    return [_row(listing) for listing in _catalog().listings()]


# The form's labels for what can be left out (the choices themselves live in content.options).
AVOID_LABELS = {"kneeling": "kneeling", "floor": "getting down to the floor", "strap": "a strap", "wall": "a wall",
                "chair": "a chair"}
DEFAULT_FORM_MINUTES = 15


def _form(asked: dict) -> dict:
    """The made-to-measure form, filled in with what was asked."""
    return {"focus_choices": [(t, target_words(t)) for t in FOCUS_CHOICES],
            "avoid_choices": [(a, AVOID_LABELS[a]) for a in AVOID_CHOICES],
            "minutes_range": MINUTES_RANGE, "focus": asked.get("focus", []), "avoid": asked.get("avoid", []),
            "minutes": asked.get("minutes", DEFAULT_FORM_MINUTES)}


def _page(template: str, asked: dict | None = None, **values) -> str:
    return render_template(template, safety=_catalog().library.safety, form=_form(asked or {}),
                           play_when_ready=False, **values)


@bp.get("/")
def index():
    return _page("library.html", routines=_listing())


@bp.get("/made-to-measure")
def made_to_measure():
    """A routine made to measure from the form's focus, minutes and avoid: the page shows it at
    once and plays it when its audio is ready. A request that cannot be met is a 400 saying why
    and what can be done."""
    asked = {"focus": request.args.getlist("focus"), "avoid": request.args.getlist("avoid"),
             "minutes": request.args.get("minutes", "").strip()}
    try:
        options = RoutineOptions.parse(focus=asked["focus"], avoid=asked["avoid"], minutes=asked["minutes"] or None)
        listing = _audio().ask(options)
    except ContentError as exc:
        problem = "; ".join(f"{p.field.split('.')[0]}: {p.message}" if p.file == "options" else p.message
                            for p in exc.problems)
        return _page("made_to_measure.html", asked, routine=None, problem=problem[:1].upper() + problem[1:] + "."), 400
    return _page("made_to_measure.html", asked, routine=_row(listing), problem=None)


@bp.get("/ready.json")
def ready():
    """Which routines (and routines made to measure) can be played at once; the page asks while
    some are still being made."""
    ids = [row.id for row in _catalog().listings()] + _audio().made_to_measure_ids()
    return {routine_id: _audio().ready(routine_id) for routine_id in ids}


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
