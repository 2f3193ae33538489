"""The clip cache: each distinct phrase is synthesized once per voice and sample rate.

An entry is one file holding the samples, their length and checksum, the phrase and voice it was
made for, and its loudness analysis (exporter/loudness.py), so a warm export reads, places and
encodes without measuring anything again. An entry that is truncated, zeroed, made for another
phrase or voice, or fails its checksum is treated as missing and made again. Entries are written to
a temporary file and linked into place; a good entry is never replaced (the first writer wins), so
an export that planned around a clip's length reads the same clip back later.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import platformdirs

from exporter.loudness import cumulative_energy, true_peak

SUFFIX = ".clip.npz"


def default_cache_dir() -> Path:
    return Path(os.environ.get("STRETCH_COACH_CACHE") or platformdirs.user_cache_dir("stretch-coach")) / "clips"


@dataclass(frozen=True)
class ClipInfo:
    """What a render needs to know of a clip before it mixes a single sample."""

    length: int  # samples
    energy: np.ndarray  # running K-weighted energy every loudness.energy_step(rate) samples
    true_peak: float  # fraction of full scale


@dataclass(frozen=True)
class Clip:
    samples: np.ndarray  # mono int16 at the cache's rate
    info: ClipInfo


def analysed(samples: np.ndarray, rate: int) -> Clip:
    return Clip(samples, ClipInfo(len(samples), cumulative_energy(samples, rate), true_peak(samples)))


def _checksum(samples: np.ndarray) -> str:
    return hashlib.sha256(np.ascontiguousarray(samples, dtype="<i2").data).hexdigest()


class ClipCache:
    def __init__(self, root: Path | None = None):
        self.root = Path(root) if root else default_cache_dir()

    def path(self, voice: str, rate: int, text: str) -> Path:
        key = hashlib.sha256(f"{voice}\n{rate}\n{text}".encode()).hexdigest()
        return self.root / key[:2] / f"{key}{SUFFIX}"

    def get(self, voice: str, rate: int, text: str) -> Clip | None:
        """The clip, or None when there is none or the entry is not exactly what was stored for this phrase."""
        try:
            with np.load(self.path(voice, rate, text), allow_pickle=False) as entry:
                meta = json.loads(str(entry["meta"]))
                samples, energy = entry["samples"], entry["energy"]
        except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile):
            return None
        expected = {"voice": voice, "rate": rate, "text": text, "length": int(samples.size),
                    "sha256": _checksum(samples)}
        if any(meta.get(field) != value for field, value in expected.items()) or samples.size == 0:
            return None
        return Clip(samples.astype(np.int16, copy=False), ClipInfo(int(samples.size), energy, float(meta["true_peak"])))

    def put(self, voice: str, rate: int, text: str, samples: np.ndarray) -> Clip:
        """Analyse and store a clip unless another export stored a good one first; returns the clip
        the cache now holds."""
        clip = analysed(samples.astype(np.int16), rate)
        meta = {"voice": voice, "rate": rate, "text": text, "length": clip.info.length,
                "sha256": _checksum(clip.samples), "true_peak": clip.info.true_peak}
        path = self.path(voice, rate, text)
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".part")
        try:
            with os.fdopen(handle, "wb") as raw:
                np.savez(raw, samples=clip.samples, energy=clip.info.energy, meta=np.array(json.dumps(meta)))
            try:
                os.link(temporary, path)
            except FileExistsError:
                existing = self.get(voice, rate, text)
                if existing is not None:
                    return existing
                os.replace(temporary, path)  # the entry there was damaged
            return clip
        finally:
            Path(temporary).unlink(missing_ok=True)

    def clear(self) -> int:
        """Remove every cached clip; returns how many there were."""
        count = sum(1 for _ in self.root.rglob(f"*{SUFFIX}")) if self.root.exists() else 0
        shutil.rmtree(self.root, ignore_errors=True)
        return count
