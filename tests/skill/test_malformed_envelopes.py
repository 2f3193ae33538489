"""POST /alexa never answers 5xx, whatever the envelope: a seeded, bounded fuzz of the request files in
tests/skill/requests (fields dropped, nulled, retyped; session attributes nested deeply; huge
strings), plus the cases that once crashed, each named on its own."""

from __future__ import annotations

import copy
import json
import random

import pytest

from coach.app import create_app
from skill.persistence import SqliteAdapter
from tests.conftest import REQUESTS_DIR, envelope

SKILL_ID = "amzn1.ask.skill.test"  # the id every request file carries
SILENT_TYPES = ("AudioPlayer.PlaybackStarted", "AudioPlayer.PlaybackStopped", "AudioPlayer.PlaybackFinished",
                "AudioPlayer.PlaybackNearlyFinished", "AudioPlayer.PlaybackFailed",
                "PlaybackController.NextCommandIssued", "PlaybackController.PreviousCommandIssued",
                "PlaybackController.PlayCommandIssued", "PlaybackController.PauseCommandIssued",
                "Alexa.Presentation.APL.UserEvent", "System.ExceptionEncountered")
REQUEST_TYPES = SILENT_TYPES + ("LaunchRequest", "IntentRequest", "SessionEndedRequest", "CanFulfillIntentRequest",
                                "Alexa.Something.New", "", "Messaging.MessageReceived")
ODD_VALUES = (None, 0, -1, 2**63, 1.5, True, False, "", "x", "\u0000\ud7ff\U0001f600", [], [1, "a"], {}, {"a": None})
FUZZ_CASES = 400  # per service configuration; bounded: about two seconds on a shared machine
SEED = 8


def request_files() -> list[str]:
    return sorted(str(p.relative_to(REQUESTS_DIR).with_suffix("")) for p in REQUESTS_DIR.rglob("*.json"))


def make_client(tmp_path, skill_id=None):
    app = create_app({"TESTING": True, "AUDIO_DIR": str(tmp_path), "ALEXA_VERIFY": False, "ALEXA_SKILL_ID": skill_id,
                      "SKILL_ADAPTER": SqliteAdapter(tmp_path / f"skill-{skill_id}.sqlite3")})
    return app.test_client()


def nested(depth: int, leaf=None) -> dict:
    value = leaf if leaf is not None else {}
    for _ in range(depth):
        value = {"a": value}
    return value


