"""Skill speed and size: time per turn, the largest response, and the Lambda package's cold import.

    .venv/bin/python bench/skill.py [--rounds 5] [--imports 9] [--python python3.12]

Turns: every routine from "start" through "next" to the end, and pause, resume, repeat and time
left in each, on a SQLite file store, with warm Script caches (as a warm Lambda has). The baseline
is the same dispatch for a skill with one handler that says "hello" and stores nothing: the SDK's
own cost. Target: p99 under 5 ms per turn.

Largest response: every routine at its default length and fitted to each of SIZE_MINUTES, at each
hold length, started by a new user and walked with "next" to the end; the most characters of
speech (outputSpeech SSML) and the most bytes of response JSON. Alexa's limits: 8,000 and 24 KB.

Import: the Lambda package built as `sam build` builds it (`make build-SkillFunction`) for the
Python given by --python (this one by default; Lambda runs 3.12), `import skill.lambda_function`
in fresh interpreters that write no bytecode, with the shipped bytecode and with the same package
stripped of it, against `import ask_sdk_core.skill_builder` alone from the same package; the
median of several runs. Also a whole cold start: the import plus the first LaunchRequest (on
SQLite). Target: import under 200 ms with bytecode.
"""

from __future__ import annotations

import argparse
import itertools
import json
import logging
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ask_sdk_core.dispatch_components import AbstractRequestHandler  # noqa: E402
from ask_sdk_core.skill_builder import SkillBuilder  # noqa: E402

from skill.builder import build_skill  # noqa: E402
from content import Catalog  # noqa: E402
from skill.persistence import SqliteAdapter  # noqa: E402
from skill.state import HOLD_SCALES  # noqa: E402
from tests.conftest import REQUESTS_DIR, Alexa, envelope  # noqa: E402

SIZE_MINUTES = (None, 5, 10, 20, 30, 45, 60, 90)  # None: the routine's own length


class Hello(AbstractRequestHandler):
    def can_handle(self, handler_input):
        return True

    def handle(self, handler_input):
        return handler_input.response_builder.speak("hello").ask("hello").response


def session(alexa: Alexa, routine: str) -> None:
    alexa.end_session()
    answer = alexa.intent("StartRoutineIntent-hip", routine=routine)
    for name in ("AMAZON.PauseIntent", "AMAZON.ResumeIntent", "AMAZON.RepeatIntent", "TimeLeftIntent"):
        alexa.intent(name)
    while answer["response"].get("shouldEndSession") is False:
        answer = alexa.intent("AMAZON.NextIntent")


def timed_turns(handler, rounds: int) -> list[float]:
    times: list[float] = []

    def timing(event, context):
        started = time.perf_counter()
        answer = handler(event, context)
        times.append((time.perf_counter() - started) * 1000)
        return answer

    alexa = Alexa(timing)
    for routine in Catalog.load().routine_ids:
        session(alexa, routine)  # warm-up: compile and cache the Scripts
    times.clear()
    for _ in range(rounds):
        for routine in Catalog.load().routine_ids:
            session(alexa, routine)
    return times


def baseline_turns(count: int) -> list[float]:
    builder = SkillBuilder()
    builder.add_request_handler(Hello())
    handler = builder.lambda_handler()
    event = envelope("intents/AMAZON.NextIntent")
    times = []
    for _ in range(count):
        started = time.perf_counter()
        handler(event, None)
        times.append((time.perf_counter() - started) * 1000)
    return times


