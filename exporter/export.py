"""Export routines to MP3: Script -> clips (cached) -> render plan -> loudness -> MP3, tags, cue sheet.

Nothing half-written ever sits at an output path: every file is written beside it under a
temporary name and renamed into place once complete. Clips already made stay in the cache.
"""

from __future__ import annotations

import functools
import sys
from concurrent.futures import ThreadPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator, NamedTuple

import numpy as np
from tqdm import tqdm

from content import Catalog, Library, RoutineOptions, Script
from content.spoken import heading
from exporter.audio import prepare_clip
from exporter.cache import Clip, ClipCache, ClipInfo
from exporter.chimes import chime
from exporter.cuesheet import chapter_row, cue_sheet, cue_sheet_json, webvtt
from exporter.engines import DEFAULT_ENGINE, RATES, VoiceSettings, choose_engine
from exporter.errors import ExportError
from exporter.fileset import FileSet, recover
from exporter.plan import Chapter, RenderPlan, plan_render, spoken_texts
from exporter.loudness import mastered
from exporter.render import MASTERING, PEAK_CEILING, TARGET_LUFS, encode_mp3, loudness_gains
from exporter.tags import write_tags

CHIMES = ("switch", "end")
CHIME_VOICE = "chime:v1"  # the project's own chimes, cached beside the speech
CLIPS_IN_MEMORY = 16


class CachedClips:
    """Every clip a render needs. What is known of each clip (length, loudness, peak) stays in
    memory. The samples of clips found in the cache were read (and checked) to know they are
    there, so they are kept: one copy of each phrase, however long the routine. Clips made in this
    run are read back when placed, and only the last few stay, as the voice is in memory then."""

    def __init__(self, cache: ClipCache, voice: str, rate: int, infos: dict[str, ClipInfo],
                 chimes: dict[str, Clip], found: dict[str, np.ndarray]):
        self.infos = infos
        self._chimes = chimes
        self._found = found
        self._read = functools.lru_cache(maxsize=CLIPS_IN_MEMORY)(lambda text: cache.get(voice, rate, text))

    @property
    def lengths(self) -> dict[str, int]:
        return {text: info.length for text, info in self.infos.items()}

    def chime_lengths(self) -> dict[str, int]:
        return {name: clip.info.length for name, clip in self._chimes.items()}

    def keys(self) -> list[tuple[str, str]]:
        return [("chime", name) for name in self._chimes] + [("speech", text) for text in self.infos]

    def info(self, key: tuple[str, str]) -> ClipInfo:
        kind, name = key
        return self._chimes[name].info if kind == "chime" else self.infos[name]

    def samples(self, key: tuple[str, str]) -> np.ndarray:
        kind, name = key
        if kind == "chime":
            return self._chimes[name].samples
        if name in self._found:
            return self._found[name]
        clip = self._read(name) if name in self.infos else None
        if clip is None or clip.info.length != self.infos[name].length:
            raise ExportError(f"the clip for {name[:40]!r} vanished from the cache during the export")
        return clip.samples


@dataclass
class ExportOptions:
    engine: str = DEFAULT_ENGINE
    voice: VoiceSettings = field(default_factory=VoiceSettings)
    routine: RoutineOptions = field(default_factory=RoutineOptions)  # length, holds, brief; focus and limits
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


class Rendering(NamedTuple):
    script: Script
    plan: RenderPlan
    clips: CachedClips
    gains: dict[tuple[str, str], float]
    synthesized: int  # clips made in this run


@contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """A temporary path beside `path`, put in its place only when the block finishes without error."""
    with FileSet() as files:
        yield files.stage(path)
        files.commit()


def write_text_atomic(path: Path, text: str) -> None:
    with atomic_path(path) as temporary:
        temporary.write_text(text, encoding="utf-8")


