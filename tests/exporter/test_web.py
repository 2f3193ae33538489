"""The phone library through Flask's test client."""

from __future__ import annotations

import json
import threading
import time
import xml.etree.ElementTree as ET
from pathlib import Path

from tests.conftest import ROUTINE_IDS

ITUNES = "{http://www.itunes.com/dtds/podcast-1.0.dtd}"


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

    monkeypatch.setattr("exporter.library.Exporter", no_render)
    assert client.get("/audio/desk.mp3").data == first.data
    assert (audio_dir / "desk.mp3").stat().st_mtime_ns == modified


def test_an_unknown_routine_is_404(client):
    assert client.get("/audio/yoga.mp3").status_code == 404


def test_the_feed_lists_ready_routines_with_their_real_size_and_length(client, app):
    app.config["AUDIO_URL"] = "https://stretch.example.org"
    audio_dir = Path(app.config["AUDIO_DIR"])
    response = client.get("/feed.xml", headers={"Host": "attacker.example"})
    assert response.mimetype == "application/rss+xml" and b"attacker.example" not in response.data
    channel = ET.fromstring(response.data).find("channel")
    enclosures = {item.find("enclosure").get("url"): item for item in channel.findall("item")}
    assert list(enclosures) == ["https://stretch.example.org/audio/quick.mp3"]
    quick = enclosures["https://stretch.example.org/audio/quick.mp3"]
    assert int(quick.find("enclosure").get("length")) == (audio_dir / "quick.mp3").stat().st_size
    duration = json.loads((audio_dir / "quick.cues.json").read_text())["duration_s"]
    assert quick.find(f"{ITUNES}duration").text == str(round(duration))
    assert channel.find("title").text == "Stretch Coach"


def test_the_feed_uses_the_request_address_only_when_no_public_url_is_configured(client, app):
    app.config["AUDIO_URL"] = None
    assert b"http://phone.local/audio/quick.mp3" in client.get("/feed.xml", base_url="http://phone.local").data


def test_a_missing_sidecar_is_remade_not_a_server_error(client, app):
    (Path(app.config["AUDIO_DIR"]) / "quick.vtt").unlink()
    assert not client.get("/ready.json").get_json()["quick"]
    response = client.get("/audio/quick.vtt")
    assert response.status_code == 200 and response.get_data(as_text=True).startswith("WEBVTT")


def test_concurrent_first_requests_render_a_routine_once(app, monkeypatch):
    import exporter.library

    renders, real = [], exporter.library.Exporter.export

    def counted(self, routine_id, *args, **kwargs):
        renders.append(routine_id)
        return real(self, routine_id, *args, **kwargs)

    monkeypatch.setattr(exporter.library.Exporter, "export", counted)
    answers = []

    def fetch():
        answers.append(app.test_client().get("/audio/desk.mp3").status_code)

    threads = [threading.Thread(target=fetch) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert answers == [200] * 4 and renders == ["desk"]


def test_the_server_renders_every_routine_in_the_background_from_start(tmp_path):
    from coach.app import create_app

    app = create_app({"TESTING": True, "AUDIO_DIR": str(tmp_path), "EXPORT_ENGINE": "espeak", "RENDER_ON_START": True})
    client = app.test_client()
    deadline = time.monotonic() + 240
    while not all(client.get("/ready.json").get_json().values()) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert all(client.get("/ready.json").get_json().values())
    page = client.get("/").get_data(as_text=True)
    assert page.count('data-ready="yes"') == len(ROUTINE_IDS) and "Being prepared" not in page


def test_the_page_offers_a_routine_made_to_measure(client):
    page = client.get("/").get_data(as_text=True)
    assert 'action="/made-to-measure"' in page
    assert 'name="focus" value="lower-back"' in page and "lower back" in page
    assert 'name="avoid" value="floor"' in page and 'name="minutes"' in page and 'max="120"' in page


def test_bad_made_to_measure_requests_are_400_saying_why(client):
    for query, expected in [("focus=hips&minutes=abc", "Minutes: Input should be a valid number"),
                            ("focus=knees&minutes=10", "Focus: Input should be"),
                            ("focus=hips&avoid=sofa", "Avoid: Input should be"),
                            ("focus=hips&minutes=500", "Minutes: Input should be less than or equal to 120"),
                            ("focus=core&minutes=2", "cannot be fitted to 2 minutes; it runs from six to"),
                            ("focus=hamstrings&avoid=floor&minutes=10", "I can make one for your hips")]:
        response = client.get(f"/made-to-measure?{query}")
        page = response.get_data(as_text=True)
        assert response.status_code == 400 and expected in page.replace("&#39;", "'"), query
        assert 'action="/made-to-measure"' in page  # the form again, to try something else


def test_a_routine_made_to_measure_is_rendered_once_in_the_background_and_played(app, monkeypatch):
    import exporter.library

    renders, real = [], exporter.library.Exporter.export

    def counted(self, routine_id, *args, **kwargs):
        renders.append(self.options.routine)
        return real(self, routine_id, *args, **kwargs)

    monkeypatch.setattr(exporter.library.Exporter, "export", counted)
    query = "/made-to-measure?focus=hips&focus=lower-back&minutes=7&avoid=kneeling"
    answers = []
    threads = [threading.Thread(target=lambda: answers.append(app.test_client().get(query))) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    routine_id = "custom-hips-lower-back-7min-no-kneeling"
    for answer in answers:
        page = answer.get_data(as_text=True)
        assert answer.status_code == 200 and "Routine for your hips and lower back" in page
        assert f'src="/audio/{routine_id}.mp3"' in page and 'data-play-when-ready="yes"' in page
    client = app.test_client()
    deadline = time.monotonic() + 120
    while not client.get("/ready.json").get_json()[routine_id] and time.monotonic() < deadline:
        time.sleep(0.2)
    mp3 = client.get(f"/audio/{routine_id}.mp3")
    assert mp3.status_code == 200 and mp3.mimetype == "audio/mpeg" and len(mp3.data) > 100_000
    sheet = client.get(f"/audio/{routine_id}.cues.json").get_json()
    assert abs(sheet["duration_s"] - 360) < 45 and sheet["title"] == "routine for your hips and lower back"
    assert len(renders) == 1 and renders[0].focus == ("hips", "lower-back") and renders[0].avoid == ("kneeling",)
    again = client.get(query).get_data(as_text=True)
    assert "Ready to play." in again and len(renders) == 1


def test_an_unknown_made_to_measure_file_is_404(client):
    assert client.get("/audio/custom-hips-15min.mp3").status_code == 404
