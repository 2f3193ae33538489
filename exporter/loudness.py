"""Loudness and peak of one clip, measured once when it enters the cache (ITU-R BS.1770).

A clip's K-weighted energy is kept as a running sum every ENERGY_STEP samples, so a whole file's
integrated loudness is found later by laying those sums onto its timeline, without filtering or
even reading the audio again. True peak is measured on the clip four times oversampled.
"""

from __future__ import annotations

import math

import numpy as np

ENERGY_STEP_S = 0.01  # resolution of a clip's stored energy: timeline blocks are 100 ms
FILTER_TAIL_S = 0.05  # the K-weighting filters ring on briefly after a clip ends
OVERSAMPLE = 4
LIMITER_WINDOW_S = 0.004


def _high_shelf(rate: int, fc: float = 1500.0, gain_db: float = 4.0, q: float = 1 / math.sqrt(2)):
    """The first K-weighting stage: the head's acoustic effect, a +4 dB shelf above about 1.5 kHz."""
    a = 10 ** (gain_db / 40)
    w0 = 2 * math.pi * fc / rate
    alpha, cos = math.sin(w0) / (2 * q), math.cos(w0)
    root = 2 * math.sqrt(a) * alpha
    b = [a * ((a + 1) + (a - 1) * cos + root), -2 * a * ((a - 1) + (a + 1) * cos), a * ((a + 1) + (a - 1) * cos - root)]
    den = [(a + 1) - (a - 1) * cos + root, 2 * ((a - 1) - (a + 1) * cos), (a + 1) - (a - 1) * cos - root]
    return np.array(b) / den[0], np.array(den) / den[0]


def _high_pass(rate: int, fc: float = 38.0, q: float = 0.5):
    """The second K-weighting stage (RLB): low rumble does not count towards loudness."""
    w0 = 2 * math.pi * fc / rate
    alpha, cos = math.sin(w0) / (2 * q), math.cos(w0)
    b = [(1 + cos) / 2, -(1 + cos), (1 + cos) / 2]
    den = [1 + alpha, -2 * cos, 1 - alpha]
    return np.array(b) / den[0], np.array(den) / den[0]


def energy_step(rate: int) -> int:
    return int(round(rate * ENERGY_STEP_S))


def cumulative_energy(samples: np.ndarray, rate: int) -> np.ndarray:
    """Running sum of the clip's K-weighted squared signal (full scale = 1) at every `energy_step`
    samples, from 0 to past the end of the filter's tail."""
    from scipy.signal import lfilter

    step = energy_step(rate)
    length = len(samples) + int(rate * FILTER_TAIL_S)
    length += -length % step  # whole steps, so entry k is the energy of the first k * step samples
    x = np.zeros(length)
    x[:len(samples)] = samples / 32768
    for b, a in (_high_shelf(rate), _high_pass(rate)):
        x = lfilter(b, a, x)
    running = np.concatenate([[0.0], np.cumsum(x * x)])
    return running[::step]


def true_peak(samples: np.ndarray) -> float:
    """The highest level between samples too, as a fraction of full scale."""
    from scipy.signal import resample_poly

    if samples.size == 0:
        return 0.0
    x = samples.astype(np.float64) / 32768
    return float(max(np.abs(x).max(), np.abs(resample_poly(x, OVERSAMPLE, 1)).max()))


def clip_loudness(samples: np.ndarray, rate: int) -> float:
    """The loudness of one short clip (LUFS): its K-weighted power over the whole clip, ungated,
    since a sentence of speech has no long silences to gate out."""
    energy = cumulative_energy(samples, rate)
    if energy[-1] <= 0:
        return float("-inf")
    return -0.691 + 10 * math.log10(energy[-1] / max(1, len(samples)))


def mastered(samples: np.ndarray, rate: int, loudness: float, ceiling: float) -> np.ndarray:
    """The clip brought to `loudness` LUFS with its true peak held under `ceiling` (a fraction of
    full scale) by a smooth look-ahead gain, done once when the clip enters the cache so no limiter
    runs on the whole file later."""
    from scipy.ndimage import minimum_filter1d, uniform_filter1d
    from scipy.signal import resample_poly

    measured = clip_loudness(samples, rate)
    if not math.isfinite(measured):
        return samples
    x = samples.astype(np.float64) / 32768 * 10 ** ((loudness - measured) / 20)
    over = np.abs(resample_poly(x, OVERSAMPLE, 1)).reshape(-1, OVERSAMPLE).max(axis=1)[:len(x)]
    needed = np.minimum(1.0, ceiling / np.maximum(np.maximum(over, np.abs(x)), 1e-12))
    window = max(1, int(rate * LIMITER_WINDOW_S))
    # A minimum over two windows then an average over one never lets the gain rise above what a
    # sample needs, and turns each reduction into a short, smooth dip rather than a click.
    gain = uniform_filter1d(minimum_filter1d(needed, 2 * window + 1), window)
    return np.clip(np.round(x * gain * 32767), -32768, 32767).astype(np.int16)
