"""From a render plan to an MP3: the timeline is rendered in blocks, measured for loudness, then
streamed to ffmpeg, so memory stays flat however long the routine is."""

from __future__ import annotations

import subprocess
from typing import Callable, Iterator, Mapping

import numpy as np
import pyloudnorm
from scipy.signal import lfilter

from exporter.audio import ffmpeg_path
from exporter.errors import ExportError
from exporter.plan import Placement, RenderPlan

TARGET_LUFS = -19.0  # spoken word, mono
# ffmpeg's look-ahead limiter holds sample peaks here, leaving room for the peaks between samples
# and for what MP3 encoding adds, under the -1 dBTP ceiling.
LIMITER = "alimiter=limit=0.79:attack=5:release=50:level=false:latency=true"
BLOCK_S = 5
STEP_S = 0.1
FILTER_TAIL_S = 0.05
ABSOLUTE_GATE = -70.0
RELATIVE_GATE = -10.0

Clips = Mapping[tuple[str, str], np.ndarray]  # (kind, key) -> int16 samples


def blocks(plan: RenderPlan, clips: Clips, gains: Mapping[tuple[str, str], float],
           block_samples: int) -> Iterator[np.ndarray]:
    """The whole timeline, block by block, as float samples in [-1, 1]."""
    placements = sorted(plan.placements, key=lambda p: p.start)
    first = 0
    for block_start in range(0, plan.total, block_samples):
        block_end = min(plan.total, block_start + block_samples)
        out = np.zeros(block_end - block_start, dtype=np.float32)
        while first < len(placements) and placements[first].start + placements[first].length <= block_start:
            first += 1
        for placement in placements[first:]:
            if placement.start >= block_end:
                break
            _mix(out, block_start, block_end, placement, clips, gains)
        yield out


def _mix(out: np.ndarray, block_start: int, block_end: int, placement: Placement, clips: Clips, gains) -> None:
    key = (placement.kind, placement.key)
    lo, hi = max(block_start, placement.start), min(block_end, placement.start + placement.length)
    if lo < hi:
        source = clips[key][lo - placement.start:hi - placement.start]
        out[lo - block_start:hi - block_start] += source.astype(np.float32) * (gains[key] / 32768)


def step_energies(plan: RenderPlan, clips: Clips, kinds: tuple[str, ...]) -> np.ndarray:
    """K-weighted energy per 100 ms of the timeline, counting only placements of the given kinds.

    Placements never overlap, so the timeline's energy is the sum of its clips' energies: each
    distinct clip is filtered once (with a short tail for the filter to ring out) and its energy
    laid onto the 100 ms grid at every place it is used. That is exact for BS.1770 and far cheaper
    than filtering an hour of mostly silence."""
    step = int(round(plan.rate * STEP_S))
    stages = [(s.b, s.a, s.passband_gain) for s in pyloudnorm.Meter(plan.rate)._filters.values()]
    energy = np.zeros(plan.total // step + 2)
    by_key: dict[tuple[str, str], list[Placement]] = {}
    for placement in plan.placements:
        if placement.kind in kinds:
            by_key.setdefault((placement.kind, placement.key), []).append(placement)
    tail = np.zeros(int(plan.rate * FILTER_TAIL_S), dtype=np.float32)
    for key, placements in by_key.items():
        x = np.concatenate([clips[key].astype(np.float32) / 32768, tail])
        for b, a, gain in stages:
            x = lfilter(b, a, x).astype(np.float32)
            x *= gain
        np.square(x, out=x)
        running = np.zeros(len(x) + 1)
        np.cumsum(x, out=running[1:])
        for placement in placements:
            first, last = placement.start // step, (placement.start + len(x) - 1) // step
            edges = np.clip(np.arange(first, last + 2) * step - placement.start, 0, len(x))
            energy[first:last + 1] += np.diff(running[edges])
    return energy[:max(1, -(-plan.total // step))]


def gated_loudness(energy: np.ndarray, rate: int) -> float:
    """ITU-R BS.1770 integrated loudness from energies per 100 ms: 400 ms blocks overlapping by
    three quarters, an absolute gate at -70 LUFS, then a relative gate 10 LU below."""
    if len(energy) < 4:
        return float("-inf")
    power = np.convolve(energy, np.ones(4), mode="valid") / (4 * rate * STEP_S)
    with np.errstate(divide="ignore"):
        loudness = -0.691 + 10 * np.log10(power)
    audible = power[loudness >= ABSOLUTE_GATE]
    if audible.size == 0:
        return float("-inf")
    relative = -0.691 + 10 * np.log10(audible.mean()) + RELATIVE_GATE
    kept = power[(loudness > relative) & (loudness >= ABSOLUTE_GATE)]
    return float(-0.691 + 10 * np.log10(kept.mean()))


def loudness_gains(plan: RenderPlan, clips: Clips, fixed: Mapping[tuple[str, str], float],
                   target: float = TARGET_LUFS) -> dict[tuple[str, str], float]:
    """One gain for all speech that brings the whole file to the target loudness; the `fixed`
    sounds (chimes) keep their gains."""
    speech = step_energies(plan, clips, ("speech",))
    others = step_energies(plan, {key: clips[key] * gain for key, gain in fixed.items()}, ("chime",))
    gain = 1.0
    for _ in range(8):
        measured = gated_loudness(gain ** 2 * speech + others, plan.rate)
        if not np.isfinite(measured):
            raise ExportError("the render is silent: no speech was placed")
        if abs(measured - target) < 0.01:
            break
        gain *= 10 ** ((target - measured) / 20)
    return {key: gain for key in clips if key not in fixed} | dict(fixed)


def encode_mp3(plan: RenderPlan, clips: Clips, gains, path, bitrate: str = "64k",
               on_block: Callable[[int], None] | None = None) -> None:
    """Stream the timeline to ffmpeg as a mono, constant-bitrate MP3 at `path`."""
    command = [ffmpeg_path(), "-hide_banner", "-loglevel", "error", "-y", "-f", "f32le", "-ar", str(plan.rate),
               "-ac", "1", "-i", "pipe:0", "-af", LIMITER, "-c:a", "libmp3lame", "-b:a", bitrate, "-ac", "1", "-f", "mp3", str(path)]
    process = subprocess.Popen(command, stdin=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        for block in blocks(plan, clips, gains, BLOCK_S * plan.rate):
            # float32 into ffmpeg, so loud speech reaches the limiter whole instead of clipped at full scale
            process.stdin.write(block.astype("<f4").tobytes())
            if on_block:
                on_block(len(block))
        process.stdin.close()
        error = process.stderr.read().decode(errors="replace")
        if process.wait() != 0:
            raise ExportError(f"ffmpeg could not encode the MP3: {error.strip() or process.returncode}")
    except BrokenPipeError:
        process.wait()
        raise ExportError("ffmpeg stopped while encoding: "
                          f"{process.stderr.read().decode(errors='replace').strip()}") from None
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
