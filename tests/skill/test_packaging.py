"""What ships: the SAM template passes cfn-lint, the Lambda package holds no exporter code and runs
on its own, and the skill package's interaction models are up to date with skill/model.yaml."""

from __future__ import annotations

import json
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


def test_the_lambda_package_carries_no_exporter_and_answers_a_request(tmp_path):
    artifacts = tmp_path / "lambda"
    subprocess.run(["make", "-s", "build-SkillFunction", f"ARTIFACTS_DIR={artifacts}", "LAMBDA_PIP_FLAGS=",
                    f"PYTHON={sys.executable}"], cwd=ROOT, check=True, capture_output=True)
    top = {p.name.split("-")[0].split(".")[0].lower() for p in artifacts.iterdir()}
    assert not top & {"exporter", "coach", "pydub", "gtts", "flask", "numpy", "scipy", "mutagen"}
    assert not (artifacts / "skill" / "web.py").exists()
    probe = ("import json, sys; sys.path[:0] = [sys.argv[1]]; import skill.lambda_function as f; "
             "print(json.dumps(f.handler(json.load(open(sys.argv[2])), None)))")
    done = subprocess.run([sys.executable, "-S", "-c", probe, str(artifacts),
                           str(TESTS_DIR / "skill" / "requests" / "launch.json")],
                          capture_output=True, text=True, cwd=tmp_path,
                          env={"STRETCH_COACH_DB": str(tmp_path / "db.sqlite3"), "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr
    assert "Welcome to Stretch Coach" in json.loads(done.stdout)["response"]["outputSpeech"]["ssml"]


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

