"""Files that appear together or not at all: an MP3 with its cue sheet and captions.

Each file is written in full under a temporary name beside its final one. Then a journal listing
every rename is put in place atomically, the renames are done, and the journal is removed. A run
killed before the journal leaves only temporary files; one killed after it leaves a journal that the
next run (or the phone library, before it serves a file) rolls forward. Temporary names carry the
writer's process id, so leftovers of a dead export are cleaned up and a live one's are left alone.
"""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path

PART_SUFFIX = ".part"
JOURNAL_SUFFIX = ".commit"


def _writer_alive(name: str) -> bool:
    """Whether the process that wrote a temporary file or journal (`.<name>.<pid>.<random>.part`) still runs."""
    try:
        pid = int(name.removesuffix(PART_SUFFIX).removesuffix(JOURNAL_SUFFIX).split(".")[-2])
    except (ValueError, IndexError):
        return False
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _temporary(path: Path, suffix: str) -> Path:
    return path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}{suffix}")


class FileSet:
    def __init__(self) -> None:
        self.staged: dict[Path, Path] = {}  # temporary -> final

    def stage(self, final: Path) -> Path:
        """A temporary path to write `final`'s content to; it takes its place at `commit()`."""
        final.parent.mkdir(parents=True, exist_ok=True)
        temporary = _temporary(final, PART_SUFFIX)
        self.staged[temporary] = final
        return temporary

    def commit(self) -> None:
        first = next(iter(self.staged.values()))
        journal = _temporary(first, JOURNAL_SUFFIX)
        pending = journal.with_name(journal.name + PART_SUFFIX)
        pending.write_text(json.dumps([[t.name, f.name] for t, f in self.staged.items()]), encoding="utf-8")
        os.replace(pending, journal)  # from here on, the new set wins
        _roll_forward(journal)
        self.staged.clear()

    def discard(self) -> None:
        for temporary in self.staged:
            temporary.unlink(missing_ok=True)
        self.staged.clear()

    def __enter__(self) -> FileSet:
        return self

    def __exit__(self, *_exc) -> None:
        self.discard()  # anything not committed


def _roll_forward(journal: Path) -> None:
    for temporary, final in json.loads(journal.read_text(encoding="utf-8")):
        source = journal.parent / temporary
        if source.exists():
            os.chmod(source, 0o644)  # temporary files start private; these are for sharing
            os.replace(source, journal.parent / final)
    journal.unlink()


def recover(folder: Path) -> None:
    """Finish the commits a killed export started in `folder`, and remove its temporary files."""
    if not folder.is_dir():
        return
    for journal in sorted(folder.glob(f".*{JOURNAL_SUFFIX}")):
        if not _writer_alive(journal.name):
            try:
                _roll_forward(journal)
            except (ValueError, TypeError):
                journal.unlink()  # a journal cut short was never put in place; nothing to finish
    for leftover in folder.glob(f".*{PART_SUFFIX}"):
        if not _writer_alive(leftover.name):
            leftover.unlink(missing_ok=True)
