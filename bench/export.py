"""Export speed and memory, against the floor of ffmpeg alone encoding the same length of audio.

    .venv/bin/python bench/export.py [--routines hip hip@60]

For each routine (ROUTINE@MINUTES fits it to a length) it prints: the cold export (empty clip
cache) and the warm one (every clip cached), each in a fresh process; the time ffmpeg alone takes
to encode the same length of audio with the same settings (the floor); warm/floor; and the
export process's peak memory. Targets: warm at most 1.5x the floor; an hour at most 200 MB.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from exporter.audio import ffmpeg_path  # noqa: E402
from exporter.render import LIMITER  # noqa: E402

CHILD = """
import json, resource, sys, time
from pathlib import Path
from content import load_library
from exporter.cache import ClipCache
from exporter.export import ExportOptions, export_routines
routine, minutes, out, cache = sys.argv[1], (float(sys.argv[2]) or None), Path(sys.argv[3]), Path(sys.argv[4])
library = load_library()
started = time.perf_counter()
[result] = export_routines(library, [routine], out, ExportOptions(engine="espeak", minutes=minutes,
                           progress=False, cache=ClipCache(cache), notice=lambda _: None))
print(json.dumps({"seconds": time.perf_counter() - started, "duration_s": result.duration_s,
                  "synthesized": result.synthesized,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def run_export(routine: str, minutes: float, out: Path, cache: Path) -> dict:
    done = subprocess.run([sys.executable, "-c", CHILD, routine, str(minutes), str(out), str(cache)],
                          capture_output=True, text=True, check=True, cwd=Path(__file__).resolve().parents[1])
    return json.loads(done.stdout.strip().splitlines()[-1])


def encode_floor(mp3: Path, rate: int = 24000) -> float:
    """ffmpeg alone encoding the same audio (the export's own output, decoded to a raw file first)
    with the same limiter and encoder settings."""
    with tempfile.NamedTemporaryFile(suffix=".f32") as pcm, tempfile.TemporaryDirectory() as scratch:
        subprocess.run([ffmpeg_path(), "-v", "error", "-y", "-i", str(mp3), "-f", "f32le", "-ac", "1", "-ar",
                        str(rate), pcm.name], check=True)
        started = time.perf_counter()
        subprocess.run([ffmpeg_path(), "-hide_banner", "-loglevel", "error", "-y", "-f", "f32le", "-ar", str(rate),
                        "-ac", "1", "-i", pcm.name, "-af", LIMITER, "-c:a", "libmp3lame", "-b:a", "64k",
                        "-f", "mp3", str(Path(scratch) / "floor.mp3")], check=True)
        return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--routines", nargs="+", default=["hip", "hip@60"])
    args = parser.parse_args()
    print(f"{'routine':<10} {'length':>8} {'cold s':>8} {'warm s':>8} {'floor s':>8} {'warm/floor':>10} "
          f"{'peak MB':>8}")
    for spec in args.routines:
        routine, _, minutes = spec.partition("@")
        with tempfile.TemporaryDirectory() as scratch:
            cache, out = Path(scratch) / "cache", Path(scratch) / "out"
            cold = run_export(routine, float(minutes or 0), out, cache)
            warm = run_export(routine, float(minutes or 0), out, cache)
            floor = encode_floor(out / f"{routine}.mp3")
        assert warm["synthesized"] == 0, "the warm run synthesized clips: the cache did not work"
        print(f"{spec:<10} {warm['duration_s'] / 60:>7.1f}m {cold['seconds']:>8.2f} {warm['seconds']:>8.2f} "
              f"{floor:>8.2f} {warm['seconds'] / floor:>9.2f}x {max(cold['peak_mb'], warm['peak_mb']):>8.0f}")


if __name__ == "__main__":
    main()
