"""From a render plan to an MP3: the timeline is rendered in blocks and streamed to ffmpeg, so
memory stays flat however long the routine is.

Loudness is set by gains worked out from each clip's stored analysis (exporter/loudness.py) before a
single sample is mixed: one gain for all speech, lowered for any clip whose true peak would pass the
ceiling. No limiter runs in the encode, so nothing is squashed and the encode is ffmpeg alone.
"""

from __future__ import annotations

import subprocess
from typing import Callable, Iterator, Mapping, Protocol

import numpy as np

from exporter.audio import ffmpeg_path
from exporter.cache import ClipInfo
from exporter.errors import ExportError
from exporter.loudness import energy_step
from exporter.plan import Placement, RenderPlan

TARGET_LUFS = -19.0  # spoken word, mono
# True peak before encoding; MP3 encoding adds a little between samples, and the file must stay
# under -1 dBTP.
PEAK_CEILING_DB = -2.0
PEAK_CEILING = 10 ** (PEAK_CEILING_DB / 20)
MASTERING = f"{TARGET_LUFS}LUFS:{PEAK_CEILING_DB}dBTP"
BLOCK_S = 5
STEP_S = 0.1
ABSOLUTE_GATE = -70.0
RELATIVE_GATE = -10.0

Key = tuple[str, str]  # ("speech", text) or ("chime", name)


class Clips(Protocol):
    def samples(self, key: Key) -> np.ndarray: ...

    def info(self, key: Key) -> ClipInfo: ...


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
        source = clips.samples(key)[lo - placement.start:hi - placement.start]
        out[lo - block_start:hi - block_start] += source.astype(np.float32) * (gains[key] / 32768)


def clip_energies(plan: RenderPlan, clips: Clips) -> dict[tuple[str, str], tuple[np.ndarray, np.ndarray]]:
    """For each clip, the K-weighted energy it puts into each 100 ms step of the timeline, as
    (step indices, energies) over every place it is used. Placements never overlap, so the
    timeline's energy is the sum of its clips' energies: exact for BS.1770, and it needs only the
    running sums stored with each clip."""
    step, fine = int(round(plan.rate * STEP_S)), energy_step(plan.rate)
    by_key: dict[tuple[str, str], list[Placement]] = {}
    for placement in plan.placements:
        by_key.setdefault((placement.kind, placement.key), []).append(placement)
    found = {}
    for key, placements in by_key.items():
        running = clips.info(key).energy
        positions = np.arange(len(running)) * fine
        indices, energies = [], []
        for placement in placements:
            first, last = placement.start // step, (placement.start + positions[-1] - 1) // step
            edges = np.clip(np.arange(first, last + 2) * step - placement.start, 0, positions[-1])
            indices.append(np.arange(first, last + 1))
            energies.append(np.diff(np.interp(edges, positions, running)))
        found[key] = (np.concatenate(indices), np.concatenate(energies))
    return found


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
    """Gains that bring the whole file to the target loudness: one for all speech, lowered for any
    clip whose true peak would pass the ceiling; the `fixed` sounds (chimes) keep their gains."""
    energies = clip_energies(plan, clips)
    speech = [key for key in energies if key not in fixed]
    if not speech:
        raise ExportError("the render is silent: no speech was placed")
    steps = max(1, -(-plan.total // int(round(plan.rate * STEP_S))))
    size = max(steps, 1 + max(int(indices.max()) for indices, _ in energies.values()))

    def gains_at(gain: float) -> dict[tuple[str, str], float]:
        return {key: min(gain, PEAK_CEILING / max(clips.info(key).true_peak, 1e-9)) for key in speech} | dict(fixed)

    gain = 1.0
    for _ in range(12):
        gains = gains_at(gain)
        timeline = np.zeros(size)
        for key, (indices, energy) in energies.items():
            np.add.at(timeline, indices, gains.get(key, 1.0) ** 2 * energy)
        measured = gated_loudness(timeline[:steps], plan.rate)
        if not np.isfinite(measured):
            raise ExportError("the render is silent: no speech was placed")
        if abs(measured - target) < 0.01:
            break
        gain *= 10 ** ((target - measured) / 20)
    return gains_at(gain)


def encoder_command(rate: int, bitrate: str, source: str, path) -> list[str]:
    """ffmpeg turning raw mono float samples from `source` (pipe:0, or a file) into a mono,
    constant-bitrate MP3 at `path`."""
    return [ffmpeg_path(), "-hide_banner", "-loglevel", "error", "-y", "-f", "f32le", "-ar", str(rate), "-ac", "1",
            "-i", source, "-c:a", "libmp3lame", "-b:a", bitrate, "-ac", "1", "-f", "mp3", str(path)]


def encode_mp3(plan: RenderPlan, clips: Clips, gains, path, bitrate: str = "64k",
               on_block: Callable[[int], None] | None = None) -> None:
    """Stream the timeline to ffmpeg as a mono, constant-bitrate MP3 at `path`."""
    process = subprocess.Popen(encoder_command(plan.rate, bitrate, "pipe:0", path), stdin=subprocess.PIPE,
                               stderr=subprocess.PIPE)
    try:
        for block in blocks(plan, clips, gains, BLOCK_S * plan.rate):
            process.stdin.write(np.ascontiguousarray(block, dtype="<f4").data)  # the block itself, not copies
            if on_block:
                on_block(len(block))
        process.stdin.close()
        if process.wait() != 0:
            raise ExportError(f"ffmpeg could not write the MP3: {_last_words(process)}")
    except BrokenPipeError:
        process.wait()
        raise ExportError(f"ffmpeg stopped while writing the MP3: {_last_words(process)}") from None
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def _last_words(process: subprocess.Popen) -> str:
    """ffmpeg's last complaint, without its "[muxer @ 0x...]" prefix: it names the real cause
    ("No space left on device") after several lines of consequences."""
    lines = [line.strip() for line in process.stderr.read().decode(errors="replace").splitlines() if line.strip()]
    if not lines:
        return f"exit status {process.returncode}"
    return lines[-1].split("] ", 1)[-1]
