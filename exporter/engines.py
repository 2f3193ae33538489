"""Text-to-speech engines: Google's (gTTS) and the offline espeak-ng voice.

An engine turns one sentence into mono int16 samples. Its `voice` string names everything that
changes the sound, so the clip cache never serves one voice's clip to another.
"""

from __future__ import annotations

import logging
import random
import time
from dataclasses import dataclass, field
from typing import Callable

import numpy as np
import requests

from exporter.errors import ExportError

log = logging.getLogger(__name__)

GTTS_ACCENTS = ("com", "co.uk", "com.au", "ca", "co.in", "ie", "co.za")
GTTS_TIMEOUT = (3.05, 10.0)  # connect, read: Google answers in well under a second when it answers at all
RETRY_STATUSES = {429, 500, 502, 503, 504}


@dataclass
class EspeakEngine:
    name: str = "espeak"
    voice_name: str = "en-us"
    words_per_minute: int = 150

    @property
    def voice(self) -> str:
        return f"espeak:{self.voice_name}:{self.words_per_minute}"

    def synthesize(self, text: str) -> tuple[np.ndarray, int]:
        from exporter.espeak import Espeak, EspeakUnavailable

        try:
            espeak = Espeak.get()
            return espeak.synthesize(text, self.voice_name, self.words_per_minute), espeak.sample_rate
        except EspeakUnavailable as exc:
            raise ExportError(str(exc)) from exc


@dataclass
class GttsEngine:
    """Google's voice through gTTS, with a timeout, and retries with backoff when Google is busy."""

    accent: str = "com"
    slow: bool = False
    retries: int = 4
    backoff_s: float = 0.5
    sleep: Callable[[float], None] = field(default=time.sleep, repr=False)
    name: str = "gtts"

    def __post_init__(self) -> None:
        if self.accent not in GTTS_ACCENTS:
            raise ExportError(f"unknown accent '{self.accent}'; choose one of {', '.join(GTTS_ACCENTS)}")

    @property
    def voice(self) -> str:
        return f"gtts:en:{self.accent}:{'slow' if self.slow else 'normal'}"

    def fetch_mp3(self, text: str) -> bytes:
        from gtts import gTTS, gTTSError

        for attempt in range(self.retries + 1):
            try:
                data = b"".join(gTTS(text, lang="en", tld=self.accent, slow=self.slow, timeout=GTTS_TIMEOUT).stream())
            except gTTSError as exc:
                status = getattr(exc.rsp, "status_code", None)
                if status in RETRY_STATUSES and attempt < self.retries:
                    delay = self.backoff_s * 2 ** attempt * (1 + random.random())
                    log.info("Google TTS answered %s; retrying in %.1f s", status, delay)
                    self.sleep(delay)
                    continue
                if status is None:
                    raise self._unreachable(exc.__context__ or exc) from exc
                raise ExportError(f"Google's text-to-speech refused the request (HTTP {status}): {exc}") from exc
            except requests.RequestException as exc:
                raise self._unreachable(exc) from exc
            if not data:
                raise ExportError(f"Google's text-to-speech sent no audio for {text[:40]!r}")
            return data
        raise AssertionError("unreachable: the last attempt returns or raises")

    def _unreachable(self, cause: BaseException) -> ExportError:
        host = f"translate.google.{self.accent}"
        if isinstance(cause, requests.Timeout):
            why = f"no answer from {host} within {GTTS_TIMEOUT[1]:g} s"
        elif isinstance(cause, requests.ConnectionError):
            why = f"cannot connect to {host}"
        else:
            why = str(cause)
        return ExportError(f"Google's text-to-speech is unreachable ({why}). Use --engine espeak for the offline voice.")

    def synthesize(self, text: str) -> tuple[np.ndarray, int]:
        from exporter.audio import decode_mp3

        try:
            return decode_mp3(self.fetch_mp3(text))
        except Exception as exc:
            if isinstance(exc, ExportError):
                raise
            raise ExportError(f"Google's text-to-speech sent audio that cannot be decoded: {exc}") from exc


def choose_engine(name: str, accent: str = "com", slow: bool = False,
                  notice: Callable[[str], None] = print) -> EspeakEngine | GttsEngine:
    """The engine for a whole run: 'auto' asks Google once and falls back to the offline voice."""
    if name == "espeak":
        return EspeakEngine()
    engine = GttsEngine(accent=accent, slow=slow)
    if name == "gtts":
        return engine
    try:
        GttsEngine(accent=accent, slow=slow, retries=0).fetch_mp3("Ready.")
        return engine
    except ExportError as exc:
        notice(f"note: {str(exc).split('. Use')[0]}; using the offline voice instead.")
        return EspeakEngine()
