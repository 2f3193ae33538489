"""The project's own chimes, synthesized: no third-party sound files.

'switch' rises over two notes (change sides); 'end' is one soft bell (the hold is over). Their
lengths are the ones the Script plans with, so the estimate and the audio agree."""

from __future__ import annotations

import numpy as np

from content.script import CHIME_S

PEAK = 0.5


def _bell(frequency: float, seconds: float, rate: int) -> np.ndarray:
    t = np.arange(int(round(seconds * rate)), dtype=np.float32) / rate
    tone = np.sin(2 * np.pi * frequency * t) + 0.3 * np.sin(2 * np.pi * 2 * frequency * t)
    return tone * np.exp(-t * 6.0)


def chime(name: str, rate: int) -> np.ndarray:
    total = int(round(CHIME_S[name] * rate))
    if name == "switch":
        half = total // 2
        wave = np.concatenate([_bell(587.33, half / rate, rate), _bell(880.0, (total - half) / rate, rate)])
    else:
        wave = _bell(659.25, total / rate, rate)
    attack = int(rate * 0.004)
    wave[:attack] *= np.linspace(0, 1, attack)
    wave[-attack:] *= np.linspace(1, 0, attack)
    wave = wave / np.abs(wave).max() * PEAK
    return (wave * 32767).round().astype(np.int16)
