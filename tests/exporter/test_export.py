"""A real render with the offline voice, decoded with ffmpeg as a phone would play it."""

from __future__ import annotations

import json
import threading

import numpy as np
import pyloudnorm
import pytest
from mutagen.id3 import ID3
from mutagen.mp3 import MP3, BitrateMode
from scipy.signal import resample_poly

from exporter.cache import SUFFIX, ClipCache
from exporter.engines import EspeakEngine
from exporter.errors import ExportError
from exporter.export import ExportOptions, export_routines
from exporter.render import MASTERING
from tests.conftest import decode_mp3

RATE = 24000
VOICE_KEY = f"{EspeakEngine().voice}|{MASTERING}"
SILENT = 10 ** (-50 / 20)  # a pause must stay under -50 dBFS
TIMER_TOLERANCE_S = 0.03
CODEC_SPREAD_S = 0.05


@pytest.fixture(scope="module")
def rendered(quick_export):
    result, _ = quick_export
    sheet = json.loads(result.cues.read_text())
    return result, sheet, decode_mp3(result.mp3)


def test_the_mp3_lasts_as_long_as_the_cue_sheet_says(rendered):
    _, sheet, audio = rendered
    assert len(audio) / RATE == pytest.approx(sheet["duration_s"], abs=0.03)


def test_every_pause_is_silent(rendered):
    _, sheet, audio = rendered
    pauses = [s for s in sheet["segments"] if s["kind"] == "pause" and s["end_s"] - s["start_s"] > 2 * CODEC_SPREAD_S]
    assert len(pauses) > 20
    for pause in pauses:
        # one MP3 frame (48 ms at 24 kHz) of codec spread at each edge is allowed
        window = audio[int((pause["start_s"] + CODEC_SPREAD_S) * RATE):int((pause["end_s"] - CODEC_SPREAD_S) * RATE)]
        assert np.abs(window).max() < SILENT, pause


AUDIBLE = 0.01
SEARCH_S = 0.2


def last_sound_before(audio, at_s):
    window = np.abs(audio[int((at_s - SEARCH_S) * RATE):int(at_s * RATE)])
    return at_s - SEARCH_S + np.flatnonzero(window > AUDIBLE)[-1] / RATE


def first_sound_between(audio, from_s, to_s):
    window = np.abs(audio[int(from_s * RATE):int(to_s * RATE)])
    assert window.max() > AUDIBLE, f"nothing heard between {from_s} and {to_s}"
    return from_s + np.argmax(window > AUDIBLE) / RATE


def test_every_timer_is_exact_to_thirty_milliseconds(rendered):
    _, sheet, audio = rendered
    assert sheet["timers"]
    for timer in sheet["timers"]:
        # A hold starts the moment the instruction stops: the instruction's last sound is at its start.
        assert timer["start_s"] - last_sound_before(audio, timer["start_s"]) <= TIMER_TOLERANCE_S, timer
        if timer["purpose"] == "rest":
            continue
        # It ends on the end chime: the silence before the chime ends on time.
        silence = next(s for s in sheet["segments"] if s["end_s"] == timer["end_s"])
        assert silence["kind"] == "pause" and silence["end_s"] - silence["start_s"] >= 2 * CODEC_SPREAD_S
        heard = first_sound_between(audio, silence["start_s"] + CODEC_SPREAD_S, timer["end_s"] + SEARCH_S)
        assert abs(heard - timer["end_s"]) <= TIMER_TOLERANCE_S, timer
        assert timer["end_s"] - timer["start_s"] == pytest.approx(timer["planned_s"], abs=0.002)


def test_loudness_and_peak_are_right_for_spoken_word(rendered):
    _, _, audio = rendered
    assert pyloudnorm.Meter(RATE).integrated_loudness(audio) == pytest.approx(-19, abs=1.0)
    true_peak_db = 20 * np.log10(np.abs(resample_poly(audio, 4, 1)).max())
    assert true_peak_db <= -1.0


def test_constant_bitrate_mono(rendered):
    result, _, _ = rendered
    info = MP3(result.mp3).info
    assert info.channels == 1 and info.sample_rate == RATE and info.bitrate == 64000
    assert info.bitrate_mode == BitrateMode.CBR


def test_tags_and_chapters_read_back(rendered):
    result, sheet, _ = rendered
    tags = ID3(result.mp3)
    assert str(tags["TIT2"]) == "Quick routine" and str(tags["TPE1"]) == "Stretch Coach"
    assert str(tags["TALB"]) and str(tags["TRCK"]) and str(tags["TDRC"])
    assert tags.getall("APIC")[0].data.startswith(b"\x89PNG")
    [toc] = tags.getall("CTOC")
    chapters = [tags[f"CHAP:{element}"] for element in toc.child_element_ids]
    assert [str(c.sub_frames["TIT2"]) for c in chapters] == [c["title"] for c in sheet["chapters"]]
    assert [c.start_time for c in chapters] == [round(c["start_s"] * 1000) for c in sheet["chapters"]]
    assert "Cat cow" in [c["title"] for c in sheet["chapters"]]


def test_cue_sheet_and_captions_match_the_contract(rendered):
    result, sheet, _ = rendered
    assert sheet["routine"] == "quick" and sheet["engine"] == "piper" and sheet["title"]
    for before, after in zip(sheet["segments"], sheet["segments"][1:]):
        assert after["start_s"] == before["end_s"]
    vtt = result.vtt.read_text()
    assert vtt.startswith("WEBVTT") and "Welcome to Stretch Coach" in vtt and "-->" in vtt


