"""The phone library's audio folder: every routine rendered once, in the background from start-up,
never two renders of one routine at once, and a routine counted ready only when its MP3, cue sheet
and captions are all there. Routines made to measure are asked for by their options, then rendered
the same way under their own id ('custom-hips-15min')."""

from __future__ import annotations

import contextlib
import logging
import threading
from pathlib import Path

from content import Catalog, Listing, RoutineOptions
from exporter.errors import ExportError
from exporter.export import ExportOptions, Exporter
from exporter.fileset import recover

log = logging.getLogger(__name__)
SIDECAR_SUFFIXES = (".cues.json", ".vtt")


class AudioLibrary:
    def __init__(self, catalog: Catalog, folder: Path, engine: str):
        self.catalog = catalog
        self.folder = Path(folder)
        self.engine = engine
        self._guard = threading.Lock()  # for the two tables below
        self._locks = {routine_id: threading.Lock() for routine_id in catalog.routine_ids}
        self._made_to_measure: dict[str, RoutineOptions] = {}  # id -> what was asked for
        # Requests made to measure render one after another, so many at once cannot swamp the machine.
        self._made_to_measure_turn = threading.Lock()
        recover(self.folder)  # finish or clear what a killed export left here

    def mp3(self, routine_id: str) -> Path:
        return self.folder / f"{routine_id}.mp3"

    def ready(self, routine_id: str) -> bool:
        mp3 = self.mp3(routine_id)
        return mp3.exists() and all(mp3.with_suffix(s).exists() for s in SIDECAR_SUFFIXES)

    def known(self, routine_id: str) -> bool:
        """A library routine, or one made to measure that was asked for since start-up."""
        return routine_id in self._locks

    def made_to_measure_ids(self) -> list[str]:
        with self._guard:
            return list(self._made_to_measure)

    def ensure(self, routine_id: str) -> Path:
        """The routine's MP3, rendered once; concurrent callers wait for the one render. Raises
        ExportError when it cannot be made, or for a routine that is not known."""
        if self.ready(routine_id):
            return self.mp3(routine_id)
        if not self.known(routine_id):
            raise ExportError(f"there is no routine called {routine_id!r}")
        with self._locks[routine_id]:
            if not self.ready(routine_id):
                log.info("rendering %s for the phone library", routine_id)
                asked = self._made_to_measure.get(routine_id)
                options = ExportOptions(engine=self.engine, progress=False, notice=log.info,
                                        routine=asked or RoutineOptions())
                track = self.catalog.track(routine_id) if asked is None else self.catalog.made_to_measure(asked).track
                Exporter(self.catalog, options).export(None if asked else routine_id, self.mp3(routine_id), track)
        return self.mp3(routine_id)

    def ask(self, options: RoutineOptions) -> Listing:
        """A routine made to measure: its listing at once, its audio rendered in the background
        (once, however often it is asked for). Raises ContentError for a request that cannot be met."""
        listing = self.catalog.made_to_measure(options)
        with self._guard:
            if listing.id not in self._locks:
                self._made_to_measure[listing.id] = options
                self._locks[listing.id] = threading.Lock()
        if not self.ready(listing.id) and not self._locks[listing.id].locked():
            self._in_background(f"render-{listing.id}", [listing.id], one_at_a_time=self._made_to_measure_turn)
        return listing

    def render_all_in_background(self) -> threading.Thread:
        """Render every routine not yet on disk, in track order, so a first play need not wait."""
        return self._in_background("render-library", list(self.catalog.routine_ids))

    def _in_background(self, name: str, routine_ids: list[str],
                       one_at_a_time: threading.Lock | None = None) -> threading.Thread:
        def work() -> None:
            for routine_id in routine_ids:
                try:
                    with one_at_a_time or contextlib.nullcontext():
                        self.ensure(routine_id)
                except Exception as exc:  # keep going: the next request for it tries again and says why
                    log.error("could not render %s in the background: %s", routine_id, exc)

        thread = threading.Thread(target=work, name=name, daemon=True)
        thread.start()
        return thread
