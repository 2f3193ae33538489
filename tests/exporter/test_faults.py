"""Exports under faults, as a user would meet them: a kill at any moment, a full or read-only disk,
a bad output path, Ctrl-C while clips are queued. Nothing is lost and nothing half-made is left."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from mutagen.mp3 import MP3

from exporter.cache import SUFFIX, ClipCache
from exporter.fileset import recover

STRETCH_COACH = Path(sys.executable).parent / "stretch-coach"
SETS = ("quick.mp3", "quick.cues.json", "quick.vtt")

# Runs an export of `quick` and kills itself (SIGKILL, as a power cut or the OOM killer would)
# at the stage named by argv[2]: "encode" while the MP3 is being written, or "rename-N" just
# before the N-th rename of the commit.
KILLED_EXPORT = textwrap.dedent("""
    import os, signal, sys, types
    from pathlib import Path
    import exporter.export, exporter.fileset
    from content import load_library
    from exporter.export import ExportOptions, export_routines

    stage = sys.argv[2]
    if stage == "encode":
        real_encode = exporter.export.encode_mp3
        def encode_then_die(plan, clips, gains, path, *args, **kwargs):
            real_encode(plan, clips, gains, path, *args, **kwargs)
            os.kill(os.getpid(), signal.SIGKILL)
        exporter.export.encode_mp3 = encode_then_die
    else:
        calls, at = [0], int(stage.split("-")[1])
        def replace_or_die(source, target):
            calls[0] += 1
            if calls[0] == at:
                os.kill(os.getpid(), signal.SIGKILL)
            os.replace(source, target)
        exporter.fileset.os = types.SimpleNamespace(**{**vars(os), "replace": replace_or_die})
    export_routines(load_library(), ["quick"], Path(sys.argv[1]), ExportOptions(engine="espeak", progress=False))
""")


def export_cli(*args, env_extra=None) -> subprocess.CompletedProcess:
    env = os.environ | (env_extra or {})
    return subprocess.run([str(STRETCH_COACH), "export", "quick", "--engine", "espeak", *args],
                          capture_output=True, text=True, env=env, timeout=300)


def consistent_set(folder: Path) -> float:
    """The three files are there and belong together; returns the routine's length."""
    assert sorted(p.name for p in folder.iterdir()) == sorted(SETS)
    sheet = json.loads((folder / "quick.cues.json").read_text())
    assert MP3(folder / "quick.mp3").info.length == pytest.approx(sheet["duration_s"], abs=0.1)
    last_speech = [s for s in sheet["segments"] if s["kind"] == "speech"][-1]
    assert last_speech["text"] in (folder / "quick.vtt").read_text()
    return sheet["duration_s"]


@pytest.fixture(scope="module")
def warm_cache(tmp_path_factory):
    """A clip cache with the quick routine's clips at both hold scales used below."""
    root = tmp_path_factory.mktemp("fault-cache")
    env = {"STRETCH_COACH_CACHE": str(root)}
    old = tmp_path_factory.mktemp("old")
    for scale in ("0.5", "1"):
        assert export_cli("-o", str(old), "--hold-scale", scale, env_extra=env).returncode == 0
    return env


@pytest.mark.parametrize("stage", ["encode", "rename-1", "rename-2", "rename-3", "rename-4"])
def test_a_kill_at_any_stage_leaves_the_old_set_or_the_new_one(tmp_path, warm_cache, stage):
    out = tmp_path / "out"
    assert export_cli("-o", str(out), "--hold-scale", "0.5", env_extra=warm_cache).returncode == 0
    old_length = consistent_set(out)

    killed = subprocess.run([sys.executable, "-c", KILLED_EXPORT, str(out), stage], env=os.environ | warm_cache,
                            capture_output=True, timeout=300)
    assert killed.returncode == -signal.SIGKILL

    recover(out)  # what the next export, or the phone library, does first
    length = consistent_set(out)
    assert length == old_length if stage in ("encode", "rename-1") else length > old_length


def test_leftovers_of_a_killed_export_are_cleaned_up_by_the_next(tmp_path, warm_cache):
    out = tmp_path / "out"
    killed = subprocess.run([sys.executable, "-c", KILLED_EXPORT, str(out), "encode"], env=os.environ | warm_cache,
                            capture_output=True, timeout=300)
    assert killed.returncode == -signal.SIGKILL
    assert any(p.name.endswith(".part") for p in out.iterdir())
    assert export_cli("-o", str(out), env_extra=warm_cache).returncode == 0
    consistent_set(out)


