"""POST /alexa on the Flask app: verified requests are answered, anything else gets HTTP 400."""

from __future__ import annotations

import json

import pytest

from coach.app import create_app
from skill.persistence import SqliteAdapter
from skill.verify import RequestVerifier
from tests.conftest import signed_body


@pytest.fixture
def service(pki, tmp_path):
    verifier = RequestVerifier(fetch=lambda url: pki.chain_pem(), roots=[pki.root])
    app = create_app({"TESTING": True, "AUDIO_DIR": str(tmp_path), "VERIFIER": verifier,
                      "SKILL_ADAPTER": SqliteAdapter(tmp_path / "skill.sqlite3")})
    return app.test_client()


def test_a_signed_request_is_answered(service, pki):
    body = signed_body("intents/StartRoutineIntent-hip")
    answer = service.post("/alexa", data=body, headers=pki.headers(body))
    assert answer.status_code == 200
    assert "This is the hip routine" in answer.get_json()["response"]["outputSpeech"]["ssml"]


def test_an_unsigned_request_is_400(service):
    body = signed_body("launch")
    assert service.post("/alexa", data=body, content_type="application/json").status_code == 400


def test_a_tampered_request_is_400_and_logged(service, pki, caplog):
    body = signed_body("launch")
    headers = pki.headers(body)
    answer = service.post("/alexa", data=body.replace(b"Launch", b"Intent"), headers=headers)
    assert answer.status_code == 400
    assert any("rejected Alexa request" in r.message and "signature" in r.message for r in caplog.records)


def test_a_stale_request_is_400(service, pki):
    body = signed_body("launch", seconds_ago=600)
    assert service.post("/alexa", data=body, headers=pki.headers(body)).status_code == 400


@pytest.mark.parametrize("body", [b"", b"not json", b"[1, 2]", b'{"version": "1.0"}', b'{"request": 5}'])
def test_malformed_bodies_are_400_never_500(tmp_path, body):
    app = create_app({"TESTING": True, "AUDIO_DIR": str(tmp_path), "ALEXA_VERIFY": False,
                      "SKILL_ADAPTER": SqliteAdapter(tmp_path / "skill.sqlite3")})
    answer = app.test_client().post("/alexa", data=body, content_type="application/json")
    assert answer.status_code == 400


def test_an_oversize_body_is_413(service):
    answer = service.post("/alexa", data=b"{" + b" " * 200_000 + b"}", content_type="application/json")
    assert answer.status_code == 413


def test_a_request_for_another_skill_is_400_even_unverified(tmp_path):
    app = create_app({"TESTING": True, "AUDIO_DIR": str(tmp_path), "ALEXA_VERIFY": False,
                      "ALEXA_SKILL_ID": "amzn1.ask.skill.mine",
                      "SKILL_ADAPTER": SqliteAdapter(tmp_path / "skill.sqlite3")})
    body = signed_body("launch")
    assert app.test_client().post("/alexa", data=body, content_type="application/json").status_code == 400


def test_no_verify_accepts_unsigned_requests_for_local_testing(tmp_path):
    app = create_app({"TESTING": True, "AUDIO_DIR": str(tmp_path), "ALEXA_VERIFY": False,
                      "SKILL_ADAPTER": SqliteAdapter(tmp_path / "skill.sqlite3")})
    answer = app.test_client().post("/alexa", data=signed_body("launch"), content_type="application/json")
    assert answer.status_code == 200 and json.loads(answer.data)["response"]["outputSpeech"]