def largest_responses(handler) -> tuple[tuple[int, str], tuple[int, str]]:
    """(characters, where) of the longest speech and (bytes, where) of the largest response, over every
    routine, length in SIZE_MINUTES and hold length; each combination by a new user, start to end."""
    most_speech, most_bytes = (0, ""), (0, "")
    walks = itertools.product(Catalog.load().routine_ids, SIZE_MINUTES, HOLD_SCALES)
    for number, (routine, minutes, hold) in enumerate(walks):
        alexa = Alexa(handler, user=f"amzn1.ask.account.SIZE{number}")
        where = f"{routine}, {minutes or 'default'} min, {hold} holds"
        answers = [alexa.intent("HoldLengthIntent-longer", length=hold)]
        slots = {"routine": routine} | ({"minutes": str(minutes)} if minutes else {})
        answers.append(alexa.intent("StartRoutineIntent-hip", **slots))
        for _ in range(200):  # more turns than any routine has exercises
            if answers[-1]["response"].get("shouldEndSession") is not False:
                break
            answers.append(alexa.intent("AMAZON.NextIntent"))
        for answer in answers:
            speech = len(answer["response"].get("outputSpeech", {}).get("ssml", ""))
            size = len(json.dumps(answer).encode())
            most_speech = max(most_speech, (speech, where))
            most_bytes = max(most_bytes, (size, where))
    return most_speech, most_bytes