def one_error_line(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 1, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and "Traceback" not in result.stderr
    return lines[0]


def test_an_output_path_under_a_regular_file_is_one_clear_error(tmp_path, warm_cache):
    blocker = tmp_path / "notes.txt"
    blocker.write_text("not a folder")
    line = one_error_line(export_cli("-o", str(blocker / "out"), env_extra=warm_cache))
    assert "notes.txt" in line


@pytest.fixture
def small_disk(tmp_path):
    """A real, tiny filesystem (tmpfs); mounting needs root, as CI has."""
    mount = tmp_path / "disk"
    mount.mkdir()

    def make(options: str) -> Path:
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(mount)], capture_output=True)
        if done.returncode != 0:
            pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
        return mount

    yield make
    subprocess.run(["umount", str(mount)], capture_output=True)


def test_a_full_disk_is_one_clear_error_and_leaves_nothing(small_disk, warm_cache):
    disk = small_disk("size=64k")
    line = one_error_line(export_cli("-o", str(disk), env_extra=warm_cache))
    assert "space" in line.lower() or "ffmpeg" in line.lower()
    assert not list(disk.iterdir())


def test_a_read_only_disk_is_one_clear_error(small_disk, warm_cache):
    disk = small_disk("size=1m,ro")
    line = one_error_line(export_cli("-o", str(disk / "out"), env_extra=warm_cache))
    assert "read-only" in line.lower()


def listening_for_ctrl_c() -> None:
    """Ctrl-C as from a terminal: a suite started in the background, where the shell ignores SIGINT,
    would otherwise hand that on to the command it starts."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def test_ctrl_c_while_clips_are_queued_stops_at_once_and_keeps_what_was_made(tmp_path):
    cache = tmp_path / "cache"
    process = subprocess.Popen([str(STRETCH_COACH), "export", "hip", "-o", str(tmp_path / "out")],
                               env=os.environ | {"STRETCH_COACH_CACHE": str(cache)}, preexec_fn=listening_for_ctrl_c,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while len(list(cache.rglob(f"*{SUFFIX}"))) < 3 and time.monotonic() < deadline:
        time.sleep(0.05)
    process.send_signal(signal.SIGINT)
    interrupted = time.monotonic()
    _, stderr = process.communicate(timeout=30)
    assert time.monotonic() - interrupted < 2
    assert process.returncode == 130 and "stopped" in stderr and "Traceback" not in stderr
    made = list(cache.rglob(f"*{SUFFIX}"))
    assert len(made) >= 3 and not list(cache.rglob("*.part"))
    assert not (tmp_path / "out" / "hip.mp3").exists()


def test_the_same_phrase_twice_gives_the_same_clip(tmp_path):
    from exporter.engines import choose_engine

    engine = choose_engine("piper")
    first, rate = engine.synthesize("Let your knees fall gently to the left.")
    again, _ = engine.synthesize("Let your knees fall gently to the left.")
    assert (first == again).all() and rate == 22050
    cache = ClipCache(tmp_path)
    stored = cache.put(engine.voice, 24000, "phrase", first)
    assert (cache.put(engine.voice, 24000, "phrase", again).samples == stored.samples).all()


def test_a_voice_file_is_known_by_its_content(tmp_path):
    """The bundled voice is known by the hash its installer recorded, which must be the hash of the
    file as it is; a copy of it given with --voice is hashed, and is the same voice; a changed copy
    is another voice, so it never shares cached clips."""
    import shutil

    from exporter.engines import PiperEngine, file_identity

    bundled = PiperEngine()
    assert bundled.voice.split(":")[1] == file_identity(bundled.model)
    copy = tmp_path / "voice.onnx"
    shutil.copy(bundled.model, copy)
    shutil.copy(bundled.config, tmp_path / "voice.onnx.json")
    assert PiperEngine(model=copy).voice == bundled.voice
    with open(copy, "r+b") as handle:
        handle.seek(1000)
        byte = handle.read(1)[0]
        handle.seek(1000)
        handle.write(bytes([byte ^ 0xFF]))
    assert PiperEngine(model=copy).voice != bundled.voice


def test_a_bundled_file_that_is_not_what_its_installer_recorded_is_not_trusted(tmp_path, monkeypatch):
    """An installed voice file is known by the hash in its package's RECORD only while its size is
    the recorded one: a file cut short or replaced gets no identity from the record."""
    import base64
    import hashlib

    from exporter.engines import installed_identity

    model = tmp_path / "voicepkg" / "voice.onnx"
    model.parent.mkdir()
    content = b"a voice model"
    model.write_bytes(content)
    recorded = base64.urlsafe_b64encode(hashlib.sha256(content).digest()).rstrip(b"=").decode()
    info = tmp_path / "voicepkg-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: voicepkg\nVersion: 1.0\n")
    (info / "RECORD").write_text(f"voicepkg/voice.onnx,sha256={recorded},{len(content)}\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    assert installed_identity("voicepkg", model) == hashlib.sha256(content).hexdigest()[:16]
    model.write_bytes(content[:5])
    assert installed_identity("voicepkg", model) is None
    assert installed_identity("no-such-package", model) is None
