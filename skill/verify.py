"""Verify that a request to the web service really comes from Alexa, as Amazon requires of a
skill hosted outside Lambda: the certificate URL, the certificate itself and its chain, the
signature over the raw body, the timestamp, and the skill id."""

from __future__ import annotations

import base64
import datetime
import functools
import json
import posixpath
import re
import threading
import warnings
import urllib.request
from typing import Callable
from urllib.parse import urlsplit

import certifi
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.utils import CryptographyDeprecationWarning
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.x509.verification import PolicyBuilder, Store, VerificationError

ECHO_HOST = "echo-api.amazon.com"
MAX_SKEW_S = 150
MAX_CHAIN_BYTES = 64 * 1024
FAILURE_TTL_S = 30  # how long a failed certificate URL is answered from memory before it is fetched again
MAX_FAILURES_KEPT = 1024  # URLs may vary freely under /echo.api/, so the failures kept are bounded


class RequestRejected(Exception):
    """The request cannot be shown to come from Alexa; answered with HTTP 400."""


def fetch_certificate_chain(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=5) as answer:  # noqa: S310 (the URL was checked to be Amazon's)
        return answer.read(MAX_CHAIN_BYTES)


def check_chain_url(url: str | None) -> None:
    if not url:
        raise RequestRejected("no SignatureCertChainUrl header")
    parts = urlsplit(url)
    if parts.scheme.lower() != "https":
        raise RequestRejected(f"certificate URL is not https: {url}")
    if (parts.hostname or "").lower() != "s3.amazonaws.com":
        raise RequestRejected(f"certificate URL is not on s3.amazonaws.com: {url}")
    if parts.port not in (None, 443):
        raise RequestRejected(f"certificate URL uses port {parts.port}: {url}")
    if not posixpath.normpath(parts.path).startswith("/echo.api/"):
        raise RequestRejected(f"certificate URL path is not under /echo.api/: {url}")


@functools.cache
def default_roots() -> tuple[x509.Certificate, ...]:
    """certifi's trusted roots, each loaded on its own: a root that a newer cryptography refuses
    (certifi carries one with a negative serial) is left out instead of failing the whole bundle."""
    with open(certifi.where(), "rb") as bundle:
        blocks = re.findall(rb"-----BEGIN CERTIFICATE-----.+?-----END CERTIFICATE-----", bundle.read(), re.S)
    roots = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CryptographyDeprecationWarning)
        for block in blocks:
            try:
                roots.append(x509.load_pem_x509_certificate(block))
            except ValueError:
                continue
    return tuple(roots)


