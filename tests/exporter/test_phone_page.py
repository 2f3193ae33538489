"""The phone library in a real browser: Debian's headless Chromium at a phone's size, against the
real server on loopback. The screenshot is kept under test-output/ for a person to look at."""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests.conftest import TESTS_DIR

PHONE = (390, 844)
OUTPUT = TESTS_DIR.parent / "test-output"


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if not found:
        if os.environ.get("CI"):
            pytest.fail("Chromium is missing; `make test` installs Debian's chromium package")
        pytest.skip("Chromium is not installed (make test installs it)")
    return found


@pytest.fixture
def live_server(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


def run_chromium(*args: str, profile: Path) -> subprocess.CompletedProcess:
    return subprocess.run([chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                           "--no-first-run", "--disable-background-networking", "--disable-component-update",
                           "--disable-sync", "--hide-scrollbars", f"--user-data-dir={profile}",
                           f"--window-size={PHONE[0]},{PHONE[1]}", *args],
                          capture_output=True, text=True, timeout=90)


def test_the_library_reads_well_on_a_phone(live_server, tmp_path):
    from PIL import Image

    OUTPUT.mkdir(exist_ok=True)
    screenshot = OUTPUT / "phone-library.png"
    screenshot.unlink(missing_ok=True)
    run_chromium(f"--screenshot={screenshot}", live_server + "/", profile=tmp_path / "profile")
    assert screenshot.exists(), "Chromium took no screenshot"
    image = Image.open(screenshot)
    assert image.size == PHONE
    # Something is drawn: the header band is the accent colour, not a blank page.
    assert image.getpixel((10, 10))[:3] == (0x1F, 0x6F, 0x78)

    dom = run_chromium("--dump-dom", live_server + "/", profile=tmp_path / "profile2").stdout
    assert "Hip routine" in dom and "Download MP3" in dom and "<audio" in dom
