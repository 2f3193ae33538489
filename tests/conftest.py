"""Shared fixtures: the real content library, a CLI runner, and a folder to write broken content into."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from content import load_library
from content.loader import DATA_DIR

TESTS_DIR = Path(__file__).parent
ROUTINE_IDS = ("hip", "lower-back", "desk", "partner", "core", "bedtime", "quick", "upright")


@pytest.fixture(scope="session")
def library():
    return load_library()


@pytest.fixture
def runner():
    return CliRunner()


@pytest.fixture
def exercise_data():
    """A valid exercise as plain data, to break one field at a time."""
    return yaml.safe_load((DATA_DIR / "exercises" / "knee-to-chest.yaml").read_text())


@pytest.fixture
def write_yaml(tmp_path):
    def write(relative: str, data) -> Path:
        path = tmp_path / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(data if isinstance(data, str) else yaml.safe_dump(data, sort_keys=False))
        return path

    return write


@pytest.fixture(autouse=True)
def private_stores(tmp_path_factory, monkeypatch):
    """Every test gets its own clip cache and skill database unless it asks for shared ones."""
    monkeypatch.setenv("STRETCH_COACH_CACHE", str(tmp_path_factory.mktemp("clip-cache")))
    monkeypatch.setenv("STRETCH_COACH_DB", str(tmp_path_factory.mktemp("skill-db") / "skill.sqlite3"))
    monkeypatch.delenv("DYNAMODB_TABLE", raising=False)
    monkeypatch.delenv("ALEXA_SKILL_ID", raising=False)


def decode_mp3(path):
    """The MP3 as a listener's player hears it: decoded by ffmpeg to mono float samples."""
    import subprocess

    import numpy as np

    from exporter.audio import ffmpeg_path

    raw = subprocess.run([ffmpeg_path(), "-v", "error", "-i", str(path), "-f", "s16le", "-ac", "1", "-"],
                         capture_output=True, check=True).stdout
    return np.frombuffer(raw, dtype=np.int16) / 32768.0


@pytest.fixture
def app(tmp_path, quick_export):
    """The Flask app with its audio folder holding the quick routine already rendered."""
    import shutil

    from coach.app import create_app

    result, _ = quick_export
    audio_dir = tmp_path / "audio"
    audio_dir.mkdir()
    for path in (result.mp3, result.cues, result.vtt):
        shutil.copy(path, audio_dir / path.name)
    return create_app({"TESTING": True, "AUDIO_DIR": str(audio_dir), "EXPORT_ENGINE": "espeak"})


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture(scope="session")
def quick_export(tmp_path_factory, library):
    """The quick routine rendered once with the default (neural, offline) voice, as `stretch-coach export` would."""
    from exporter.cache import ClipCache
    from exporter.export import ExportOptions, export_routines

    out = tmp_path_factory.mktemp("export")
    cache = ClipCache(tmp_path_factory.mktemp("shared-cache"))
    [result] = export_routines(library, ["quick"], out, ExportOptions(progress=False, cache=cache))
    return result, cache


REQUESTS_DIR = TESTS_DIR / "skill" / "requests"


def envelope(name: str) -> dict:
    """A request envelope from tests/skill/requests/ ('launch', 'intents/AMAZON.NextIntent', ...)."""
    import json

    return json.loads((REQUESTS_DIR / f"{name}.json").read_text())