class RequestVerifier:
    def __init__(self, skill_id: str | None = None, fetch: Callable[[str], bytes] = fetch_certificate_chain,
                 roots: list[x509.Certificate] | None = None,
                 now: Callable[[], datetime.datetime] = lambda: datetime.datetime.now(datetime.timezone.utc)):
        self.skill_id = skill_id
        self.fetch = fetch
        self.now = now
        self._roots = roots
        self._store: Store | None = None
        self._leaves: dict[str, x509.Certificate] = {}  # verified leaf by URL, kept until it expires
        self._failures: dict[str, tuple[datetime.datetime, str]] = {}  # URL -> (kept until, why it failed)
        self._lock = threading.Lock()
        self._fetch_locks = tuple(threading.Lock() for _ in range(16))  # by URL hash: one fetch per URL

    def verify(self, headers, body: bytes) -> dict:
        """The parsed request when every check passes; RequestRejected naming the first that fails."""
        url = headers.get("SignatureCertChainUrl")
        check_chain_url(url)
        leaf = self.certificate(url)
        signature = headers.get("Signature-256")
        if not signature:
            raise RequestRejected("no Signature-256 header")
        try:
            leaf.public_key().verify(base64.b64decode(signature, validate=True), body, padding.PKCS1v15(),
                                     hashes.SHA256())
        except (InvalidSignature, ValueError):
            raise RequestRejected("the body does not match its signature") from None
        try:
            request = json.loads(body)
            stamp = datetime.datetime.fromisoformat(request["request"]["timestamp"].replace("Z", "+00:00"))
        except (ValueError, KeyError, TypeError, AttributeError):
            raise RequestRejected("the request has no readable timestamp") from None
        if abs((self.now() - stamp).total_seconds()) > MAX_SKEW_S:
            raise RequestRejected(f"the request timestamp {stamp.isoformat()} is more than {MAX_SKEW_S} s away")
        if self.skill_id and _application_id(request) != self.skill_id:
            raise RequestRejected(f"the request is for another skill ({_application_id(request)})")
        return request

    def certificate(self, url: str) -> x509.Certificate:
        """The verified signing certificate at `url`. A good one is kept until it expires; a
        failure (unreachable, garbage, untrusted) is kept for FAILURE_TTL_S, so a flood of requests
        naming the URL costs one fetch, not one each. One fetch per URL is in flight at a time."""
        cached = self._cached(url)
        if cached is not None:
            return cached
        with self._fetch_locks[hash(url) % len(self._fetch_locks)]:
            cached = self._cached(url)  # another request may have fetched it while this one waited
            if cached is not None:
                return cached
            try:
                leaf = self._load(url)
            except RequestRejected as exc:
                with self._lock:
                    if len(self._failures) >= MAX_FAILURES_KEPT:
                        self._failures.pop(next(iter(self._failures)))  # the oldest
                    self._failures[url] = (self.now() + datetime.timedelta(seconds=FAILURE_TTL_S), str(exc))
                raise
            with self._lock:
                self._leaves[url] = leaf
                self._failures.pop(url, None)
            return leaf

    def _cached(self, url: str) -> x509.Certificate | None:
        """The kept certificate for `url`; RequestRejected again while a recent failure is kept."""
        now = self.now()
        with self._lock:
            leaf = self._leaves.get(url)
            failure = self._failures.get(url)
            if failure is not None and failure[0] <= now:
                del self._failures[url]
                failure = None
        if leaf is not None and leaf.not_valid_after_utc > now:
            return leaf
        if failure is not None:
            raise RequestRejected(f"{failure[1]} (failed moments ago; not fetched again)")
        return None

    def _load(self, url: str) -> x509.Certificate:
        now = self.now()
        try:
            chain = x509.load_pem_x509_certificates(self.fetch(url))
        except Exception as exc:  # a network failure or a file that is not a certificate chain
            raise RequestRejected(f"cannot load the certificate chain: {exc}") from None
        leaf, intermediates = chain[0], chain[1:]
        if not (leaf.not_valid_before_utc <= now <= leaf.not_valid_after_utc):
            raise RequestRejected("the signing certificate is not valid now")
        try:
            names = leaf.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        except x509.ExtensionNotFound:
            raise RequestRejected("the signing certificate has no subject alternative names") from None
        if ECHO_HOST not in names.get_values_for_type(x509.DNSName):
            raise RequestRejected(f"the signing certificate is not for {ECHO_HOST}")
        if self._store is None:  # built on first use: reading the system's roots takes a moment
            self._store = Store(list(self._roots if self._roots is not None else default_roots()))
        verifier = PolicyBuilder().store(self._store).time(now).build_server_verifier(x509.DNSName(ECHO_HOST))
        try:
            verifier.verify(leaf, intermediates)
        except VerificationError as exc:
            raise RequestRejected(f"the signing certificate does not chain to a trusted root: {exc}") from None
        return leaf


def _application_id(request: dict) -> str | None:
    """The applicationId from context.System, else from session; None when neither carries one (any
    part may be missing, null or of the wrong type in a hostile request)."""
    context = request.get("context") if isinstance(request, dict) else None
    system = context.get("System") if isinstance(context, dict) else None
    for holder in (system, request.get("session") if isinstance(request, dict) else None):
        application = holder.get("application") if isinstance(holder, dict) else None
        found = application.get("applicationId") if isinstance(application, dict) else None
        if found and isinstance(found, str):
            return found
    return None
