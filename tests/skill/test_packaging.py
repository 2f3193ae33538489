"""What ships: the SAM template passes cfn-lint, the Lambda package holds no exporter code and runs
on its own, and the skill package's interaction models are up to date with skill/model.yaml."""

from __future__ import annotations

import importlib.util
import json
import re
import subprocess
import sys
from pathlib import Path

from content import Catalog
from skill.interaction_model import model_files
from skill.vocabulary import Vocabulary
from tests.conftest import TESTS_DIR

ROOT = TESTS_DIR.parent
LOCALES = ("en-US", "en-GB", "en-CA", "en-AU", "en-IN")


def test_the_template_passes_cfn_lint():
    cfn_lint = Path(sys.executable).with_name("cfn-lint")
    done = subprocess.run([str(cfn_lint), str(ROOT / "template.yaml")], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_template_deploys_the_skill_as_promised():
    import yaml

    class Loader(yaml.SafeLoader):
        pass

    Loader.add_multi_constructor("!", lambda loader, suffix, node: None)
    template = yaml.load((ROOT / "template.yaml").read_text(), Loader=Loader)
    function = template["Resources"]["SkillFunction"]["Properties"]
    assert function["Runtime"] == "python3.12" and function["Timeout"] <= 8
    assert function["Handler"] == "skill.lambda_function.handler"
    assert function["Events"]["Alexa"]["Type"] == "AlexaSkill"
    [statement] = function["Policies"][0]["Statement"]
    assert set(statement["Action"]) <= {"dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteItem"}


def test_the_template_serves_published_audio_over_https_to_the_skill():
    """The bucket's policy makes only PREFIX/audio/ public and refuses plain HTTP, and the function's
    STRETCH_COACH_AUDIO_URL is that folder's HTTPS address, where `publish` puts `audio/<id>.mp3`."""
    import yaml

    class Loader(yaml.SafeLoader):
        pass

    Loader.add_multi_constructor("!", lambda loader, suffix, node: [suffix, loader.construct_scalar(node)
                                                                   if isinstance(node, yaml.ScalarNode) else None])
    resources = yaml.load((ROOT / "template.yaml").read_text(), Loader=Loader)["Resources"]
    read, https_only = resources["AudioBucketPolicy"]["Properties"]["PolicyDocument"]["Statement"]
    assert read["Action"] == "s3:GetObject" and read["Resource"] == ["Sub", "${AudioBucket.Arn}/${AudioPrefix}/audio/*"]
    assert https_only["Effect"] == "Deny" and https_only["Condition"]["Bool"]["aws:SecureTransport"] == "false"
    url = resources["SkillFunction"]["Properties"]["Environment"]["Variables"]["STRETCH_COACH_AUDIO_URL"]
    assert url == ["Sub", "https://${AudioBucket.RegionalDomainName}/${AudioPrefix}"]


def run_in_package(artifacts: Path, code: str, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """`code` in a fresh interpreter that sees only the package (as on Lambda) and writes no bytecode
    (Lambda's package is read-only)."""
    return subprocess.run([sys.executable, "-S", "-c", "import sys; sys.path[:0] = [sys.argv[1]]; " + code,
                           str(artifacts), *args], capture_output=True, text=True, cwd=artifacts.parent,
                          env={"PATH": "/usr/bin:/bin", "PYTHONDONTWRITEBYTECODE": "1", **(env or {})})


def test_the_lambda_package_carries_no_exporter_and_answers_a_request(lambda_package, tmp_path):
    artifacts = lambda_package
    top = {p.name.split("-")[0].split(".")[0].lower() for p in artifacts.iterdir()}
    assert not top & {"exporter", "coach", "pydub", "gtts", "flask", "numpy", "scipy", "mutagen"}
    assert not (artifacts / "skill" / "web.py").exists()
    probe = "import json; import skill.lambda_function as f; print(json.dumps(f.handler(json.load(open(sys.argv[2])), None)))"
    done = run_in_package(artifacts, probe, str(TESTS_DIR / "skill" / "requests" / "launch.json"),
                          env={"STRETCH_COACH_DB": str(tmp_path / "db.sqlite3")})
    assert done.returncode == 0, done.stderr
    assert "Welcome to Stretch Coach" in json.loads(done.stdout)["response"]["outputSpeech"]["ssml"]


def test_the_lambda_package_ships_bytecode_that_python_uses_as_it_is(lambda_package):
    """Every module has a .pyc for the runtime's Python, checked by hash only when asked to (flags 0b01:
    hash-based, unchecked), so a read-only package with any file times loads without compiling."""
    sources = [p for p in lambda_package.rglob("*.py") if "__pycache__" not in p.parts]
    assert len(sources) > 500
    for source in sources:
        cached = Path(importlib.util.cache_from_source(source))
        assert cached.exists(), f"no bytecode for {source.relative_to(lambda_package)}"
        assert int.from_bytes(cached.read_bytes()[4:8], "little") == 0b01, cached
    # Python says where each module's code came from: for the skill's own modules, the shipped .pyc.
    done = run_in_package(lambda_package, "import skill.lambda_function", env={"PYTHONVERBOSE": "1", "DYNAMODB_TABLE": "t"})
    assert done.returncode == 0, done.stderr
    loaded = re.findall(r"^# code object from '?(\S+?)'?$", done.stderr, re.MULTILINE)
    ours = [path for path in loaded if "/skill/" in path or "/content/" in path]
    assert ours and all(path.endswith(".pyc") for path in ours), ours


def test_the_lambda_entry_point_imports_nothing_heavy_before_the_first_request(lambda_package):
    """A cold start loads the skill's handlers; the content library (YAML, the pydantic models), the APL
    models, HTTP and boto3 load only with the first request that needs them (and SQLite never, on DynamoDB)."""
    deferred = ["pydantic", "yaml", "boto3", "botocore", "content.loader", "content.models", "content.script",
                "urllib.request", "ask_sdk_model.interfaces.alexa.presentation.apl", "ask_sdk_dynamodb.adapter", "sqlite3"]
    probe = "import json, skill.lambda_function; print(json.dumps(sorted(set(sys.modules) & set(json.loads(sys.argv[2])))))"
    done = run_in_package(lambda_package, probe, json.dumps(deferred), env={"DYNAMODB_TABLE": "stretch-coach"})
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == []


def test_interaction_models_match_their_source():
    files = model_files(Vocabulary(Catalog.load()))
    for path, text in files.items():
        assert path.read_text() == text, f"{path.name} is stale: run `make models`"
    assert sorted(p.stem for p in next(iter(files)).parent.glob("*.json")) == sorted(LOCALES)


def test_the_manifest_carries_the_disclaimer_and_the_screen():
    manifest = json.loads((ROOT / "skill" / "skill-package" / "skill.json").read_text())["manifest"]
    for locale in LOCALES:
        assert "not medical advice" in manifest["publishingInformation"]["locales"][locale]["description"]
    interfaces = {i["type"] for i in manifest["apis"]["custom"]["interfaces"]}
    assert {"ALEXA_PRESENTATION_APL", "CAN_FULFILL_INTENT_REQUEST"} <= interfaces