def test_a_second_export_synthesizes_nothing(quick_export, library, tmp_path):
    _, cache = quick_export
    [again] = export_routines(library, ["quick"], tmp_path, ExportOptions(progress=False, cache=cache))
    assert again.synthesized == 0


def _entry(cache: ClipCache, text: str):
    [path] = [p for p in cache.root.rglob(f"*{SUFFIX}") if p == cache.path(VOICE_KEY, RATE, text)]
    return path


@pytest.mark.parametrize("damage", ["truncated", "zeroed", "swapped"])
def test_a_damaged_cache_entry_is_made_again(library, tmp_path, damage):
    """A clip cut short with its header intact, overwritten with zeros, or swapped for another
    phrase's clip must never reach a file: each is noticed and made again."""
    cache = ClipCache(tmp_path / "cache")
    first = export_routines(library, ["quick"], tmp_path / "a", ExportOptions(engine="espeak", progress=False,
                                                                              cache=cache))[0]
    texts = [s["text"] for s in json.loads(first.cues.read_text())["segments"] if s["kind"] == "speech"]
    one, other = _entry(cache, texts[0]), _entry(cache, texts[1])
    if damage == "truncated":
        one.write_bytes(one.read_bytes()[: one.stat().st_size // 2])
    elif damage == "zeroed":
        one.write_bytes(bytes(one.stat().st_size))
    else:
        one.write_bytes(other.read_bytes())
    [again] = export_routines(library, ["quick"], tmp_path / "b", ExportOptions(engine="espeak", progress=False,
                                                                             cache=cache))
    assert again.synthesized == 1
    # The offline voice is not bit-exact between runs, so compare what a listener would notice: the length.
    assert again.duration_s == pytest.approx(first.duration_s, abs=0.1)
    assert len(decode_mp3(again.mp3)) / RATE == pytest.approx(first.duration_s, abs=CODEC_SPREAD_S)


def test_two_exports_at_once_share_the_cache(library, tmp_path):
    cache = ClipCache(tmp_path / "cache")
    results, errors = {}, []

    def run(name):
        try:
            results[name] = export_routines(library, ["desk"], tmp_path / name,
                                            ExportOptions(engine="espeak", progress=False, cache=cache))[0]
        except Exception as exc:  # reported below with the thread's name
            errors.append((name, exc))

    threads = [threading.Thread(target=run, args=(name,)) for name in ("one", "two")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    for result in results.values():
        sheet = json.loads(result.cues.read_text())
        assert len(decode_mp3(result.mp3)) / RATE == pytest.approx(sheet["duration_s"], abs=0.03)
    assert not list(cache.root.rglob("*.part"))
    [third] = export_routines(library, ["desk"], tmp_path / "three",
                              ExportOptions(engine="espeak", progress=False, cache=cache))
    assert third.synthesized == 0


class FailingEngine(EspeakEngine):
    """The offline voice, failing after a few clips, as Google does when it starts refusing."""

    def __init__(self, fail_after):
        super().__init__()
        self.calls = 0
        self.fail_after = fail_after

    def synthesize(self, text):
        self.calls += 1
        if self.calls > self.fail_after:
            raise ExportError("the voice stopped answering")
        return super().synthesize(text)


def test_a_failed_export_leaves_no_file_and_keeps_its_clips(library, tmp_path, monkeypatch):
    cache = ClipCache(tmp_path / "cache")
    monkeypatch.setattr("exporter.export.choose_engine", lambda *a, **k: FailingEngine(fail_after=5))
    with pytest.raises(ExportError):
        export_routines(library, ["quick"], tmp_path / "out", ExportOptions(engine="espeak", progress=False,
                                                                             cache=cache))
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())
    assert len(list(cache.root.rglob(f"*{SUFFIX}"))) == 5


def test_an_interrupted_encode_leaves_nothing_behind(library, tmp_path, monkeypatch):
    out = tmp_path / "out"
    out.mkdir()
    (out / "quick.mp3").write_bytes(b"the previous, complete file")

    def interrupt(*_):
        raise KeyboardInterrupt

    monkeypatch.setattr("exporter.export.write_tags", interrupt)
    with pytest.raises(KeyboardInterrupt):
        export_routines(library, ["quick"], out, ExportOptions(engine="espeak", progress=False))
    assert sorted(p.name for p in out.iterdir()) == ["quick.mp3"]
    assert (out / "quick.mp3").read_bytes() == b"the previous, complete file"


def test_split_writes_one_file_per_exercise_and_a_playlist(library, tmp_path):
    [result] = export_routines(library, ["quick"], tmp_path / "quick.mp3",
                               ExportOptions(engine="espeak", progress=False, split=True))
    sheet = json.loads(result.cues.read_text())
    assert len(result.split) == len(sheet["chapters"])
    playlist = (tmp_path / "quick.m3u").read_text().splitlines()
    assert playlist[0] == "#EXTM3U" and playlist[2] == f"quick/{result.split[0].name}"
    total = sum(len(decode_mp3(p)) for p in result.split) / RATE
    assert total == pytest.approx(sheet["duration_s"], abs=0.05 * len(result.split))


def test_a_folder_path_is_refused_for_several_routines_as_one_file(library, tmp_path):
    with pytest.raises(ExportError, match="names one file"):
        export_routines(library, ["quick", "desk"], tmp_path / "both.mp3", ExportOptions(engine="espeak"))
