"""Loudness and peak of one clip, measured once when it enters the cache (ITU-R BS.1770).

A clip's K-weighted energy is kept as a running sum every ENERGY_STEP samples, so a whole file's
integrated loudness is found later by laying those sums onto its timeline, without filtering or
even reading the audio again. True peak is measured between samples too, four times oversampled.
"""

from __future__ import annotations

import functools
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


def fast_length(n: int) -> int:
    """The least length at or above n whose only prime factors are 2, 3 and 5: numpy's FFT is quick
    and lean there, and slow and memory-hungry at a length with a large prime factor."""
    m = max(1, n)
    while True:
        rest = m
        for prime in (2, 3, 5):
            while rest % prime == 0:
                rest //= prime
        if rest == 1:
            return m
        m += 1


@functools.lru_cache(maxsize=1)
def _k_response(rate: int, n: int) -> np.ndarray:
    """Both K-weighting stages' frequency response at the bins of an n-point real FFT, as one
    fourth-order filter. The last one is kept: a clip is K-weighted twice at one length (to master
    it, then to store its energy), and evaluating the response costs more than the FFTs."""
    (shelf_b, shelf_a), (pass_b, pass_a) = _high_shelf(rate), _high_pass(rate)
    b, a = np.convolve(shelf_b, pass_b), np.convolve(shelf_a, pass_a)
    z = np.exp(-1j * np.pi * np.arange(n // 2 + 1) / (n // 2))
    return np.polyval(b[::-1], z) / np.polyval(a[::-1], z)


def _k_weighted(x: np.ndarray, rate: int) -> np.ndarray:
    """The signal through both K-weighting stages. Filtered in the frequency domain (numpy's FFT),
    which equals the filters run in time once the signal carries a tail of silence long enough for
    them to ring out; it spares loading scipy, which costs a second and 80 MB."""
    n = fast_length(len(x))
    return np.fft.irfft(np.fft.rfft(x, n) * _k_response(rate, n), n)[:len(x)]


# True peak by BS.1770's method: the values between samples, at OVERSAMPLE - 1 points, each from a
# short windowed-sinc interpolator run over the clip. It needs a few clip-length arrays at most, where
# an FFT of the clip at four times its length needed over 100 MB for a minute of speech.
INTERPOLATOR_HALF_TAPS = 12


def _interpolator(fraction: float) -> np.ndarray:
    """Taps giving the value `fraction` of the way from sample n to n + 1, from samples n - 11 ... n + 12."""
    offsets = np.arange(-INTERPOLATOR_HALF_TAPS + 1, INTERPOLATOR_HALF_TAPS + 1) - fraction
    taps = np.sinc(offsets) * np.kaiser(2 * INTERPOLATOR_HALF_TAPS, 8.0)
    return taps / taps.sum()


def sample_peaks(x: np.ndarray) -> np.ndarray:
    """For each sample, the largest magnitude at it or between it and the next sample."""
    peaks = np.abs(x)
    padded = np.pad(x, (INTERPOLATOR_HALF_TAPS - 1, INTERPOLATOR_HALF_TAPS))
    for step in range(1, OVERSAMPLE):
        np.maximum(peaks, np.abs(np.correlate(padded, _interpolator(step / OVERSAMPLE), "valid")), out=peaks)
    return peaks


def resampled(x: np.ndarray, from_rate: int, to_rate: int) -> np.ndarray:
    """A clip at another rate, band-limited to the lower of the two rates (by its spectrum)."""
    n_out = int(round(len(x) * to_rate / from_rate))
    g = math.gcd(from_rate, to_rate)
    up, down = to_rate // g, from_rate // g
    n = down * fast_length(-(-len(x) // down))  # padded so both lengths are whole and quick
    padded_out = n // down * up
    spectrum = np.fft.rfft(x, n)[:padded_out // 2 + 1]
    return np.fft.irfft(spectrum, padded_out)[:n_out] * (padded_out / n)


def energy_step(rate: int) -> int:
    return int(round(rate * ENERGY_STEP_S))


def cumulative_energy(samples: np.ndarray, rate: int) -> np.ndarray:
    """Running sum of the clip's K-weighted squared signal (full scale = 1) at every `energy_step`
    samples, from 0 to past the end of the filter's tail."""
    step = energy_step(rate)
    length = len(samples) + int(rate * FILTER_TAIL_S)
    length += -length % step  # whole steps, so entry k is the energy of the first k * step samples
    x = np.zeros(length)
    x[:len(samples)] = samples / 32768
    x = _k_weighted(x, rate)
    running = np.concatenate([[0.0], np.cumsum(x * x)])
    return running[::step].copy()  # a copy: a view would keep the whole running sum alive with the clip


def true_peak(samples: np.ndarray) -> float:
    """The highest level between samples too, as a fraction of full scale."""
    if samples.size == 0:
        return 0.0
    return float(sample_peaks(samples.astype(np.float64) / 32768).max())


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
    measured = clip_loudness(samples, rate)
    if not math.isfinite(measured):
        return samples
    x = samples.astype(np.float64) / 32768 * 10 ** ((loudness - measured) / 20)
    needed = np.minimum(1.0, ceiling / np.maximum(sample_peaks(x), 1e-12))
    window = max(1, int(rate * LIMITER_WINDOW_S))
    # The least gain any sample within a window either side needs (from the minima of whole
    # windows: this block and its neighbours), then averaged over a window: never more gain than
    # a sample needs, and each reduction a short, smooth dip rather than a click. Averaging a
    # function that steps once a window over one window is interpolating linearly between steps.
    blocks = np.pad(needed, (0, -len(needed) % window), constant_values=1.0).reshape(-1, window).min(axis=1)
    around = np.minimum(blocks, np.minimum(np.r_[1.0, blocks[:-1]], np.r_[blocks[1:], 1.0]))
    lead = window - window // 2 - 1  # samples of the averaging window before the sample itself
    gain = np.interp((np.arange(len(needed)) - lead) / window, np.arange(len(around)), around)
    return np.clip(np.round(x * gain * 32767), -32768, 32767).astype(np.int16)
