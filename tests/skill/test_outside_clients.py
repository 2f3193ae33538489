"""The skill as outside clients see it: npm's virtual-alexa speaking through the en-US interaction
model to the real server on loopback, and ssml-check-core judging every SSML the skill can produce."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from content import Catalog
from content.spoken import number_words
from skill.builder import build_skill
from skill.persistence import SqliteAdapter
from tests.conftest import Alexa, REQUESTS_DIR, TESTS_DIR

MODEL = TESTS_DIR.parent / "skill" / "skill-package" / "interactionModels" / "custom" / "en-US.json"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def server(tmp_path):
    """`stretch-coach serve --no-verify` as a real process on loopback, with its own database."""
    port = free_port()
    command = [str(Path(sys.executable).with_name("stretch-coach")), "serve", "--no-verify", "--port", str(port),
               "--audio-dir", str(tmp_path / "audio"), "--engine", "espeak"]
    env = os.environ | {"STRETCH_COACH_DB": str(tmp_path / "skill.sqlite3")}
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            time.sleep(0.2)
    else:
        process.kill()
        pytest.fail("the server did not start: " + process.stdout.read().decode())
    yield f"http://127.0.0.1:{port}/alexa"
    process.terminate()
    process.wait(timeout=10)


def utter(node_clients, url, *utterances) -> list[dict]:
    done = subprocess.run(["node", str(node_clients / "drive.js"), url, str(MODEL), *utterances],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return [json.loads(line)["reply"] for line in done.stdout.splitlines() if line.startswith("{")]


def said(reply) -> str:
    return re.sub(r"<[^>]+>", " ", reply["response"]["outputSpeech"]["ssml"])


def test_a_session_through_virtual_alexa(node_clients, server):
    start, nxt, again, resume, stop = utter(
        node_clients, server, "start my hip routine", "next", "repeat", "resume", "stop")
    assert "This is the hip routine" in said(start) and "First: Standing hip circles" in said(start)
    assert "Next: Pigeon" in said(nxt) and "Next: Pigeon" in said(again)
    assert "Picking up at Kneeling hip flexor stretch" in said(resume)
    assert "we'll start at" in said(stop) and stop["response"]["shouldEndSession"] is True
    for reply in (start, nxt, again, resume):
        assert reply["response"]["shouldEndSession"] is False and reply["response"]["reprompt"]


def test_guided_journeys_answered_in_the_words_the_skill_suggests(node_clients, server):
    """Through the en-US model, each answer in the words the prompts suggest: a bare routine name,
    ready, back, okay, how much is left, skip, done; then a half-done routine resumed, no at "shall
    we go on?", and pause, each ending the session with the words to come back."""
    desk = [group[0].name for group in Catalog.load().script("desk").exercise_steps()[1:-1]]
    hip = [group[0].name for group in Catalog.load().script("hip").exercise_steps()[1:-1]]
    assert len(desk) == 4  # the journey below walks all of them
    replies = utter(node_clients, server, "desk", "ready", "back", "okay", "how much is left", "skip this one",
                    "done", "done")
    start, ready, back, okay, left, skipped, last, done = replies
    assert "This is the desk routine" in said(start) and f"Shall we go on to {desk[1]}?" in said(start)
    assert f"Next: {desk[1]}" in said(ready) and f"First: {desk[0]}" in said(back)
    assert f"Next: {desk[1]}" in said(okay) and "After this stretch, two more" in said(left)
    assert f"Next: {desk[2]}" in said(skipped)
    assert f"the last one: {desk[3]}" in said(last) and "That was the last stretch" in said(last)
    assert "That's the end of the desk routine" in said(done) and done["response"]["shouldEndSession"] is True
    for reply in replies[:-1]:
        assert reply["response"]["shouldEndSession"] is False and reply["response"]["reprompt"]

    replies = utter(node_clients, server, "start my hip routine", "next", "help me stretch my hips", "yes", "no",
                    "resume", "pause")
    asked, resumed, no, again, paused = replies[2:]
    assert f"part way through your hip routine, at {hip[2]}" in said(asked)
    assert f"Next: {hip[2]}" in said(resumed)
    assert "Alexa, ask stretch coach to resume" in said(no) and no["response"]["shouldEndSession"] is True
    assert f"Picking up at {hip[3]}" in said(again)
    assert f"Paused at {hip[3]}" in said(paused) and paused["response"]["shouldEndSession"] is True


def test_routine_names_people_use_reach_the_right_routine(node_clients, server):
    for utterance, title in [("start my lower back stretches", "lower back routine"),
                             ("start a ten minute lower back routine", "lower back routine"),
                             ("start the bedtime routine", "bedtime routine")]:
        [reply] = utter(node_clients, server, utterance)
        assert f"This is the {title}" in said(reply), utterance
    [listing] = utter(node_clients, server, "what routines are there")
    assert f"There are {number_words(len(Catalog.load().routine_ids))} routines" in said(listing)
    for utterance, title in [("something quick", "quick routine"), ("help me stretch my back", "lower back routine"),
                             ("partner massage", "partner routine")]:
        assert f"This is the {title}" in said(utter(node_clients, server, utterance)[0]), utterance


def every_ssml() -> list[str]:
    """Every response the skill gives: each routine start to finish, and every fixture at every phase."""
    from content import Catalog

    found = []
    alexa = Alexa(build_skill(SqliteAdapter(":memory:"), skill_id=None).lambda_handler())
    for routine in Catalog.load().routine_ids:
        alexa.end_session()
        answers = [alexa.intent("StartRoutineIntent-hip", routine=routine)]
        while answers[-1]["response"].get("shouldEndSession") is False:
            answers.append(alexa.intent("AMAZON.NextIntent"))
        found += answers
    for name in sorted(p.stem for p in (REQUESTS_DIR / "intents").glob("*.json")):
        for steps in (0, 1, 2, 3):
            alexa.end_session()
            for _ in range(steps):
                alexa.intent("StartRoutineIntent-quick") if _ == 0 else alexa.intent("AMAZON.NextIntent")
            found.append(alexa.intent(name))
    found.append(alexa.send("launch"))
    ssml = []
    for answer in found:
        response = answer["response"]
        ssml.append(response["outputSpeech"]["ssml"])
        if "reprompt" in response:
            ssml.append(response["reprompt"]["outputSpeech"]["ssml"])
    return sorted(set(ssml))


def test_every_ssml_passes_alexas_rules(node_clients):
    documents = every_ssml()
    assert len(documents) > 100
    done = subprocess.run(["node", str(node_clients / "check_ssml.js")], input=json.dumps(documents),
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    problems = [(doc[:120], errors) for doc, errors in zip(documents, json.loads(done.stdout)) if errors]
    assert not problems, problems[:3]


def test_ssml_check_catches_a_bad_document(node_clients):
    done = subprocess.run(["node", str(node_clients / "check_ssml.js")],
                          input=json.dumps(['<speak><break time="20s"/>Tom & Jerry</speak>']),
                          capture_output=True, text=True, timeout=60)
    assert json.loads(done.stdout)[0]
