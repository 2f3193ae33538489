"""The phone library's audio folder: every routine rendered once, in the background from start-up,
never two renders of one routine at once, and a routine counted ready only when its MP3, cue sheet
and captions are all there."""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from content import Catalog
from exporter.export import ExportOptions, Exporter
from exporter.fileset import recover

log = logging.getLogger(__name__)
SIDECAR_SUFFIXES = (".cues.json", ".vtt")


class AudioLibrary:
    def __init__(self, catalog: Catalog, folder: Path, engine: str):
        self.catalog = catalog
        self.folder = Path(folder)
        self.engine = engine
        self._locks = {routine_id: threading.Lock() for routine_id in catalog.routine_ids}
        self._failed: dict[str, str] = {}
        recover(self.folder)  # finish or clear what a killed export left here

    def mp3(self, routine_id: str) -> Path:
        return self.folder / f"{routine_id}.mp3"

    def ready(self, routine_id: str) -> bool:
        mp3 = self.mp3(routine_id)
        return mp3.exists() and all(mp3.with_suffix(s).exists() for s in SIDECAR_SUFFIXES)

    def ensure(self, routine_id: str) -> Path:
        """The routine's MP3, rendered once; concurrent callers wait for the one render. Raises
        ExportError when it cannot be made."""
        if self.ready(routine_id):
            return self.mp3(routine_id)
        with self._locks[routine_id]:
            if not self.ready(routine_id):
                log.info("rendering %s for the phone library", routine_id)
                options = ExportOptions(engine=self.engine, progress=False, notice=log.info)
                Exporter(self.catalog.library, options).export(routine_id, self.mp3(routine_id),
                                                               track=self.catalog.track(routine_id))
        return self.mp3(routine_id)

    def render_all_in_background(self) -> threading.Thread:
        """Render every routine not yet on disk, in track order, so a first play need not wait."""

        def work() -> None:
            for routine_id in self.catalog.routine_ids:
                try:
                    self.ensure(routine_id)
                except Exception as exc:  # keep going: the next request for it tries again and says why
                    log.error("could not render %s in the background: %s", routine_id, exc)

        thread = threading.Thread(target=work, name="render-library", daemon=True)
        thread.start()
        return thread