def paths(value, prefix=()):
    """Every path into the JSON value, parents before children."""
    yield prefix
    if isinstance(value, dict):
        for key, item in value.items():
            yield from paths(item, prefix + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from paths(item, prefix + (index,))


def holder_of(data, path):
    for key in path[:-1]:
        data = data[key]
    return data


def mutate(data: dict, rng: random.Random) -> dict:
    data = copy.deepcopy(data)
    for _ in range(rng.randint(1, 3)):
        kind = rng.choice(("drop", "null", "retype", "retype", "huge", "nest", "type", "state"))
        if kind == "nest":
            session = data.setdefault("session", {}) if isinstance(data.get("session"), dict) else {}
            data["session"] = session
            attributes = rng.choice(({"stretch_coach": nested(rng.randint(1, 600))},
                                     nested(rng.randint(1, 600)), {"stretch_coach": {"position": nested(70)}}))
            session["attributes"] = attributes
            continue
        if kind == "type":
            if isinstance(data.get("request"), dict):
                data["request"]["type"] = rng.choice(REQUEST_TYPES)
            continue
        if kind == "state":  # what the skill keeps in the session, broken the ways a stored row can be
            if isinstance(data.get("session"), dict):
                data["session"]["attributes"] = {"stretch_coach": rng.choice((
                    None, [], "hip", 7, {"position": {"routine": "nope", "minutes": None, "index": 0}},
                    {"position": {"routine": "hip", "minutes": None, "index": 999}},
                    {"position": {"routine": "hip", "minutes": "ten", "index": "0"}},
                    {"history": [], "hold_length": 3}, {"history": {"started": {"nope": "x"}}}))}
            continue
        candidates = [p for p in paths(data) if p]
        if not candidates:
            break
        path = rng.choice(candidates)
        holder, key = holder_of(data, path), path[-1]
        if kind == "drop":
            del holder[key]
        elif kind == "null":
            holder[key] = None
        elif kind == "retype":
            holder[key] = copy.deepcopy(rng.choice(ODD_VALUES))
        elif kind == "huge":
            holder[key] = rng.choice(("a", "\u00e9", "<speak>")) * rng.choice((1_000, 30_000, 200_000))
    return data


def assert_well_formed(answer, sent: dict | None = None) -> None:
    assert answer.status_code < 500, (answer.status_code, answer.data[:300])
    body = json.loads(answer.data)
    assert answer.mimetype == "application/json"
    if answer.status_code >= 400:
        assert answer.status_code in (400, 413) and isinstance(body.get("error"), str)
        return
    assert answer.status_code == 200 and isinstance(body.get("response"), dict)
    request = sent.get("request") if isinstance(sent, dict) else None
    kind = request.get("type") if isinstance(request, dict) else None
    if kind in SILENT_TYPES:
        assert "outputSpeech" not in body["response"], (kind, body)


@pytest.mark.parametrize("skill_id", [None, SKILL_ID], ids=["no-skill-id", "skill-id"])
def test_fuzzed_envelopes_never_get_5xx(tmp_path, skill_id):
    client = make_client(tmp_path, skill_id)
    originals = [envelope(name) for name in request_files()]
    rng = random.Random(f"{SEED}-{skill_id}")
    answered = 0
    for _ in range(FUZZ_CASES):
        sent = mutate(rng.choice(originals), rng)
        answer = client.post("/alexa", data=json.dumps(sent), content_type="application/json")
        assert_well_formed(answer, sent)
        answered += answer.status_code == 200
    assert answered > FUZZ_CASES // 4  # the fuzz reaches the handlers, not only the envelope checks


def test_fuzzed_signed_envelopes_never_get_5xx(tmp_path, pki):
    """The same with verification on: each mutated body signed as Alexa would sign it."""
    import datetime

    from skill.verify import RequestVerifier

    verifier = RequestVerifier(skill_id=SKILL_ID, fetch=lambda url: pki.chain_pem(), roots=[pki.root])
    app = create_app({"TESTING": True, "AUDIO_DIR": str(tmp_path), "VERIFIER": verifier, "ALEXA_SKILL_ID": SKILL_ID,
                      "SKILL_ADAPTER": SqliteAdapter(tmp_path / "skill.sqlite3")})
    client = app.test_client()
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    originals = [envelope(name) for name in request_files()]
    for original in originals:
        original["request"]["timestamp"] = now
    rng = random.Random(f"{SEED}-signed")
    answered = 0
    for _ in range(FUZZ_CASES // 4):  # signing costs a little
        sent = mutate(rng.choice(originals), rng)
        body = json.dumps(sent).encode()
        answer = client.post("/alexa", data=body, headers=pki.headers(body))
        assert_well_formed(answer, sent)
        answered += answer.status_code == 200
    assert answered > FUZZ_CASES // 16


@pytest.mark.parametrize("skill_id", [None, SKILL_ID], ids=["no-skill-id", "skill-id"])
def test_every_request_file_is_answered(tmp_path, skill_id):
    client = make_client(tmp_path, skill_id)
    for name in request_files():
        answer = client.post("/alexa", data=json.dumps(envelope(name)), content_type="application/json")
        assert answer.status_code == 200, name


@pytest.mark.parametrize("depth", [65, 500, 5_000])
def test_deeply_nested_session_attributes_are_400(tmp_path, depth):
    sent = envelope("launch")
    sent["session"]["attributes"] = "NESTED"  # spliced in as text: json.dumps itself recurses
    body = json.dumps(sent).replace('"NESTED"', '{"a": ' * depth + "{}" + "}" * depth)
    answer = make_client(tmp_path).post("/alexa", data=body, content_type="application/json")
    assert answer.status_code == 400
    assert_well_formed(answer)


def test_ordinary_nesting_is_answered(tmp_path):
    sent = envelope("launch")
    sent["session"]["attributes"] = {"other": nested(40)}
    answer = make_client(tmp_path).post("/alexa", data=json.dumps(sent), content_type="application/json")
    assert answer.status_code == 200


def launch_with_context(context) -> dict:
    """A launch envelope whose context is `context`, or has none at all for "missing"."""
    sent = envelope("launch")
    if context == "missing":
        del sent["context"]
    else:
        sent["context"] = context
    return sent


@pytest.mark.parametrize("context", ["missing", None, {}, {"System": None}, {"System": {"application": None}}, 5])
def test_a_request_without_an_application_id_is_400_when_a_skill_id_is_set(tmp_path, context):
    sent = launch_with_context(context)
    answer = make_client(tmp_path, SKILL_ID).post("/alexa", data=json.dumps(sent), content_type="application/json")
    assert answer.status_code == 400
    assert_well_formed(answer)


@pytest.mark.parametrize("context", ["missing", None])
def test_a_request_without_context_is_answered_without_a_skill_id(tmp_path, context):
    sent = launch_with_context(context)
    answer = make_client(tmp_path).post("/alexa", data=json.dumps(sent), content_type="application/json")
    assert answer.status_code == 200
    assert_well_formed(answer, sent)


@pytest.mark.parametrize("kind", SILENT_TYPES + ("Alexa.Something.New",))
@pytest.mark.parametrize("skill_id", [None, SKILL_ID], ids=["no-skill-id", "skill-id"])
def test_events_get_an_empty_response(tmp_path, kind, skill_id):
    sent = envelope("launch")
    sent["request"]["type"] = kind
    answer = make_client(tmp_path, skill_id).post("/alexa", data=json.dumps(sent), content_type="application/json")
    assert answer.status_code == 200
    assert json.loads(answer.data)["response"] == {}


def test_an_unknown_request_type_for_another_skill_is_400(tmp_path):
    sent = envelope("launch")
    sent["request"]["type"] = "Alexa.Something.New"
    sent["context"]["System"]["application"]["applicationId"] = "amzn1.ask.skill.other"
    answer = make_client(tmp_path, SKILL_ID).post("/alexa", data=json.dumps(sent), content_type="application/json")
    assert answer.status_code == 400


def test_exception_encountered_is_logged(tmp_path, caplog):
    sent = envelope("launch")
    sent["request"] = {"type": "System.ExceptionEncountered", "requestId": "r", "timestamp": "2026-11-21T08:00:00Z",
                       "locale": "en-US", "error": {"type": "INVALID_RESPONSE", "message": "bad SSML"},
                       "cause": {"requestId": "amzn1.echo-api.request.earlier"}}
    answer = make_client(tmp_path).post("/alexa", data=json.dumps(sent), content_type="application/json")
    assert answer.status_code == 200 and json.loads(answer.data)["response"] == {}
    assert any("bad SSML" in r.getMessage() and "earlier" in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize("body", [b"{", b"not json", b"\xff\xfe", b"null", b"5", b'"launch"', b"[]", b"[{}]", b"true",
                                  b'{"request": []}', b'{"request": {"type": 5}}', b'{"request": null}',
                                  b"[" * 10_000, b'{"a":' * 10_000])
def test_malformed_json_or_a_non_object_is_400(tmp_path, body):
    answer = make_client(tmp_path, SKILL_ID).post("/alexa", data=body, content_type="application/json")
    assert answer.status_code == 400
    assert_well_formed(answer)


def test_an_oversize_body_is_a_well_formed_413(tmp_path):
    answer = make_client(tmp_path).post("/alexa", data=b'{"a": "' + b"x" * 200_000 + b'"}',
                                        content_type="application/json")
    assert answer.status_code == 413
    assert_well_formed(answer)
