"""The clip cache: each distinct phrase is synthesized once per voice and sample rate.

Clips are stored as WAV files named by a hash of voice, rate and text, written to a temporary file
and renamed, so two exports running at once, or an export stopped halfway, never leave a torn clip.
An empty or unreadable entry is treated as missing and made again; a good entry is never replaced.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import wave
from pathlib import Path

import numpy as np
import platformdirs


def default_cache_dir() -> Path:
    return Path(os.environ.get("STRETCH_COACH_CACHE") or platformdirs.user_cache_dir("stretch-coach")) / "clips"


class ClipCache:
    def __init__(self, root: Path | None = None):
        self.root = Path(root) if root else default_cache_dir()

    def path(self, voice: str, rate: int, text: str) -> Path:
        key = hashlib.sha256(f"{voice}\n{rate}\n{text}".encode()).hexdigest()
        return self.root / key[:2] / f"{key}.wav"

    def get(self, voice: str, rate: int, text: str) -> np.ndarray | None:
        path = self.path(voice, rate, text)
        try:
            with wave.open(str(path), "rb") as wav:
                if (wav.getnchannels(), wav.getsampwidth(), wav.getframerate()) != (1, 2, rate):
                    return None
                frames = wav.readframes(wav.getnframes())
        except (OSError, EOFError, wave.Error):
            return None
        samples = np.frombuffer(frames, dtype=np.int16)
        return samples if samples.size else None

    def put(self, voice: str, rate: int, text: str, samples: np.ndarray) -> np.ndarray:
        """Store a clip unless another export stored one first; returns the clip the cache now holds.

        Entries never change once written (the first writer wins): an export that has planned
        around a clip's length can rely on reading the same clip back later."""
        path = self.path(voice, rate, text)
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".part")
        try:
            with os.fdopen(handle, "wb") as raw, wave.open(raw, "wb") as wav:
                wav.setnchannels(1)
                wav.setsampwidth(2)
                wav.setframerate(rate)
                wav.writeframes(samples.astype("<i2").tobytes())
            try:
                os.link(temporary, path)
            except FileExistsError:
                existing = self.get(voice, rate, text)
                if existing is not None:
                    return existing
                os.replace(temporary, path)  # the entry there was empty or corrupt
            return samples
        finally:
            Path(temporary).unlink(missing_ok=True)

    def clear(self) -> int:
        """Remove every cached clip; returns how many there were."""
        count = sum(1 for _ in self.root.rglob("*.wav")) if self.root.exists() else 0
        shutil.rmtree(self.root, ignore_errors=True)
        return count