class Alexa:
    """Plays Alexa's part against `lambda_handler()`: carries session attributes from one turn to the
    next, and starts a fresh session when told (as after a timeout)."""

    def __init__(self, handler, user: str = "amzn1.ask.account.TESTUSER"):
        self.handler = handler
        self.user = user
        self.attributes: dict | None = None
        self.timestamp = "2026-11-21T08:00:00Z"
        self.screen = False

    def send(self, name: str, **slots) -> dict:
        request = envelope(name)
        new = self.attributes is None
        request["session"]["new"] = new
        request["session"]["attributes"] = self.attributes or {}
        for holder in (request["session"], request["context"]["System"]):
            holder["user"]["userId"] = self.user
        request["request"]["timestamp"] = self.timestamp
        if self.screen:
            request["context"]["System"]["device"]["supportedInterfaces"] = {"Alexa.Presentation.APL": {
                "runtime": {"maxVersion": "2023.3"}}}
        for slot, value in slots.items():
            request["request"]["intent"]["slots"][slot] = {"name": slot, "value": value}
        answer = self.handler(request, None)
        ends = answer["response"].get("shouldEndSession", True) is not False and "reprompt" not in answer["response"]
        self.attributes = None if ends else answer.get("sessionAttributes", {})
        return answer

    def intent(self, name: str, **slots) -> dict:
        return self.send(f"intents/{name}", **slots)

    def end_session(self) -> None:
        self.attributes = None


def speech(answer: dict) -> str:
    return answer["response"]["outputSpeech"]["ssml"]


@pytest.fixture
def skill_db(tmp_path):
    return tmp_path / "skill.sqlite3"


@pytest.fixture
def alexa(skill_db):
    from skill.builder import build_skill
    from skill.persistence import SqliteAdapter

    return Alexa(build_skill(SqliteAdapter(skill_db), skill_id=None).lambda_handler())


class AmazonPki:
    """A certificate authority made in the test, standing in for Amazon's: a root, an intermediate
    and a signing certificate for echo-api.amazon.com, with helpers to sign request bodies."""

    CHAIN_URL = "https://s3.amazonaws.com/echo.api/echo-api-cert-12.pem"

    def __init__(self):
        import datetime

        from cryptography.hazmat.primitives.asymmetric import rsa

        self.now = datetime.datetime.now(datetime.timezone.utc)
        self.root_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.root = self.certificate("Test Root", self.root_key, self.root_key, None, ca=True)
        self.middle_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.middle = self.certificate("Test Intermediate", self.middle_key, self.root_key, self.root, ca=True)
        self.leaf_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.leaf = self.signing_certificate()

    def certificate(self, name, key, issuer_key, issuer, ca=False, san=None, days=(-1, 30)):
        import datetime

        from cryptography import x509
        from cryptography.hazmat.primitives import hashes
        from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

        subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
        builder = (x509.CertificateBuilder().subject_name(subject)
                   .issuer_name(issuer.subject if issuer else subject).public_key(key.public_key())
                   .serial_number(x509.random_serial_number())
                   .not_valid_before(self.now + datetime.timedelta(days=days[0]))
                   .not_valid_after(self.now + datetime.timedelta(days=days[1]))
                   .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
                   .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
                   .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()),
                                  critical=False))
        if ca:
            builder = builder.add_extension(x509.KeyUsage(
                digital_signature=True, content_commitment=False, key_encipherment=False, data_encipherment=False,
                key_agreement=False, key_cert_sign=True, crl_sign=True, encipher_only=False, decipher_only=False),
                critical=True)
        else:
            builder = (builder.add_extension(x509.SubjectAlternativeName([x509.DNSName(san)]), critical=False)
                       .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
                       .add_extension(x509.KeyUsage(
                           digital_signature=True, content_commitment=False, key_encipherment=True,
                           data_encipherment=False, key_agreement=False, key_cert_sign=False, crl_sign=False,
                           encipher_only=False, decipher_only=False), critical=True))
        return builder.sign(issuer_key, hashes.SHA256())

    def signing_certificate(self, san="echo-api.amazon.com", days=(-1, 30)):
        return self.certificate("echo-api.amazon.com", self.leaf_key, self.middle_key, self.middle, san=san,
                                days=days)

    def chain_pem(self, leaf=None) -> bytes:
        from cryptography.hazmat.primitives.serialization import Encoding

        return b"".join(c.public_bytes(Encoding.PEM) for c in (leaf or self.leaf, self.middle))

    def sign(self, body: bytes) -> str:
        import base64

        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.asymmetric import padding

        return base64.b64encode(self.leaf_key.sign(body, padding.PKCS1v15(), hashes.SHA256())).decode()

    def headers(self, body: bytes) -> dict:
        return {"SignatureCertChainUrl": self.CHAIN_URL, "Signature-256": self.sign(body),
                "Content-Type": "application/json"}


