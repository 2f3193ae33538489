"""Request verification against certificates made in the test: Amazon's certificate host is the one
thing mocked, at the network edge (the fetch function)."""

from __future__ import annotations

import pytest

from skill.verify import RequestRejected, RequestVerifier, check_chain_url
from tests.conftest import AmazonPki, signed_body


def verifier_for(pki, chain=None, skill_id=None, fetched=None):
    def fetch(url):
        if fetched is not None:
            fetched.append(url)
        return chain or pki.chain_pem()

    return RequestVerifier(skill_id=skill_id, fetch=fetch, roots=[pki.root])


def test_a_genuine_request_passes(pki):
    body = signed_body("launch")
    request = verifier_for(pki).verify(pki.headers(body), body)
    assert request["request"]["type"] == "LaunchRequest"


def test_a_tampered_body_is_rejected(pki):
    body = signed_body("launch")
    headers = pki.headers(body)
    with pytest.raises(RequestRejected, match="signature"):
        verifier_for(pki).verify(headers, body.replace(b"LaunchRequest", b"IntentRequest"))


def test_a_missing_signature_is_rejected(pki):
    body = signed_body("launch")
    headers = pki.headers(body)
    del headers["Signature-256"]
    with pytest.raises(RequestRejected, match="Signature-256"):
        verifier_for(pki).verify(headers, body)


def test_a_certificate_for_another_host_is_rejected(pki):
    wrong = pki.signing_certificate(san="evil.example.com")
    body = signed_body("launch")
    with pytest.raises(RequestRejected, match="not for echo-api.amazon.com"):
        verifier_for(pki, chain=pki.chain_pem(wrong)).verify(pki.headers(body), body)


def test_an_expired_certificate_is_rejected(pki):
    expired = pki.signing_certificate(days=(-30, -1))
    body = signed_body("launch")
    with pytest.raises(RequestRejected, match="not valid now"):
        verifier_for(pki, chain=pki.chain_pem(expired)).verify(pki.headers(body), body)


def test_a_certificate_from_an_untrusted_root_is_rejected(pki):
    stranger = AmazonPki()
    body = signed_body("launch")
    with pytest.raises(RequestRejected, match="trusted root"):
        RequestVerifier(fetch=lambda url: stranger.chain_pem(), roots=[pki.root]).verify(stranger.headers(body), body)


@pytest.mark.parametrize("seconds_ago", [151, -151, 3600])
def test_a_stale_or_future_timestamp_is_rejected(pki, seconds_ago):
    body = signed_body("launch", seconds_ago=seconds_ago)
    with pytest.raises(RequestRejected, match="timestamp"):
        verifier_for(pki).verify(pki.headers(body), body)


def test_a_timestamp_within_the_window_passes(pki):
    body = signed_body("launch", seconds_ago=140)
    verifier_for(pki).verify(pki.headers(body), body)


def test_another_skills_request_is_rejected(pki):
    body = signed_body("launch")
    with pytest.raises(RequestRejected, match="another skill"):
        verifier_for(pki, skill_id="amzn1.ask.skill.mine").verify(pki.headers(body), body)
    verifier_for(pki, skill_id="amzn1.ask.skill.test").verify(pki.headers(body), body)


@pytest.mark.parametrize("url", [
    "https://s3.amazonaws.com/echo.api/echo-api-cert.pem",
    "https://s3.amazonaws.com:443/echo.api/echo-api-cert.pem",
    "HTTPS://s3.amazonaws.com/echo.api/echo-api-cert.pem",
    "https://S3.AMAZONAWS.COM/echo.api/echo-api-cert.pem",
    "https://s3.amazonaws.com/echo.api/../echo.api/echo-api-cert.pem",
])
def test_good_certificate_urls(url):
    check_chain_url(url)


@pytest.mark.parametrize("url", [
    None,
    "http://s3.amazonaws.com/echo.api/echo-api-cert.pem",
    "https://notamazon.com/echo.api/echo-api-cert.pem",
    "https://s3.amazonaws.com/EcHo.aPi/echo-api-cert.pem",
    "https://s3.amazonaws.com/invalid.path/echo-api-cert.pem",
    "https://s3.amazonaws.com:563/echo.api/echo-api-cert.pem",
    "https://s3.amazonaws.com/echo.api/../invalid.path/echo-api-cert.pem",
])
def test_bad_certificate_urls(url):
    with pytest.raises(RequestRejected):
        check_chain_url(url)


def test_certificates_are_fetched_once(pki):
    fetched = []
    verifier = verifier_for(pki, fetched=fetched)
    for _ in range(3):
        body = signed_body("launch")
        verifier.verify(pki.headers(body), body)
    assert fetched == [pki.CHAIN_URL]


