"""`pip install .` carries every package and data file, not just what an editable install sees."""

from __future__ import annotations

import subprocess
import sys
import zipfile

from tests.conftest import TESTS_DIR


def test_the_wheel_holds_every_package_and_data_file(tmp_path):
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps",
                    "-w", str(tmp_path), str(TESTS_DIR.parent)], check=True, capture_output=True)
    [wheel] = tmp_path.glob("stretch_coach-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for expected in ("content/data/speech.yaml", "content/data/safety.yaml", "content/data/routines/hip.yaml",
                     "content/data/exercises/pigeon.yaml", "skill/handlers/navigation.py", "skill/speech.yaml",
                     "skill/model.yaml", "skill/apl/exercise.json", "exporter/templates/library.html",
                     "coach/cli.py", "skill/lambda_function.py"):
        assert expected in names, expected
    assert not any(name.startswith("tests/") for name in names)