@pytest.fixture(scope="session")
def pki():
    return AmazonPki()


def signed_body(name: str, seconds_ago: float = 0) -> bytes:
    """A request fixture stamped `seconds_ago`, as the bytes Alexa would sign."""
    import datetime
    import json

    request = envelope(name)
    stamp = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(seconds=seconds_ago)
    request["request"]["timestamp"] = stamp.strftime("%Y-%m-%dT%H:%M:%SZ")
    return json.dumps(request).encode()


NODE_DIR = TESTS_DIR / "node"


def install_node_clients() -> Path:
    """npm's virtual-alexa and ssml-check-core, installed from tests/node/package-lock.json."""
    import shutil
    import subprocess

    if not shutil.which("npm"):
        raise RuntimeError("npm is needed for the outside-client tests (Node.js is on the standard image)")
    if not (NODE_DIR / "node_modules" / "virtual-alexa").exists():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=NODE_DIR, check=True,
                       capture_output=True, timeout=600)
    return NODE_DIR


@pytest.fixture(scope="session")
def node_clients():
    try:
        return install_node_clients()
    except RuntimeError as exc:
        pytest.fail(str(exc))


MODEL = TESTS_DIR.parent / "skill" / "skill-package" / "interactionModels" / "custom" / "en-US.json"
PHRASINGS = TESTS_DIR / "skill" / "phrasings.yaml"


def model_hears(*utterances: str) -> list[dict]:
    """What virtual-alexa makes of each utterance through the en-US model: {"utterance", "intent",
    "slots": {name: {"value", "id"}}}, intent None when nothing matches."""
    import json
    import subprocess

    done = subprocess.run(["node", str(install_node_clients() / "resolve.js"), str(MODEL), *utterances],
                          capture_output=True, text=True, timeout=120)
    if done.returncode != 0:
        raise RuntimeError(done.stderr)
    return [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]


def phrasing_results() -> list[tuple[dict, dict, bool]]:
    """Each everyday phrasing of tests/skill/phrasings.yaml with what the model heard and whether
    that is the right intent, routine (or focus and what to leave out) and length."""
    from content.spoken import number_words

    cases = yaml.safe_load(PHRASINGS.read_text())
    results = []
    for case, heard in zip(cases, model_hears(*(case["say"] for case in cases))):
        slots = heard["slots"]
        minutes = (slots.get("minutes") or {}).get("value")
        named = [slot for slot in ("routine", "focus", "avoid") if slot in case or slot in slots]
        right = (heard["intent"] == case["intent"]
                 and all((slots.get(slot) or {}).get("id") == case.get(slot) for slot in named)
                 and minutes in ({str(case["minutes"]), number_words(case["minutes"])} if "minutes" in case
                                 else {None}))
        results.append((case, heard, right))
    return results


@pytest.fixture(scope="session")
def lambda_package(tmp_path_factory):
    """The Lambda package as `sam build` makes it (`make build-SkillFunction`), for this interpreter:
    its dependencies installed for the running Python, and its bytecode compiled by it."""
    import subprocess
    import sys

    artifacts = tmp_path_factory.mktemp("lambda") / "package"
    version = "%d.%d" % sys.version_info[:2]
    subprocess.run(["make", "-s", "build-SkillFunction", f"ARTIFACTS_DIR={artifacts}", "LAMBDA_PIP_FLAGS=",
                    f"LAMBDA_PYTHON_VERSION={version}", f"PYTHON={sys.executable}"],
                   cwd=TESTS_DIR.parent, check=True, capture_output=True)
    return artifacts
