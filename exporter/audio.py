"""Small operations on mono int16 clips: trim silence, fade the edges, resample, decode an MP3."""

from __future__ import annotations

import io
import shutil
import warnings

import numpy as np

from exporter.loudness import resampled

# Quieter than this counts as silence when trimming: -50 dBFS.
SILENCE_LEVEL = 32767 * 10 ** (-50 / 20)
FADE_S = 0.005


def ffmpeg_path() -> str:
    """A system ffmpeg when there is one, else the one in the imageio-ffmpeg wheel."""
    found = shutil.which("ffmpeg")
    if found:
        return found
    import imageio_ffmpeg

    return imageio_ffmpeg.get_ffmpeg_exe()


def trim_silence(samples: np.ndarray) -> np.ndarray:
    loud = np.flatnonzero(np.abs(samples.astype(np.int32)) > SILENCE_LEVEL)
    if loud.size == 0:
        return samples[:0]
    return samples[loud[0]:loud[-1] + 1]


def fade_edges(samples: np.ndarray, rate: int) -> np.ndarray:
    """Short fades at both ends so a clip never starts or stops with a click."""
    n = min(len(samples) // 2, int(rate * FADE_S))
    if n == 0:
        return samples
    out = samples.astype(np.float32)
    ramp = np.linspace(0.0, 1.0, n, dtype=np.float32)
    out[:n] *= ramp
    out[-n:] *= ramp[::-1]
    return out.round().astype(np.int16)


def resample(samples: np.ndarray, from_rate: int, to_rate: int) -> np.ndarray:
    if from_rate == to_rate:
        return samples
    out = resampled(samples.astype(np.float32), from_rate, to_rate)  # single precision: ample for 16 bits, half the memory
    return np.clip(out, -32768, 32767).round().astype(np.int16)


def decode_mp3(data: bytes) -> tuple[np.ndarray, int]:
    """Mono int16 samples and their rate, decoded with pydub through ffmpeg."""
    with warnings.catch_warnings():
        # pydub looks for ffmpeg on PATH when imported and warns if absent; we hand it one below.
        warnings.simplefilter("ignore")
        from pydub import AudioSegment

    AudioSegment.converter = ffmpeg_path()
    segment = AudioSegment.from_file(io.BytesIO(data), format="mp3", codec="mp3")
    segment = segment.set_channels(1).set_sample_width(2)
    return np.frombuffer(segment.raw_data, dtype=np.int16).copy(), segment.frame_rate


def prepare_clip(samples: np.ndarray, from_rate: int, to_rate: int) -> np.ndarray:
    """What every TTS clip goes through before it is cached: resampled, trimmed tight, edges faded."""
    return fade_edges(trim_silence(resample(samples, from_rate, to_rate)), to_rate)
