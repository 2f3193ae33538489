"""Export routines to MP3: Script -> clips (cached) -> render plan -> loudness -> MP3, tags, cue sheet.

Nothing half-written ever sits at an output path: every file is written beside it under a
temporary name and renamed into place once complete. Clips already made stay in the cache.
"""

from __future__ import annotations

import functools
import os
import sys
import tempfile
from collections.abc import Mapping
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

import numpy as np
from tqdm import tqdm

from content import Library, Script, compile_routine
from content.spoken import heading
from exporter.audio import prepare_clip
from exporter.cache import ClipCache
from exporter.chimes import chime
from exporter.cuesheet import cue_sheet, cue_sheet_json, webvtt
from exporter.engines import choose_engine
from exporter.errors import ExportError
from exporter.plan import RenderPlan, plan_render, spoken_texts
from exporter.render import encode_mp3, loudness_gains
from exporter.tags import write_tags

RATES = (24000, 44100)
GTTS_WORKERS = 4
CHIMES = ("switch", "end")
CLIPS_IN_MEMORY = 16


class CachedClips(Mapping):
    """(kind, key) -> samples. Speech is read from the clip cache when needed and only the last few
    clips stay in memory, so an hour-long render holds a few seconds of audio, not all of it."""

    def __init__(self, cache: ClipCache, voice: str, rate: int, lengths: dict[str, int]):
        self.lengths = lengths
        self._chimes = {("chime", name): chime(name, rate) for name in CHIMES}
        self._read = functools.lru_cache(maxsize=CLIPS_IN_MEMORY)(lambda text: cache.get(voice, rate, text))

    def __getitem__(self, key: tuple[str, str]) -> np.ndarray:
        if key in self._chimes:
            return self._chimes[key]
        samples = self._read(key[1]) if key[0] == "speech" and key[1] in self.lengths else None
        if samples is None:
            raise ExportError(f"the clip for {key[1][:40]!r} vanished from the cache during the export")
        return samples

    def __iter__(self):
        yield from self._chimes
        yield from (("speech", text) for text in self.lengths)

    def __len__(self) -> int:
        return len(self._chimes) + len(self.lengths)


@dataclass
class ExportOptions:
    engine: str = "auto"
    accent: str = "com"
    slow: bool = False
    minutes: float | None = None
    hold_scale: float = 1.0
    rate: int = 24000
    bitrate: str = "64k"
    split: bool = False
    cache: ClipCache = field(default_factory=ClipCache)
    progress: bool | None = None  # None: a bar when stderr is a terminal
    notice: Callable[[str], None] = field(default=lambda text: print(text, file=sys.stderr))

    def __post_init__(self) -> None:
        if self.rate not in RATES:
            raise ExportError(f"sample rate {self.rate} is not offered; use {' or '.join(map(str, RATES))}")


@dataclass
class ExportResult:
    routine: str
    mp3: Path
    cues: Path
    vtt: Path
    duration_s: float
    synthesized: int
    split: list[Path] = field(default_factory=list)


@contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """A temporary path beside `path`, renamed onto it only when the block finishes without error."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    os.close(handle)
    try:
        yield Path(temporary)
        os.chmod(temporary, 0o644)  # mkstemp makes files private; these are for sharing
        os.replace(temporary, path)
    finally:
        Path(temporary).unlink(missing_ok=True)


def write_text_atomic(path: Path, text: str) -> None:
    with atomic_path(path) as temporary:
        temporary.write_text(text, encoding="utf-8")


class Exporter:
    """One run: one engine for every file, chosen once."""

    def __init__(self, library: Library, options: ExportOptions):
        self.library = library
        self.options = options
        self.engine = choose_engine(options.engine, options.accent, options.slow, notice=options.notice)
        self.show_progress = sys.stderr.isatty() if options.progress is None else options.progress

    def clips_for(self, script: Script) -> tuple[CachedClips, int]:
        """Every clip the script needs, from the cache or newly synthesized (and cached at once)."""
        rate, cache, voice = self.options.rate, self.options.cache, self.engine.voice
        lengths: dict[str, int] = {}
        missing = []
        for text in spoken_texts(script):
            cached = cache.get(voice, rate, text)
            if cached is None:
                missing.append(text)
            else:
                lengths[text] = len(cached)
        if missing:
            workers = GTTS_WORKERS if self.engine.name == "gtts" else 1
            bar = tqdm(total=len(missing), desc=f"{script.routine}: voice", unit="clip", disable=not self.show_progress)
            with ThreadPoolExecutor(max_workers=workers) as pool:
                futures = {pool.submit(self._synthesize, text): text for text in missing}
                done, pending = wait(futures, return_when=FIRST_EXCEPTION)
                for future in pending:
                    future.cancel()
                for future in done:
                    lengths[futures[future]] = future.result()
                    bar.update()
            bar.close()
        return CachedClips(cache, voice, rate, lengths), len(missing)

    def _synthesize(self, text: str) -> int:
        """Synthesize and cache one clip; returns its length in samples (the clip itself is read
        back from the cache when it is placed)."""
        samples, engine_rate = self.engine.synthesize(text)
        clip = prepare_clip(samples, engine_rate, self.options.rate)
        if clip.size == 0:
            raise ExportError(f"the {self.engine.name} voice produced silence for {text[:40]!r}")
        return len(self.options.cache.put(self.engine.voice, self.options.rate, text, clip))

    def export(self, routine_id: str, mp3_path: Path, track: int = 1) -> ExportResult:
        options = self.options
        script = compile_routine(self.library, routine_id, options.minutes, options.hold_scale)
        clips, synthesized = self.clips_for(script)
        plan = plan_render(script, clips.lengths, {name: len(clips[("chime", name)]) for name in CHIMES},
                           options.rate)
        if plan.dropped_cues:
            options.notice(f"note: {len(plan.dropped_cues)} cue(s) in {routine_id} ran longer than planned "
                           "and were left out, so every hold still ends on time")
        gains = loudness_gains(plan, clips, fixed={("chime", name): 1.0 for name in CHIMES})
        title = heading(script.title)
        self._encode(plan, clips, gains, mp3_path, title, track, plan.chapters)
        sheet = cue_sheet(script, plan, self.engine.name)
        cues_path, vtt_path = mp3_path.with_suffix(".cues.json"), mp3_path.with_suffix(".vtt")
        write_text_atomic(cues_path, cue_sheet_json(sheet))
        write_text_atomic(vtt_path, webvtt(plan))
        result = ExportResult(routine_id, mp3_path, cues_path, vtt_path, plan.duration_s, synthesized)
        if options.split:
            result.split = self._split(plan, clips, gains, mp3_path, title)
        return result

    def _encode(self, plan: RenderPlan, clips, gains, path: Path, title: str, track: int, chapters) -> None:
        bar = tqdm(total=plan.total, desc=f"{path.name}: encode", unit="sample", unit_scale=True,
                   disable=not self.show_progress)
        try:
            with atomic_path(path) as temporary:
                encode_mp3(plan, clips, gains, temporary, self.options.bitrate, on_block=bar.update)
                write_tags(temporary, title, track, chapters)
        finally:
            bar.close()

    def _split(self, plan: RenderPlan, clips, gains, mp3_path: Path, title: str) -> list[Path]:
        """One MP3 per chapter in a folder named after the routine, and an .m3u playlist of them."""
        folder = mp3_path.with_suffix("")
        paths, playlist = [], ["#EXTM3U"]
        for number, chapter in enumerate(plan.chapters, start=1):
            part = _chapter_plan(plan, chapter)
            slug = chapter["exercise"] or chapter["title"].lower()
            path = folder / f"{number:02d}-{slug}.mp3"
            self._encode(part, clips, gains, path, chapter["title"], number,
                         [{"start_s": 0.0, "end_s": part.duration_s, "title": chapter["title"]}])
            paths.append(path)
            playlist += [f"#EXTINF:{round(part.duration_s)},{title} - {chapter['title']}", f"{folder.name}/{path.name}"]
        write_text_atomic(mp3_path.with_suffix(".m3u"), "\n".join(playlist) + "\n")
        return paths


def _chapter_plan(plan: RenderPlan, chapter: dict) -> RenderPlan:
    start, end = round(chapter["start_s"] * plan.rate), round(chapter["end_s"] * plan.rate)
    part = RenderPlan(rate=plan.rate, total=end - start)
    part.placements = [p.__class__(p.start - start, p.length, p.kind, p.key)
                       for p in plan.placements if start <= p.start < end]
    return part


def output_paths(out: Path, routine_ids: list[str]) -> list[Path]:
    """`out` is a folder, or an .mp3 path when there is exactly one routine."""
    if out.suffix.lower() == ".mp3":
        if len(routine_ids) != 1:
            raise ExportError(f"{out} names one file, but {len(routine_ids)} routines were asked for; give a folder")
        return [out]
    return [out / f"{routine_id}.mp3" for routine_id in routine_ids]


def export_routines(library: Library, routine_ids: list[str], out: Path, options: ExportOptions) -> list[ExportResult]:
    for routine_id in routine_ids:
        library.routine(routine_id)  # an unknown routine fails before any work starts
    paths = output_paths(out, routine_ids)
    exporter = Exporter(library, options)
    track_of = {routine_id: number for number, routine_id in enumerate(library.routines, start=1)}
    return [exporter.export(routine_id, path, track_of[routine_id]) for routine_id, path in zip(routine_ids, paths)]
