"""`stretch-coach serve` on gunicorn, as a user runs it: the skill answers, bodies too large for an
Alexa envelope get 413 however they are sent, bad bodies get 4xx, and SIGTERM stops it cleanly."""

from __future__ import annotations

import http.client
import json
import socket
import uuid

import pytest

from tests.conftest import REQUESTS_DIR

ONE_MB = 1024 * 1024


def post(server, body, chunked: bool = False, content_type: str = "application/json") -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=20)
    try:
        try:
            if chunked:  # no Content-Length: the body arrives in 64 KB chunks until the last, empty one
                pieces = iter([body[i:i + 65536] for i in range(0, len(body), 65536)])
                connection.request("POST", "/alexa", body=pieces, encode_chunked=True,
                                   headers={"Content-Type": content_type})
            else:
                connection.request("POST", "/alexa", body=body, headers={"Content-Type": content_type})
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server answered and closed before the whole body was sent (a 413): read its answer
        answer = connection.getresponse()
        return answer.status, answer.read()
    finally:
        connection.close()


def launch() -> bytes:
    """The launch envelope from a user the server has not met, who gets the first-time welcome."""
    request = json.loads((REQUESTS_DIR / "launch.json").read_text())
    user = f"amzn1.ask.account.{uuid.uuid4().hex}"
    request["session"]["user"]["userId"] = request["context"]["System"]["user"]["userId"] = user
    return json.dumps(request).encode()


def test_the_server_is_gunicorn_and_says_verification_is_off(served):
    output = served.output()
    assert "Alexa request verification is OFF" in output
    assert "Starting gunicorn" in output and "Using worker: gthread" in output
    assert output.count("Booting worker") == 1  # one process: one background render, one certificate cache


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
def test_a_launch_request_gets_the_welcome(served, chunked):
    status, body = post(served, launch(), chunked=chunked)
    assert status == 200
    answer = json.loads(body)
    assert "Welcome to Stretch Coach" in answer["response"]["outputSpeech"]["ssml"]
    assert answer["response"]["shouldEndSession"] is False


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
def test_a_one_megabyte_body_gets_413(served, chunked):
    padded = launch().rstrip()[:-1] + b', "padding": "' + b"x" * ONE_MB + b'"}'  # valid JSON, just too big
    status, body = post(served, padded, chunked=chunked)
    assert status == 413, body
    assert json.loads(body) == {"error": "request too large"}


def test_the_limit_is_exact_for_chunked_bodies(served):
    """A chunked envelope padded to exactly the limit is answered; one byte more is refused."""
    from coach.app import MAX_REQUEST_BYTES

    body = launch()
    at_limit = body + b" " * (MAX_REQUEST_BYTES - len(body))
    assert post(served, at_limit, chunked=True)[0] == 200
    assert post(served, at_limit + b" ", chunked=True)[0] == 413


@pytest.mark.parametrize("body", [b"", b"{not json", b"[1, 2]", b'{"version": "1.0"}', b"\xff\xfe\x00",
                                  b'{"request": {"type": "LaunchRequest"'], ids=repr)
def test_a_malformed_body_gets_a_client_error(served, body):
    status, answer = post(served, body, chunked=True)
    assert 400 <= status < 500, answer
    assert json.loads(answer) == {"error": "bad request"}


def test_the_server_still_answers_after_refusals(served):
    post(served, b"x" * ONE_MB, chunked=True)
    status, body = post(served, launch())
    assert status == 200 and b"Welcome to Stretch Coach" in body


def test_sigterm_stops_the_server_cleanly(own_server):
    server = own_server()
    assert post(server, launch())[0] == 200
    assert server.stop(timeout=15) == 0
    output = server.output()
    assert "Traceback" not in output
    assert "Shutting down" in output
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", server.port), timeout=1).close()


def test_without_no_verify_unsigned_requests_are_refused(own_server):
    server = own_server(verify=True)
    status, body = post(server, launch())
    assert status == 400 and json.loads(body) == {"error": "bad request"}
    assert "verification is OFF" not in server.output()
