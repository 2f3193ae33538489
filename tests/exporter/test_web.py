"""The phone library through Flask's test client."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from tests.conftest import ROUTINE_IDS


def test_the_page_lists_every_routine_with_player_and_download(client):
    page = client.get("/").get_data(as_text=True)
    for routine_id in ROUTINE_IDS:
        assert f'id="{routine_id}"' in page
        assert f'src="/audio/{routine_id}.mp3"' in page
        assert f'href="/audio/{routine_id}.mp3?download=1"' in page
    assert "Cat cow" in page and " min</span>" in page
    assert '<link rel="alternate" type="application/rss+xml"' in page and 'href="/feed.xml"' in page
    assert 'name="viewport"' in page and "not medical advice" in page


def test_an_mp3_is_served_whole_and_in_ranges(client, app):
    whole = client.get("/audio/quick.mp3")
    assert whole.status_code == 200 and whole.mimetype == "audio/mpeg"
    assert whole.headers["Accept-Ranges"] == "bytes"
    size = len(whole.data)
    part = client.get("/audio/quick.mp3", headers={"Range": "bytes=1000-1999"})
    assert part.status_code == 206 and len(part.data) == 1000
    assert part.headers["Content-Range"] == f"bytes 1000-1999/{size}"
    assert part.data == whole.data[1000:2000]


def test_download_is_an_attachment(client):
    response = client.get("/audio/quick.mp3?download=1")
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert "stretch-coach-quick.mp3" in response.headers["Content-Disposition"]


def test_cue_sheet_and_captions_are_served(client):
    assert client.get("/audio/quick.cues.json").get_json()["routine"] == "quick"
    assert client.get("/audio/quick.vtt").get_data(as_text=True).startswith("WEBVTT")


def test_a_routine_is_rendered_on_first_request_then_served_from_disk(client, app, monkeypatch):
    from pathlib import Path

    audio_dir = Path(app.config["AUDIO_DIR"])
    assert not (audio_dir / "desk.mp3").exists()
    first = client.get("/audio/desk.mp3")
    assert first.status_code == 200 and first.data[:3] in (b"ID3", b"\xff\xfb")
    modified = (audio_dir / "desk.mp3").stat().st_mtime_ns

    def no_render(*_, **__):
        raise AssertionError("rendered twice")

    monkeypatch.setattr("exporter.web.Exporter", no_render)
    assert client.get("/audio/desk.mp3").data == first.data
    assert (audio_dir / "desk.mp3").stat().st_mtime_ns == modified


def test_an_unknown_routine_is_404(client):
    assert client.get("/audio/yoga.mp3").status_code == 404


def test_the_feed_has_one_enclosure_per_routine(client, app):
    app.config["AUDIO_URL"] = "https://stretch.example.org"
    response = client.get("/feed.xml")
    assert response.mimetype == "application/rss+xml"
    channel = ET.fromstring(response.data).find("channel")
    items = channel.findall("item")
    assert len(items) == len(ROUTINE_IDS)
    enclosures = {item.find("enclosure").get("url"): item.find("enclosure") for item in items}
    quick = enclosures["https://stretch.example.org/audio/quick.mp3"]
    assert quick.get("type") == "audio/mpeg" and int(quick.get("length")) > 100_000
    assert channel.find("title").text == "Stretch Coach"
