"""`stretch-coach serve` started as a user starts it: a real process on a free loopback port."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

from content import load_library


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class RunningServer:
    process: subprocess.Popen
    port: int
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def stop(self, timeout: float = 15) -> int:
        """SIGTERM, as a service manager stops it; the exit code."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=timeout)


def start_server(folder: Path, verify: bool = False) -> RunningServer:
    """`stretch-coach serve` (with --no-verify unless `verify`) with its own database, and an audio folder
    where every routine is already there (empty stand-ins), so the background render has nothing to do."""
    audio = folder / "audio"
    audio.mkdir(parents=True)
    for routine_id in load_library().routines:
        for suffix in (".mp3", ".cues.json", ".vtt"):
            (audio / f"{routine_id}{suffix}").touch()
    port = free_port()
    log = folder / "server.log"
    command = [str(Path(sys.executable).with_name("stretch-coach")), "serve", "--port", str(port),
               "--audio-dir", str(audio), "--engine", "espeak", *([] if verify else ["--no-verify"])]
    env = os.environ | {"STRETCH_COACH_DB": str(folder / "skill.sqlite3"),
                        "STRETCH_COACH_CACHE": str(folder / "clips")}
    with open(log, "wb") as sink:
        process = subprocess.Popen(command, env=env, stdout=sink, stderr=subprocess.STDOUT)
    server = RunningServer(process, port, log)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:  # ready when the app answers, not merely when the port is open
        if process.poll() is not None:
            pytest.fail(f"the server exited with {process.returncode}:\n{server.output()}")
        try:
            with urllib.request.urlopen(f"{server.url}/ready.json", timeout=2) as answer:
                if answer.status == 200:
                    return server
        except OSError:
            time.sleep(0.2)
    process.kill()
    pytest.fail("the server did not answer within 30 s:\n" + server.output())


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """One server for the module's requests; stopped at the end."""
    server = start_server(tmp_path_factory.mktemp("serve"))
    yield server
    server.stop()


@pytest.fixture
def own_server(tmp_path):
    """Starts servers of the test's own (for a test that stops one, or checks requests); kills what is left."""
    started = []

    def start(verify: bool = False) -> RunningServer:
        started.append(start_server(tmp_path / f"server{len(started)}", verify))
        return started[-1]

    yield start
    for server in started:
        if server.process.poll() is None:
            server.process.kill()
            server.process.wait()
