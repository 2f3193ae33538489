"""Continuous play in process: the real ask-sdk dispatch and SQLite store, the quick routine's real
cue sheet served over HTTP on loopback, and a device that plays what the skill tells it to."""

from __future__ import annotations

import functools
import http.server
import json
import shutil
import sqlite3
import threading

import pytest

from skill import audio
from skill.builder import build_skill
from skill.handlers.playback import stream_token
from skill.persistence import SqliteAdapter
from tests.conftest import envelope

USER = "amzn1.ask.account.TESTUSER"


@pytest.fixture
def published(tmp_path, quick_export, monkeypatch):
    """The quick routine's cue sheet on a real HTTP server on loopback, as the phone library or S3
    would publish it, and STRETCH_COACH_AUDIO_URL pointing there."""
    result, _ = quick_export
    (tmp_path / "site" / "audio").mkdir(parents=True)
    shutil.copy(result.cues, tmp_path / "site" / "audio" / result.cues.name)
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path / "site"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    monkeypatch.setenv("STRETCH_COACH_AUDIO_URL", f"http://127.0.0.1:{server.server_address[1]}/")
    audio.forget_cached()
    yield json.loads(result.cues.read_text())
    server.shutdown()
    audio.forget_cached()


class Device:
    """An Echo with a player: sends what the person says or presses and what the player reports,
    with the AudioPlayer context of whatever the skill last told it to play."""

    def __init__(self, handler):
        self.handler = handler
        self.token = None
        self.offset = 0
        self.activity = "IDLE"

    def _context(self, request: dict) -> dict:
        request["context"]["System"]["device"]["supportedInterfaces"] = {"AudioPlayer": {}}
        if self.token:
            request["context"]["AudioPlayer"] = {"token": self.token, "offsetInMilliseconds": self.offset,
                                                 "playerActivity": self.activity}
        else:
            request["context"].pop("AudioPlayer", None)
        return request

    def _send(self, request: dict) -> dict:
        answer = self.handler(request, None)
        for directive in answer["response"].get("directives", []):
            if directive["type"] == "AudioPlayer.Play":
                stream = directive["audioItem"]["stream"]
                self.token, self.offset, self.activity = stream["token"], stream["offsetInMilliseconds"], "PLAYING"
            elif directive["type"] == "AudioPlayer.Stop":
                self.activity = "STOPPED"
        return answer

    def say(self, name: str) -> dict:
        """An intent: 'audioplayer/PlayRoutineIntent-quick' or a built-in like 'intents/AMAZON.NextIntent'."""
        return self._send(self._context(envelope(name)))

    def press(self, command: str) -> dict:
        return self._send(self._context(envelope(f"audioplayer/{command}CommandIssued")))

    def report(self, event: str, offset: int | None = None) -> dict:
        if offset is not None:
            self.offset = offset
        request = self._context(envelope(f"audioplayer/{event}"))
        request["request"]["token"] = self.token
        if "offsetInMilliseconds" in request["request"]:
            request["request"]["offsetInMilliseconds"] = self.offset
        return self._send(request)


@pytest.fixture
def device(skill_db):
    return Device(build_skill(SqliteAdapter(skill_db), skill_id=None).lambda_handler())


def stored(skill_db) -> dict:
    """The user's row in the persistent store, as the next session will read it."""
    with sqlite3.connect(skill_db) as connection:
        [data] = connection.execute("SELECT data FROM attributes WHERE user_id = ?", (USER,)).fetchone()
    return json.loads(data)


def directive(answer: dict) -> dict:
    [only] = answer["response"]["directives"]
    return only


def chapter_starts_ms(cues: dict) -> list[int]:
    return [round(chapter["start_s"] * 1000) for chapter in cues["chapters"]]


def test_play_streams_the_published_mp3_from_the_start(device, published):
    answer = device.say("audioplayer/PlayRoutineIntent-quick")
    play = directive(answer)
    assert play["type"] == "AudioPlayer.Play" and play["playBehavior"] == "REPLACE_ALL"
    stream = play["audioItem"]["stream"]
    assert stream["url"] == audio.base_url() + "/audio/quick.mp3" and stream["offsetInMilliseconds"] == 0
    assert stream["token"] == stream_token(USER, "quick") and len(stream["token"]) < 40
    assert stream_token("amzn1.ask.account.OTHER", "quick") != stream["token"]
    assert "quick routine" in answer["response"]["outputSpeech"]["ssml"]
    assert answer["response"]["shouldEndSession"] is True


def test_without_a_player_the_routine_is_guided(device, published):
    request = envelope("audioplayer/PlayRoutineIntent-quick")
    request["context"]["System"]["device"]["supportedInterfaces"] = {}
    answer = device.handler(request, None)
    assert "directives" not in answer["response"] or not any(
        d["type"].startswith("AudioPlayer") for d in answer["response"]["directives"])
    assert "quick" in answer["response"]["outputSpeech"]["ssml"] and answer["response"]["reprompt"]


