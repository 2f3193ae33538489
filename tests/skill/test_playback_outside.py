"""Continuous play as a real Echo would drive it: npm's virtual-alexa, with its simulated
AudioPlayer, speaking through the en-US model to `stretch-coach serve` on loopback. The routine's
published files are served over HTTPS on loopback by a certificate made in the test, which the
server trusts through SSL_CERT_FILE (Alexa streams only HTTPS, and virtual-alexa checks that)."""

from __future__ import annotations

import datetime
import functools
import http.server
import ipaddress
import json
import os
import shutil
import socket
import sqlite3
import ssl
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.skill.test_outside_clients import MODEL, free_port


def make_certificates(folder: Path) -> tuple[Path, Path, Path]:
    """A root made here and a certificate for 127.0.0.1 that it signs: (root, leaf, leaf key)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    now = datetime.datetime.now(datetime.timezone.utc)

    def build(name, key, issuer_name, issuer_key, ca):
        builder = (x509.CertificateBuilder()
                   .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)]))
                   .issuer_name(issuer_name).public_key(key.public_key()).serial_number(x509.random_serial_number())
                   .not_valid_before(now - datetime.timedelta(days=1)).not_valid_after(now + datetime.timedelta(days=2))
                   .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
                   .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
                   .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()),
                                  critical=False))
        if ca:
            builder = builder.add_extension(x509.KeyUsage(True, False, False, False, False, True, True, False, False),
                                            critical=True)
        else:
            builder = builder.add_extension(x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
        return builder.sign(issuer_key, hashes.SHA256())

    root_key, leaf_key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    root_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Test audio root")])
    root = build("Test audio root", root_key, root_name, root_key, ca=True)
    leaf = build("127.0.0.1", leaf_key, root.subject, root_key, ca=False)
    paths = folder / "root.pem", folder / "leaf.pem", folder / "leaf.key"
    paths[0].write_bytes(root.public_bytes(serialization.Encoding.PEM))
    paths[1].write_bytes(leaf.public_bytes(serialization.Encoding.PEM))
    paths[2].write_bytes(leaf_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                serialization.NoEncryption()))
    return paths


@pytest.fixture
def https_audio(tmp_path, quick_export):
    """The quick routine's MP3 and cue sheet at https://127.0.0.1:PORT/audio/, as S3 would serve them."""
    result, _ = quick_export
    site = tmp_path / "site"
    (site / "audio").mkdir(parents=True)
    for path in (result.mp3, result.cues):
        shutil.copy(path, site / "audio" / path.name)
    root, leaf, key = make_certificates(tmp_path)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(leaf, key)
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(site)))
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"https://127.0.0.1:{server.server_address[1]}", root, json.loads(result.cues.read_text())
    server.shutdown()


@pytest.fixture
def playing_server(tmp_path, https_audio):
    """`stretch-coach serve --no-verify` with STRETCH_COACH_AUDIO_URL at the HTTPS audio."""
    base, root, _ = https_audio
    port = free_port()
    command = [str(Path(sys.executable).with_name("stretch-coach")), "serve", "--no-verify", "--port", str(port),
               "--audio-dir", str(tmp_path / "library"), "--engine", "espeak"]
    env = os.environ | {"STRETCH_COACH_DB": str(tmp_path / "skill.sqlite3"), "STRETCH_COACH_AUDIO_URL": base,
                        "SSL_CERT_FILE": str(root)}
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
    yield f"http://127.0.0.1:{port}/alexa", tmp_path / "skill.sqlite3"
    process.terminate()
    process.wait(timeout=10)


USER = "amzn1.ask.account.PLAYBACKTEST"


def play(node_clients, url, *steps) -> list[dict]:
    """One virtual Echo, always the same account, going through the steps (see tests/node/play.js)."""
    done = subprocess.run(["node", str(node_clients / "play.js"), url, str(MODEL), *steps],
                          capture_output=True, text=True, timeout=120, env=os.environ | {"VA_USER_ID": USER})
    assert done.returncode == 0, done.stderr
    return [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]


def stored(db: Path) -> dict:
    with sqlite3.connect(db) as connection:
        [(data,)] = connection.execute("SELECT data FROM attributes").fetchall()
    return json.loads(data)


def test_play_pause_resume_next_finish(node_clients, playing_server, https_audio):
    url, db = playing_server
    base, _, cues = https_audio
    starts = [round(chapter["start_s"] * 1000) for chapter in cues["chapters"]]
    steps = play(node_clients, url, "say:play my quick routine", f"offset:{starts[1] + 4000}", "say:pause",
                 "say:resume", "say:next", "nearly", "finished")
    start, _, pause, resume, nxt, _, finished = steps

    assert start["player"]["playing"] and start["player"]["url"] == f"{base}/audio/quick.mp3"
    assert start["player"]["offset"] == 0 and start["player"]["token"].startswith("sc1:quick:")
    assert "quick routine" in start["reply"]["response"]["outputSpeech"]["ssml"]

    assert not pause["player"]["playing"] and "outputSpeech" not in pause["reply"]["response"]
    assert resume["player"]["playing"] and resume["player"]["offset"] == starts[1] + 4000

    assert nxt["player"]["playing"] and nxt["player"]["offset"] == starts[2]
    assert "outputSpeech" not in nxt["reply"]["response"]

    assert finished["reply"]["response"] == {}
    history = stored(db)["history"]
    assert history["finished"] == 1 and history["last_routine"] == "quick" and history["streak"] == 1


def test_resume_in_a_later_session_picks_up_where_the_player_stopped(node_clients, playing_server, https_audio):
    url, db = playing_server
    starts = [round(chapter["start_s"] * 1000) for chapter in https_audio[2]["chapters"]]
    play(node_clients, url, "say:play my quick routine", f"offset:{starts[2] + 1500}", "say:pause")
    assert stored(db)["playback"]["offset_ms"] == starts[2] + 1500
    # Later, another Echo session: its player is idle and knows nothing of our stream.
    later, again = play(node_clients, url, "say:resume", "say:start over")
    assert later["player"]["playing"] and later["player"]["offset"] == starts[2] + 1500
    assert later["player"]["url"].endswith("/audio/quick.mp3")
    assert again["player"]["playing"] and again["player"]["offset"] == 0
