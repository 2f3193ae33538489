"""Skill speed: time per turn through the real ask-sdk dispatch, and the Lambda module's import time.

    .venv/bin/python bench/skill.py [--rounds 5]

Turns: every routine from "start" through "next" to the end, and pause, resume, repeat and time
left in each, on a SQLite file store, with warm Script caches (as a warm Lambda has). The baseline
is the same dispatch for a skill with one handler that says "hello" and stores nothing: the SDK's
own cost. Import: `import skill.lambda_function` in a fresh interpreter, against `import
ask_sdk_core.skill_builder` alone. Targets: p99 under 5 ms per turn; import under 300 ms.
"""

from __future__ import annotations

import argparse
import json
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
from tests.conftest import Alexa, envelope  # noqa: E402


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


def import_ms(module: str, repeats: int = 7) -> float:
    code = f"import time; t = time.perf_counter(); import {module}; print((time.perf_counter() - t) * 1000)"
    runs = [float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT,
                                 env={"DYNAMODB_TABLE": "bench", "PATH": "/usr/bin:/bin"}).stdout)
            for _ in range(repeats)]
    return statistics.median(runs)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        handler = build_skill(SqliteAdapter(Path(scratch) / "bench.sqlite3"), skill_id=None).lambda_handler()
        turns = timed_turns(handler, args.rounds)
    base = baseline_turns(len(turns))
    p50, p99, b50, b99 = (percentile(turns, 50), percentile(turns, 99), percentile(base, 50), percentile(base, 99))
    print(f"turns: {len(turns)} over {args.rounds} rounds of all {len(Catalog.load().routine_ids)} routines")
    print(f"handler  p50 {p50:6.2f} ms  p99 {p99:6.2f} ms  (target p99 < 5 ms)")
    print(f"baseline p50 {b50:6.2f} ms  p99 {b99:6.2f} ms  (one-handler skill, same SDK dispatch)")
    print(f"ratio    p50 {p50 / b50:6.1f}x    p99 {p99 / b99:6.1f}x")
    lambda_import, sdk_import = import_ms("skill.lambda_function"), import_ms("ask_sdk_core.skill_builder")
    print(f"import skill.lambda_function {lambda_import:6.0f} ms  (target < 300 ms)")
    print(f"import ask_sdk_core (baseline) {sdk_import:4.0f} ms  ratio {lambda_import / sdk_import:.1f}x")
    print(json.dumps({"p50_ms": round(p50, 3), "p99_ms": round(p99, 3), "baseline_p50_ms": round(b50, 3),
                      "baseline_p99_ms": round(b99, 3), "import_ms": round(lambda_import, 1),
                      "baseline_import_ms": round(sdk_import, 1)}))


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
