"""The Lambda entry point: what it imports, and DynamoDB behind a stubbed AWS API (the network
edge; botocore's Stubber answers in place of AWS)."""

from __future__ import annotations

import json
import subprocess
import sys

import boto3
from boto3.dynamodb.types import TypeDeserializer
from botocore.stub import ANY, Stubber

from skill.builder import build_skill
from skill.persistence import LazyDynamoDbAdapter
from tests.conftest import TESTS_DIR, Alexa

FORBIDDEN = ("pydub", "gtts", "flask", "exporter", "coach", "numpy", "scipy", "boto3", "ask_sdk_dynamodb")


def test_the_lambda_module_imports_no_exporter_or_web_code():
    probe = ("import sys, json, skill.lambda_function as f; assert callable(f.handler); "
             "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True,
                          cwd=TESTS_DIR.parent, env={"DYNAMODB_TABLE": "stretch-coach", "PATH": "/usr/bin:/bin"})
    loaded = set(json.loads(done.stdout))
    assert not loaded & set(FORBIDDEN), loaded & set(FORBIDDEN)


def stubbed_table():
    resource = boto3.resource("dynamodb", region_name="eu-west-1", aws_access_key_id="test",
                              aws_secret_access_key="test")
    return resource, Stubber(resource.meta.client)


def test_dynamodb_keeps_the_place_between_sessions(monkeypatch):
    # ask-sdk's adapter module builds a default boto3 resource when imported, which needs a region
    # (Lambda always sets one).
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")
    resource, stub = stubbed_table()
    saved = {}

    def remember(request):
        saved.update(request)

    stub.add_response("get_item", {}, {"TableName": "stretch-coach", "Key": {"id": "amzn1.ask.account.TESTUSER"},
                                       "ConsistentRead": True})
    stub.add_response("put_item", {}, {"TableName": "stretch-coach", "Item": ANY})
    adapter = LazyDynamoDbAdapter("stretch-coach", resource_factory=lambda: resource)
    assert adapter._adapter is None  # nothing built before the first request
    with stub:
        client = resource.meta.client
        client.meta.events.register("before-parameter-build.dynamodb.PutItem",
                                    lambda params, **_: remember(params))
        answer = Alexa(build_skill(adapter, skill_id=None).lambda_handler()).intent("StartRoutineIntent-hip")
        stub.assert_no_pending_responses()
    assert "This is the hip routine" in answer["response"]["outputSpeech"]["ssml"]
    attributes = TypeDeserializer().deserialize(saved["Item"]["attributes"])
    assert attributes["position"]["routine"] == "hip" and attributes["position"]["index"] == 0


def test_attributes_read_back_from_dynamodb_as_decimals_work():
    from decimal import Decimal

    from skill.state import UserState

    stored = {"position": {"routine": "hip", "minutes": None, "index": Decimal("2"), "status": "paused"},
              "history": {"streak": Decimal("3"), "finished": Decimal("4"), "started": {"hip": Decimal("5")},
                          "last_routine": "hip", "last_day": "2026-11-20"},
              "hold_length": "longer", "disclaimer_given": True}
    state = UserState.from_attributes(stored)
    assert state.position.index == 2 and type(state.position.index) is int
    assert state.history.favourite() == "hip" and state.hold_scale == 1.5