def test_garbage_at_the_certificate_url_is_rejected(pki):
    body = signed_body("launch")
    with pytest.raises(RequestRejected, match="cannot load"):
        verifier_for(pki, chain=b"<html>not a certificate</html>").verify(pki.headers(body), body)


def test_the_default_roots_load_from_certifi():
    from skill.verify import default_roots

    roots = default_roots()
    assert len(roots) > 100
    assert any("Amazon Root CA 1" in root.subject.rfc4514_string() for root in roots)


class Clock:
    def __init__(self, pki):
        self.at = pki.now

    def __call__(self):
        return self.at

    def advance(self, seconds):
        import datetime

        self.at += datetime.timedelta(seconds=seconds)


def failing_fetch(fetched, answer=None, delay=0.0):
    """A certificate host that is down (or serves `answer`), counting every fetch at the network edge."""
    import time

    def fetch(url):
        fetched.append(url)
        time.sleep(delay)
        if answer is None:
            raise OSError("connection refused")
        return answer

    return fetch


@pytest.mark.parametrize("answer", [None, b"<html>not a certificate</html>"], ids=["unreachable", "garbage"])
def test_a_failed_certificate_fetch_is_remembered_briefly(pki, answer):
    fetched, clock = [], Clock(pki)
    verifier = RequestVerifier(fetch=failing_fetch(fetched, answer), roots=[pki.root], now=clock)
    body = signed_body("launch")
    for _ in range(50):
        with pytest.raises(RequestRejected, match="cannot load"):
            verifier.verify(pki.headers(body), body)
    assert fetched == [pki.CHAIN_URL]
    clock.advance(31)  # past FAILURE_TTL_S: fetched once more
    for _ in range(5):
        with pytest.raises(RequestRejected):
            verifier.verify(pki.headers(body), body)
    assert fetched == [pki.CHAIN_URL] * 2


def test_an_untrusted_chain_is_remembered_too(pki):
    stranger, fetched = AmazonPki(), []
    verifier = RequestVerifier(fetch=failing_fetch(fetched, stranger.chain_pem()), roots=[pki.root])
    body = signed_body("launch")
    for _ in range(10):
        with pytest.raises(RequestRejected, match="trusted root"):
            verifier.verify(stranger.headers(body), body)
    assert len(fetched) == 1


def test_the_certificate_host_recovering_is_noticed_after_the_ttl(pki):
    fetched, clock, up = [], Clock(pki), []

    def fetch(url):
        fetched.append(url)
        if not up:
            raise OSError("timed out")
        return pki.chain_pem()

    verifier = RequestVerifier(fetch=fetch, roots=[pki.root], now=clock)
    body = signed_body("launch")
    with pytest.raises(RequestRejected):
        verifier.verify(pki.headers(body), body)
    up.append(True)
    with pytest.raises(RequestRejected, match="not fetched again"):
        verifier.verify(pki.headers(body), body)
    clock.advance(31)
    for _ in range(3):
        verifier.verify(pki.headers(body), body)
    assert len(fetched) == 2


def test_a_concurrent_flood_fetches_once(pki):
    from concurrent.futures import ThreadPoolExecutor

    fetched = []
    verifier = RequestVerifier(fetch=failing_fetch(fetched, delay=0.2), roots=[pki.root])
    body = signed_body("launch")

    def attempt(_):
        with pytest.raises(RequestRejected):
            verifier.verify(pki.headers(body), body)

    with ThreadPoolExecutor(max_workers=16) as pool:
        list(pool.map(attempt, range(64)))
    assert fetched == [pki.CHAIN_URL]


def test_the_failures_kept_are_bounded(pki, monkeypatch):
    import skill.verify

    monkeypatch.setattr(skill.verify, "MAX_FAILURES_KEPT", 8)
    fetched = []
    verifier = RequestVerifier(fetch=failing_fetch(fetched), roots=[pki.root])
    body = signed_body("launch")
    for n in range(40):
        headers = dict(pki.headers(body), SignatureCertChainUrl=f"https://s3.amazonaws.com/echo.api/cert-{n}.pem")
        with pytest.raises(RequestRejected):
            verifier.verify(headers, body)
    assert len(fetched) == 40 and len(verifier._failures) <= 8


@pytest.mark.parametrize("context", [None, {}, {"System": None}, {"System": {"application": None}}, 5, "x"])
def test_a_signed_request_without_context_is_rejected_for_a_skill_id_never_crashes(pki, context):
    import datetime
    import json

    from tests.conftest import envelope

    request = envelope("launch")
    request["request"]["timestamp"] = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    request["context"] = context
    del request["session"]["application"]
    body = json.dumps(request).encode()
    with pytest.raises(RequestRejected, match="another skill"):
        verifier_for(pki, skill_id="amzn1.ask.skill.mine").verify(pki.headers(body), body)