class Exporter:
    """One run: one engine for every file, chosen once."""

    def __init__(self, catalog: Catalog, options: ExportOptions):
        self.catalog = catalog
        self.options = options
        self.engine = choose_engine(options.engine, options.voice, notice=options.notice)
        # Clips are cached as they come out of mastering: a change to its targets makes new clips.
        self.voice_key = f"{self.engine.voice}|{MASTERING}"
        self.show_progress = sys.stderr.isatty() if options.progress is None else options.progress

    def chimes(self) -> dict[str, Clip]:
        """The chimes, analysed once and kept in the cache like speech."""
        rate, cache = self.options.rate, self.options.cache
        return {name: cache.get(CHIME_VOICE, rate, name) or cache.put(CHIME_VOICE, rate, name, chime(name, rate))
                for name in CHIMES}

    def clips_for(self, script: Script) -> tuple[CachedClips, int]:
        """Every clip the script needs, from the cache or newly synthesized (and cached at once).

        Ctrl-C stops at once: sentences still queued are dropped, the one being spoken finishes,
        and every clip made so far stays in the cache for the next run."""
        rate, cache, voice = self.options.rate, self.options.cache, self.voice_key
        infos: dict[str, ClipInfo] = {}
        found: dict[str, np.ndarray] = {}
        missing = []
        for text in spoken_texts(script):
            cached = cache.get(voice, rate, text)
            if cached is None:
                missing.append(text)
            else:
                infos[text], found[text] = cached.info, cached.samples
        if missing:
            bar = tqdm(total=len(missing), desc=f"{script.routine}: voice", unit="clip", disable=not self.show_progress)
            pool = ThreadPoolExecutor(max_workers=self.engine.workers)
            try:
                futures = {pool.submit(self._synthesize, text): text for text in missing}
                for future in as_completed(futures):
                    infos[futures[future]] = future.result()
                    bar.update()
            finally:
                pool.shutdown(wait=False, cancel_futures=True)
                bar.close()
        return CachedClips(cache, voice, rate, infos, self.chimes(), found), len(missing)

    def _synthesize(self, text: str) -> ClipInfo:
        """Synthesize, analyse and cache one clip (the samples are read back when placed)."""
        samples, engine_rate = self.engine.synthesize(text)
        clip = prepare_clip(samples, engine_rate, self.options.rate)
        if clip.size == 0:
            raise ExportError(f"the {self.engine.name} voice produced silence for {text[:40]!r}")
        clip = mastered(clip, self.options.rate, TARGET_LUFS, PEAK_CEILING)
        return self.options.cache.put(self.voice_key, self.options.rate, text, clip).info

    def prepare(self, routine_id: str | None) -> Rendering:
        """Everything the routine's audio is mixed from (with no id, the one made to measure for the
        options): its clips, cached or made now, where each is placed, and at what gain."""
        script = self.catalog.script(routine_id, self.options.routine)
        clips, synthesized = self.clips_for(script)
        plan = plan_render(script, clips.lengths, clips.chime_lengths(), self.options.rate)
        if plan.dropped_cues:
            self.options.notice(f"note: {len(plan.dropped_cues)} cue(s) in {script.routine} ran longer than planned "
                                "and were left out, so every hold still ends on time")
        gains = loudness_gains(plan, clips, fixed={("chime", name): 1.0 for name in CHIMES})
        return Rendering(script, plan, clips, gains, synthesized)

    def export(self, routine_id: str | None, mp3_path: Path, track: int = 1) -> ExportResult:
        """Render the routine (with no id, the one made to measure for the options) to `mp3_path`."""
        options = self.options
        script, plan, clips, gains, synthesized = self.prepare(routine_id)
        title = heading(script.title)
        cues_path, vtt_path = mp3_path.with_suffix(".cues.json"), mp3_path.with_suffix(".vtt")
        with FileSet() as files:
            self._encode(plan, clips, gains, files.stage(mp3_path), title, track)
            files.stage(cues_path).write_text(cue_sheet_json(cue_sheet(script, plan, self.engine.name)), encoding="utf-8")
            files.stage(vtt_path).write_text(webvtt(plan), encoding="utf-8")
            files.commit()
        result = ExportResult(script.routine, mp3_path, cues_path, vtt_path, plan.duration_s, synthesized)
        if options.split:
            result.split = self._split(plan, clips, gains, mp3_path, title)
        return result

    def _encode(self, plan: RenderPlan, clips, gains, path: Path, title: str, track: int) -> None:
        bar = tqdm(total=plan.total, desc=f"{path.name}: encode", unit="sample", unit_scale=True,
                   disable=not self.show_progress)
        try:
            encode_mp3(plan, clips, gains, path, self.options.bitrate, on_block=bar.update)
            write_tags(path, title, track, [chapter_row(plan, chapter) for chapter in plan.chapters])
        finally:
            bar.close()

    def _split(self, plan: RenderPlan, clips, gains, mp3_path: Path, title: str) -> list[Path]:
        """One MP3 per chapter in a folder named after the routine, and an .m3u playlist of them."""
        folder = mp3_path.with_suffix("")
        paths, playlist = [], ["#EXTM3U"]
        for number, chapter in enumerate(plan.chapters, start=1):
            part = _chapter_plan(plan, chapter)
            slug = chapter.exercise or chapter.title.lower()
            path = folder / f"{number:02d}-{slug}.mp3"
            with atomic_path(path) as temporary:
                self._encode(part, clips, gains, temporary, chapter.title, number)
            paths.append(path)
            playlist += [f"#EXTINF:{round(part.duration_s)},{title} - {chapter.title}", f"{folder.name}/{path.name}"]
        write_text_atomic(mp3_path.with_suffix(".m3u"), "\n".join(playlist) + "\n")
        return paths


def _chapter_plan(plan: RenderPlan, chapter: Chapter) -> RenderPlan:
    """The part of the plan one chapter covers, as a plan of its own with one chapter."""
    start, end = chapter.start, chapter.end
    part = RenderPlan(rate=plan.rate, total=end - start, chapters=[Chapter(0, end - start, chapter.title, chapter.exercise)])
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
    catalog = Catalog(library)
    for routine_id in routine_ids:
        library.routine(routine_id)  # an unknown routine fails before any work starts
    return _export(catalog, [(routine_id, routine_id, catalog.track(routine_id)) for routine_id in routine_ids],
                   out, options)


def export_made_to_measure(library: Library, out: Path, options: ExportOptions) -> ExportResult:
    """The routine made to measure for `options.routine`, written as OUT/<its id>.mp3
    ('custom-hips-15min.mp3') or to OUT when that is an .mp3 path."""
    catalog = Catalog(library)
    listing = catalog.made_to_measure(options.routine)  # a request that cannot be met fails before any work
    [result] = _export(catalog, [(None, listing.id, listing.track)], out, options)
    return result


def _export(catalog: Catalog, jobs: list[tuple[str | None, str, int]], out: Path,
            options: ExportOptions) -> list[ExportResult]:
    """Each job is (routine id or None for the one made to measure, file name, track number)."""
    paths = output_paths(out, [name for _, name, _ in jobs])
    try:
        for folder in {path.parent for path in paths}:
            recover(folder)
        exporter = Exporter(catalog, options)
        return [exporter.export(routine_id, path, track) for (routine_id, _, track), path in zip(jobs, paths)]
    except OSError as exc:  # a full or read-only disk, a permission, a path under a regular file
        where = exc.filename or out
        raise ExportError(f"cannot write {where}: {exc.strerror or exc}") from exc