def test_next_and_previous_jump_between_chapter_starts(device, published):
    starts = chapter_starts_ms(published)
    device.say("audioplayer/PlayRoutineIntent-quick")
    device.offset = starts[1] + 5000  # five seconds into the second chapter
    assert directive(device.say("intents/AMAZON.NextIntent"))["audioItem"]["stream"]["offsetInMilliseconds"] == starts[2]
    device.offset = starts[2] + 1000  # only just into the third: back goes to the second
    answer = device.press("Previous")
    assert directive(answer)["audioItem"]["stream"]["offsetInMilliseconds"] == starts[1]
    assert "outputSpeech" not in answer["response"]
    device.offset = starts[1] + 20000  # well into a chapter: back goes to its start
    assert directive(device.say("intents/AMAZON.PreviousIntent"))["audioItem"]["stream"]["offsetInMilliseconds"] == starts[1]
    device.offset = starts[-1] + 1000  # in the last chapter, next lets it play on
    assert not device.press("Next")["response"].get("directives")


def test_pause_keeps_the_offset_for_resume_in_a_later_session(device, published, skill_db):
    device.say("audioplayer/PlayRoutineIntent-quick")
    device.report("PlaybackStarted")
    stop = device.say("intents/AMAZON.PauseIntent")
    assert directive(stop)["type"] == "AudioPlayer.Stop" and "outputSpeech" not in stop["response"]
    assert device.report("PlaybackStopped", offset=83_250)["response"] == {}
    assert stored(skill_db)["playback"]["offset_ms"] == 83_250

    # Later, another session, and the player has moved on to something else.
    device.token, device.offset, device.activity = "someone-elses-song", 1000, "STOPPED"
    resumed = device.say("intents/AMAZON.ResumeIntent")
    stream = directive(resumed)["audioItem"]["stream"]
    assert stream["offsetInMilliseconds"] == 83_250 and stream["url"].endswith("/audio/quick.mp3")

    device.report("PlaybackStopped", offset=90_000)
    assert directive(device.say("intents/AMAZON.StartOverIntent"))["audioItem"]["stream"]["offsetInMilliseconds"] == 0


def test_finishing_the_stream_counts_the_routine_as_done(device, published, skill_db):
    device.say("audioplayer/PlayRoutineIntent-quick")
    device.report("PlaybackNearlyFinished", offset=280_000)
    assert device.report("PlaybackFinished", offset=300_000)["response"] == {}
    state = stored(skill_db)
    assert state["history"]["finished"] == 1 and state["history"]["last_routine"] == "quick"
    assert state["history"]["streak"] == 1 and state["history"]["started"] == {"quick": 1}
    assert state["playback"]["status"] == "finished"


def test_a_failed_stream_is_answered_without_speech_and_keeps_the_place(device, published, skill_db, caplog):
    device.say("audioplayer/PlayRoutineIntent-quick")
    device.report("PlaybackStopped", offset=42_000)
    answer = device.report("PlaybackFailed")
    assert answer["response"] == {}
    assert "playback of sc1:quick" in caplog.text and "could not be reached" in caplog.text
    assert stored(skill_db)["playback"]["offset_ms"] == 42_000  # the failure named no later offset
    assert directive(device.press("Play"))["audioItem"]["stream"]["offsetInMilliseconds"] == 42_000


def test_guided_pause_is_untouched_when_no_stream_of_ours_plays(device, published):
    request = envelope("intents/AMAZON.PauseIntent")
    answer = device.handler(request, None)
    assert "directives" not in answer["response"] or not answer["response"]["directives"]
    assert answer["response"]["outputSpeech"]


def test_plain_http_is_refused_away_from_loopback(monkeypatch):
    monkeypatch.setenv("STRETCH_COACH_AUDIO_URL", "http://audio.example.com/stretch-coach")
    with pytest.raises(audio.AudioError, match="https"):
        audio.stream_url("hip")
    monkeypatch.setenv("STRETCH_COACH_AUDIO_URL", "https://audio.example.com/stretch-coach/")
    assert audio.stream_url("hip") == "https://audio.example.com/stretch-coach/audio/hip.mp3"


@pytest.mark.parametrize("intent", ["AMAZON.StopIntent", "AMAZON.CancelIntent"])
def test_stop_while_our_stream_plays_stops_it_quietly(device, published, intent):
    device.say("audioplayer/PlayRoutineIntent-quick")
    answer = device.say(f"intents/{intent}")
    assert directive(answer)["type"] == "AudioPlayer.Stop" and "outputSpeech" not in answer["response"]
