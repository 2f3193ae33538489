"""Shared fixtures: the real content library, a CLI runner, and a folder to write broken content into."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from content import load_library
from content.loader import DATA_DIR

TESTS_DIR = Path(__file__).parent
ROUTINE_IDS = ("hip", "lower-back", "desk", "partner", "core", "bedtime", "quick")


@pytest.fixture(scope="session")
def library():
    return load_library()


@pytest.fixture
def runner():
    return CliRunner()


@pytest.fixture
def exercise_data():
    """A valid exercise as plain data, to break one field at a time."""
    return yaml.safe_load((DATA_DIR / "exercises" / "knee-to-chest.yaml").read_text())


@pytest.fixture
def write_yaml(tmp_path):
    def write(relative: str, data) -> Path:
        path = tmp_path / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(data if isinstance(data, str) else yaml.safe_dump(data, sort_keys=False))
        return path

    return write
