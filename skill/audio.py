"""Where a routine's published MP3 lives and where its chapters start, for continuous play.

The skill never renders audio: the MP3s and their cue sheets are published beforehand (the phone
library serves them, or `stretch-coach publish` puts them in S3), at
`STRETCH_COACH_AUDIO_URL` + `/audio/<id>.mp3` and `/audio/<id>.cues.json`. Chapter starts are read
from the cue sheet over HTTP(S) and kept in memory for a while, so "next" costs one fetch per
routine per warm instance, not one per request.
"""

from __future__ import annotations

import json
import os
import threading
import time
import urllib.parse

CUES_TTL_S = 600.0  # a re-published routine reaches warm instances within ten minutes
FETCH_TIMEOUT_S = 2.0  # the skill must answer within 8 s
LOOPBACK = {"127.0.0.1", "localhost", "::1"}


class AudioError(Exception):
    """The published audio cannot be found or read; carries the cause."""


def base_url() -> str:
    """STRETCH_COACH_AUDIO_URL without a trailing slash. Alexa streams HTTPS only; plain HTTP is
    accepted for loopback so the skill can be tried against a local server."""
    base = (os.environ.get("STRETCH_COACH_AUDIO_URL") or "").rstrip("/")
    if not base:
        raise AudioError("STRETCH_COACH_AUDIO_URL is not set, so there is no published audio to play")
    parts = urllib.parse.urlsplit(base)
    if parts.scheme != "https" and not (parts.scheme == "http" and parts.hostname in LOOPBACK):
        raise AudioError(f"STRETCH_COACH_AUDIO_URL must be an https:// address, not {base!r}")
    return base


def available() -> bool:
    try:
        base_url()
    except AudioError:
        return False
    return True


def stream_url(routine_id: str) -> str:
    """The MP3's address: the phone library's path, under the published base URL."""
    return f"{base_url()}/audio/{urllib.parse.quote(routine_id)}.mp3"


def cues_url(routine_id: str) -> str:
    return f"{base_url()}/audio/{urllib.parse.quote(routine_id)}.cues.json"


_cache: dict[str, tuple[float, list[int]]] = {}
_cache_lock = threading.Lock()


def chapter_starts(routine_id: str) -> list[int]:
    """Milliseconds at which each chapter of the routine's MP3 starts, from its cue sheet (cached)."""
    url = cues_url(routine_id)
    now = time.monotonic()
    with _cache_lock:
        hit = _cache.get(url)
    if hit and now - hit[0] < CUES_TTL_S:
        return hit[1]
    import urllib.request  # HTTP, TLS and email parsing load with the first fetch, not with every cold start

    try:
        with urllib.request.urlopen(url, timeout=FETCH_TIMEOUT_S) as answer:
            sheet = json.load(answer)
        starts = sorted({round(float(chapter["start_s"]) * 1000) for chapter in sheet["chapters"]})
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise AudioError(f"could not read the cue sheet at {url}: {exc}") from exc
    with _cache_lock:
        _cache[url] = (now, starts)
    return starts


def forget_cached() -> None:
    """Drop every cached cue sheet (after re-publishing in the same process, and in tests)."""
    with _cache_lock:
        _cache.clear()
