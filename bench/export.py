"""Export speed and memory, each against a baseline measured in the same run.

    .venv/bin/python bench/export.py [--engine piper] [--routine hip] [--short 10] [--long 60]

Prints:
- warm: the whole `stretch-coach export ROUTINE` command with every clip cached, against ffmpeg
  alone encoding the same audio (the export's exact timeline, from a raw file) with the same
  command (target: at most 1.2x);
- cold: the same command with an empty clip cache, against the sum of its parts: the voice alone
  synthesizing the same distinct phrases in a fresh process, plus that ffmpeg encode (target: at
  most 1.3x);
- memory: peak resident memory of a cold export fitted to SHORT and to LONG minutes (targets with
  Piper: the long one at most 450 MB and within 15 % of the short one; with espeak, 200 MB).
Each export runs in a fresh process, as a user runs it.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from content import Catalog, load_library  # noqa: E402
from exporter.cache import ClipCache  # noqa: E402
from exporter.export import Exporter, ExportOptions  # noqa: E402
from exporter.render import BLOCK_S, blocks, encoder_command  # noqa: E402

STRETCH_COACH = Path(sys.executable).parent / "stretch-coach"
RATE, BITRATE = 24000, "64k"  # the export command's defaults

# An export in this process, reporting its own peak memory.
EXPORT_CHILD = """
import json, resource, sys
from pathlib import Path
from content import RoutineOptions, load_library
from exporter.cache import ClipCache
from exporter.export import ExportOptions, export_routines
routine, engine, minutes, out, cache = sys.argv[1], sys.argv[2], float(sys.argv[3]) or None, Path(sys.argv[4]), Path(sys.argv[5])
[result] = export_routines(load_library(), [routine], out, ExportOptions(
    engine=engine, routine=RoutineOptions(minutes=minutes), progress=False, cache=ClipCache(cache), notice=lambda _: None))
print(json.dumps({"duration_s": result.duration_s, "synthesized": result.synthesized,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

# The voice alone: load it and synthesize every distinct phrase of the routine, nothing else.
VOICE_CHILD = """
import sys, time
from content import compile_routine, load_library
from exporter.engines import choose_engine
from exporter.plan import spoken_texts
texts = spoken_texts(compile_routine(load_library(), sys.argv[1]))
started = time.perf_counter()
engine = choose_engine(sys.argv[2])
for text in texts:
    engine.synthesize(text)
print(time.perf_counter() - started, len(texts))
"""


def timed(command: list[str], **kwargs) -> tuple[float, subprocess.CompletedProcess]:
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=True, cwd=ROOT, **kwargs)
    return time.perf_counter() - started, done


def export_command(routine: str, engine: str, out: Path, cache: Path) -> float:
    # The bench's own PATH, so the export finds the same ffmpeg as the floor it is measured against.
    seconds, _ = timed([str(STRETCH_COACH), "export", routine, "--engine", engine, "-o", str(out)],
                       env={"STRETCH_COACH_CACHE": str(cache), "PATH": os.environ.get("PATH", "/usr/bin:/bin")})
    return seconds


def write_timeline(routine: str, engine: str, cache: Path, raw: Path) -> None:
    """The export's exact timeline as raw samples, mixed from its warm cache as the export mixes it."""
    exporter = Exporter(Catalog(load_library()), ExportOptions(engine=engine, rate=RATE, bitrate=BITRATE,
                                                              cache=ClipCache(cache / "clips"), progress=False))
    rendering = exporter.prepare(routine)
    with open(raw, "wb") as handle:
        for block in blocks(rendering.plan, rendering.clips, rendering.gains, BLOCK_S * RATE):
            handle.write(block.astype("<f4").tobytes())


def encode_floor(raw: Path) -> float:
    """ffmpeg alone encoding the same audio with the export's own encoder command."""
    return timed(encoder_command(RATE, BITRATE, str(raw), raw.with_suffix(".mp3")))[0]


def peak_memory(routine: str, engine: str, minutes: float) -> dict:
    with tempfile.TemporaryDirectory() as scratch:
        _, done = timed([sys.executable, "-c", EXPORT_CHILD, routine, engine, str(minutes), f"{scratch}/out",
                         f"{scratch}/cache"])
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--engine", default="piper")
    parser.add_argument("--routine", default="hip")
    parser.add_argument("--short", type=float, default=10)
    parser.add_argument("--long", type=float, default=60)
    parser.add_argument("--rounds", type=int, default=5, help="warm runs and encodes, taken in turns; medians")
    parser.add_argument("--cold-rounds", type=int, default=3, help="cold runs and voice-alone runs, in turns; medians")
    args = parser.parse_args()

    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory() as scratch:
        colds, voices = [], []
        for round_ in range(args.cold_rounds):  # each with an empty cache; the last one's stays for the warm runs
            out, cache = Path(scratch) / f"out{round_}", Path(scratch) / f"cache{round_}"
            colds.append(export_command(args.routine, args.engine, out, cache))
            _, voice_run = timed([sys.executable, "-c", VOICE_CHILD, args.routine, args.engine])
            voice_s, phrases = voice_run.stdout.split()
            voices.append(float(voice_s))
        raw = Path(scratch) / "timeline.f32"
        write_timeline(args.routine, args.engine, cache, raw)
        warms, floors = [], []
        for _ in range(args.rounds):  # in turns, so a busy moment on a shared machine hits both alike
            warms.append(export_command(args.routine, args.engine, out, cache))
            floors.append(encode_floor(raw))
        warm, floor = statistics.median(warms), statistics.median(floors)
        cold, parts = statistics.median(colds), statistics.median(voices) + floor
        sheet = json.loads((out / f"{args.routine}.cues.json").read_text())

    print(f"{args.routine} with {args.engine}: {sheet['duration_s'] / 60:.1f} minutes of audio, {phrases} distinct phrases")
    print(f"warm export command  {warm:7.2f} s   ffmpeg encode alone {floor:7.2f} s   ratio {warm / floor:5.2f}x"
          f"   (medians of {args.rounds})")
    print(f"cold export command  {cold:7.2f} s   voice alone + encode {parts:7.2f} s   ratio {cold / parts:5.2f}x"
          f"   (medians of {args.cold_rounds})")
    short, long = (peak_memory(args.routine, args.engine, minutes) for minutes in (args.short, args.long))
    print(f"peak memory, cold export: {short['duration_s'] / 60:.0f} min {short['peak_mb']:.0f} MB, "
          f"{long['duration_s'] / 60:.0f} min {long['peak_mb']:.0f} MB, ratio {long['peak_mb'] / short['peak_mb']:.2f}x")


if __name__ == "__main__":
    main()
