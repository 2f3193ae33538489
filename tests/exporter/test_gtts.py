"""Google's voice through a mocked HTTP layer: the network edge is the only thing faked."""

from __future__ import annotations

import base64
import subprocess
import time

import numpy as np
import pytest
import requests
import responses

from coach.cli import main
from exporter.audio import ffmpeg_path
from exporter.engines import GttsEngine, VoiceSettings, choose_engine
from exporter.errors import ExportError
from exporter.espeak import Espeak

GOOGLE = "https://translate.google.com/_/TranslateWebserverUi/data/batchexecute"


@pytest.fixture(scope="module")
def spoken_mp3() -> bytes:
    """A real MP3 of a spoken phrase, as Google would send one."""
    samples = Espeak.get().synthesize("Hold for thirty seconds.")
    return subprocess.run([ffmpeg_path(), "-v", "error", "-f", "s16le", "-ar", "22050", "-ac", "1", "-i", "-",
                           "-c:a", "libmp3lame", "-b:a", "32k", "-f", "mp3", "-"],
                          input=samples.tobytes(), capture_output=True, check=True).stdout


def google_answer(mp3: bytes) -> str:
    encoded = base64.b64encode(mp3).decode()
    return ')]}\'\n\n[["wrb.fr","jQ1olc","[\\"' + encoded + '\\"]",null,null,null,"generic"]]\n'


@pytest.fixture
def no_sleep():
    slept = []
    return slept, slept.append


@responses.activate
def test_a_phrase_comes_back_as_samples(spoken_mp3):
    responses.post(GOOGLE, body=google_answer(spoken_mp3))
    samples, rate = GttsEngine().synthesize("Hold for thirty seconds.")
    assert rate in (22050, 24000) and samples.dtype == np.int16 and len(samples) > rate
    assert len(responses.calls) == 1


@responses.activate
def test_busy_google_is_retried_with_backoff(spoken_mp3, no_sleep):
    slept, sleep = no_sleep
    responses.post(GOOGLE, status=429)
    responses.post(GOOGLE, status=503)
    responses.post(GOOGLE, body=google_answer(spoken_mp3))
    samples, _ = GttsEngine(sleep=sleep).synthesize("Hold for thirty seconds.")
    assert len(samples) > 0 and len(responses.calls) == 3
    assert len(slept) == 2 and slept[1] > slept[0] * 1.0 and 0.5 <= slept[0] <= 1.0


@responses.activate
def test_google_that_stays_busy_fails_clearly(no_sleep):
    _, sleep = no_sleep
    responses.post(GOOGLE, status=429)
    with pytest.raises(ExportError, match="HTTP 429"):
        GttsEngine(retries=2, sleep=sleep).synthesize("Hold.")
    assert len(responses.calls) == 3


@responses.activate
def test_a_timeout_fails_fast_with_a_way_out():
    responses.post(GOOGLE, body=requests.exceptions.ConnectTimeout("timed out"))
    started = time.monotonic()
    with pytest.raises(ExportError, match="unreachable.*--engine piper"):
        GttsEngine().synthesize("Hold.")
    assert time.monotonic() - started < 2
    assert len(responses.calls) == 1


@responses.activate
def test_an_empty_answer_is_an_error_not_an_empty_clip():
    responses.post(GOOGLE, body=google_answer(b""))
    with pytest.raises(ExportError, match="no audio"):
        GttsEngine().synthesize("Hold.")


@responses.activate
def test_an_answer_without_audio_is_an_error():
    responses.post(GOOGLE, body=")]}'\n[]\n")
    with pytest.raises(ExportError):
        GttsEngine().synthesize("Hold.")


@responses.activate
def test_auto_falls_back_to_the_offline_voice_once_with_a_notice():
    responses.post(GOOGLE, body=requests.exceptions.ConnectionError("no route to host"))
    notices = []
    engine = choose_engine("auto", notice=notices.append)
    assert engine.name == "piper" and len(notices) == 1 and "offline voice" in notices[0]


@responses.activate
def test_auto_keeps_google_when_it_answers(spoken_mp3):
    responses.post(GOOGLE.replace(".com/", ".co.uk/"), body=google_answer(spoken_mp3))
    assert choose_engine("auto", VoiceSettings(accent="co.uk"), notice=pytest.fail).voice == "gtts:en:co.uk:normal"


@responses.activate
def test_the_export_command_fails_within_seconds_when_google_is_unreachable(runner, tmp_path):
    responses.post(GOOGLE, body=requests.exceptions.ConnectionError("no route to host"))
    started = time.monotonic()
    result = runner.invoke(main, ["export", "quick", "--engine", "gtts", "-o", str(tmp_path)])
    assert result.exit_code == 1 and "unreachable" in result.output
    assert time.monotonic() - started < 5
    assert not list(tmp_path.iterdir())


def test_an_unknown_routine_lists_the_real_ones(runner, tmp_path):
    result = runner.invoke(main, ["export", "yoga", "--engine", "espeak", "-o", str(tmp_path)])
    assert result.exit_code == 2 and "unknown routine 'yoga'" in result.output and "hip" in result.output


def test_export_is_quiet_when_not_on_a_terminal(runner, tmp_path):
    result = runner.invoke(main, ["export", "quick", "--engine", "espeak", "-o", str(tmp_path)])
    assert result.exit_code == 0
    lines = result.output.strip().splitlines()
    assert lines == [f"{tmp_path / 'quick.mp3'}  " + lines[0].split("  ", 1)[1]] and "new clips" in lines[0]
    assert "it/s" not in result.output and "%|" not in result.output


def test_export_shows_progress_on_a_terminal(library, tmp_path, capsys):
    from exporter.export import ExportOptions, export_routines

    export_routines(library, ["quick"], tmp_path, ExportOptions(engine="espeak", progress=True))
    assert "%|" in capsys.readouterr().err