def python_version(python: str) -> str:
    return subprocess.run([python, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
                          capture_output=True, text=True, check=True).stdout.strip()


def build_lambda_package(folder: Path, python: str) -> Path:
    """The Lambda package as `sam build` makes it, for `python` (its bytecode included)."""
    package = folder / "package"
    subprocess.run(["make", "-s", "build-SkillFunction", f"ARTIFACTS_DIR={package}", "LAMBDA_PIP_FLAGS=",
                    f"LAMBDA_PYTHON_VERSION={python_version(python)}", f"PYTHON={python}"],
                   cwd=ROOT, check=True, capture_output=True)
    return package


IMPORT_PROBE = """import sys, time
sys.path[:0] = [sys.argv[1]]
started = time.perf_counter()
import {module}
imported = time.perf_counter()
{then}
print((imported - started) * 1000, (time.perf_counter() - started) * 1000)
"""
FIRST_LAUNCH = "import json; skill.lambda_function.handler(json.load(open(sys.argv[2])), None)"


def cold_ms(python: str, cases: dict[str, tuple[Path, str, str]], runs: int, scratch: Path) -> dict[str, tuple[float, float]]:
    """For each case (package, module, then): medians over fresh interpreters (-S: only the package on
    the path, as on Lambda; no bytecode written, as Lambda's package is read-only) of milliseconds to
    import `module`, and to do `then` too. The cases take turns, so a busy moment hits them alike."""
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in cases}
    for run in range(runs):
        for name, (package, module, then) in cases.items():
            env = {"PATH": "/usr/bin:/bin", "PYTHONDONTWRITEBYTECODE": "1",
                   "STRETCH_COACH_DB": str(scratch / f"{name}-{run}.sqlite3")}
            done = subprocess.run([python, "-S", "-c", IMPORT_PROBE.format(module=module, then=then), str(package),
                                   str(REQUESTS_DIR / "launch.json")],
                                  capture_output=True, text=True, check=True, cwd=package.parent, env=env)
            imported, total = map(float, done.stdout.split())
            times[name].append((imported, total))
    return {name: (statistics.median(i for i, _ in pairs), statistics.median(t for _, t in pairs))
            for name, pairs in times.items()}


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--imports", type=int, default=9, help="fresh interpreters per import measurement")
    parser.add_argument("--python", default=sys.executable,
                        help="the Python to build the package for and import it with (Lambda runs 3.12)")
    args = parser.parse_args()
    logging.disable(logging.ERROR)  # a length a routine cannot reach is answered in words and logged: not news here
    with tempfile.TemporaryDirectory() as scratch:
        handler = build_skill(SqliteAdapter(Path(scratch) / "bench.sqlite3"), skill_id=None).lambda_handler()
        turns = timed_turns(handler, args.rounds)
        (speech, speech_where), (size, size_where) = largest_responses(handler)
    base = baseline_turns(len(turns))
    p50, p99, b50, b99 = (percentile(turns, 50), percentile(turns, 99), percentile(base, 50), percentile(base, 99))
    print(f"turns: {len(turns)} over {args.rounds} rounds of all {len(Catalog.load().routine_ids)} routines")
    print(f"handler  p50 {p50:6.2f} ms  p99 {p99:6.2f} ms  (target p99 < 5 ms)")
    print(f"baseline p50 {b50:6.2f} ms  p99 {b99:6.2f} ms  (one-handler skill, same SDK dispatch)")
    print(f"ratio    p50 {p50 / b50:6.1f}x    p99 {p99 / b99:6.1f}x")
    combinations = len(Catalog.load().routine_ids) * len(SIZE_MINUTES) * len(HOLD_SCALES)
    print(f"largest response over {combinations} routine x length x hold walks "
          f"(lengths {', '.join(str(m or 'default') for m in SIZE_MINUTES)} min; holds {', '.join(HOLD_SCALES)}):")
    print(f"  speech {speech:6d} characters  ({speech_where}; Alexa's limit 8,000)")
    print(f"  whole  {size:6d} bytes       ({size_where}; Alexa's limit 24,576)")

    with tempfile.TemporaryDirectory() as scratch:
        shipped = build_lambda_package(Path(scratch), args.python)
        bare = Path(scratch) / "bare" / "package"
        shutil.copytree(shipped, bare, ignore=shutil.ignore_patterns("__pycache__"))
        runs = args.imports
        load_before = os.getloadavg()[0]
        medians = cold_ms(args.python, {"skill_pyc": (shipped, "skill.lambda_function", FIRST_LAUNCH),
                                        "skill_src": (bare, "skill.lambda_function", FIRST_LAUNCH),
                                        "sdk_pyc": (shipped, "ask_sdk_core.skill_builder", ""),
                                        "sdk_src": (bare, "ask_sdk_core.skill_builder", "")}, runs, Path(scratch))
    (skill_pyc, cold_pyc), (skill_src, cold_src) = medians["skill_pyc"], medians["skill_src"]
    sdk_pyc, sdk_src = medians["sdk_pyc"][0], medians["sdk_src"][0]
    print(f"Lambda package, Python {python_version(args.python)}, median of {runs} fresh interpreters "
          f"(load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after):")
    print(f"  import skill.lambda_function     with bytecode {skill_pyc:6.0f} ms   without {skill_src:6.0f} ms  (target < 200 ms)")
    print(f"  import ask_sdk_core.skill_builder with bytecode {sdk_pyc:6.0f} ms   without {sdk_src:6.0f} ms  (the SDK alone)")
    print(f"  ratio to the SDK alone           with bytecode {skill_pyc / sdk_pyc:6.1f}x    without {skill_src / sdk_src:6.1f}x")
    print(f"  cold start: import + first LaunchRequest  with bytecode {cold_pyc:6.0f} ms   without {cold_src:6.0f} ms")
    print(json.dumps({"p50_ms": round(p50, 3), "p99_ms": round(p99, 3), "baseline_p50_ms": round(b50, 3),
                      "baseline_p99_ms": round(b99, 3), "largest_speech_chars": speech, "largest_response_bytes": size,
                      "import_ms": round(skill_pyc, 1), "import_without_bytecode_ms": round(skill_src, 1),
                      "sdk_import_ms": round(sdk_pyc, 1), "sdk_import_without_bytecode_ms": round(sdk_src, 1),
                      "cold_start_ms": round(cold_pyc, 1), "cold_start_without_bytecode_ms": round(cold_src, 1)}))


if __name__ == "__main__":
    main()


# -- Phrasing coverage: everyday ways of starting a routine (tests/skill/phrasings.yaml) through
# virtual-alexa's en-US model, counted when they reach the right intent, routine and length.
# Kept apart from the timings above; it needs node (tests/node, installed on first use).
def phrasing_coverage() -> dict:
    from tests.conftest import phrasing_results

    results = phrasing_results()
    understood = sum(right for _, _, right in results)
    for case, heard, right in results:
        if not right:
            print(f"  not understood: {case['say']!r} -> {heard['intent']} {heard['slots']}")
    print(f"phrasings understood: {understood} of {len(results)}")
    return {"phrasings_understood": understood, "phrasings": len(results)}


if __name__ == "__main__":
    print(json.dumps(phrasing_coverage()))
