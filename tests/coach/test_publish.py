"""`stretch-coach publish` against a real S3 API on loopback: moto's server, started by the test."""

from __future__ import annotations

import json

import boto3
import pytest
from moto.server import ThreadedMotoServer

from coach.cli import main
from coach.publish import Destination, PublishError

BUCKET = "stretch-coach-audio"


@pytest.fixture
def s3(monkeypatch):
    """An S3 endpoint on 127.0.0.1 (a free port) with an empty bucket; boto3 finds it through
    AWS_ENDPOINT_URL as the published command would find a real one through its configuration."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    for name, value in {"AWS_ENDPOINT_URL": f"http://{host}:{port}", "AWS_ACCESS_KEY_ID": "testing",
                        "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "us-east-1"}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    client = boto3.client("s3")
    client.create_bucket(Bucket=BUCKET)
    yield client
    server.stop()


def test_publish_uploads_the_routine_with_its_content_types_and_is_idempotent(runner, s3, quick_export, monkeypatch):
    _, cache = quick_export
    monkeypatch.setenv("STRETCH_COACH_CACHE", str(cache.root))  # the clips already made: no new speech
    first = runner.invoke(main, ["publish", f"s3://{BUCKET}/stretch-coach", "quick", "--engine", "espeak"])
    assert first.exit_code == 0, first.output
    assert first.output.count("uploaded") == 3

    expected = {"stretch-coach/audio/quick.mp3": "audio/mpeg",
                "stretch-coach/audio/quick.cues.json": "application/json",
                "stretch-coach/audio/quick.vtt": "text/vtt"}
    listed = {item["Key"] for item in s3.list_objects_v2(Bucket=BUCKET)["Contents"]}
    assert listed == set(expected)
    for key, content_type in expected.items():
        head = s3.head_object(Bucket=BUCKET, Key=key)
        assert head["ContentType"] == content_type and head["CacheControl"].startswith("public, max-age=")
    mp3 = s3.get_object(Bucket=BUCKET, Key="stretch-coach/audio/quick.mp3")["Body"].read()
    assert mp3[:3] == b"ID3" and len(mp3) > 100_000  # tagged, and minutes of audio
    cues = json.loads(s3.get_object(Bucket=BUCKET, Key="stretch-coach/audio/quick.cues.json")["Body"].read())
    assert cues["routine"] == "quick" and len(cues["chapters"]) > 2

    again = runner.invoke(main, ["publish", f"s3://{BUCKET}/stretch-coach", "quick", "--engine", "espeak"])
    assert again.exit_code == 0, again.output
    assert again.output.count("unchanged") == 3 and "uploaded" not in again.output
    assert {item["Key"] for item in s3.list_objects_v2(Bucket=BUCKET)["Contents"]} == set(expected)


def test_a_missing_bucket_is_a_clear_error(runner, s3, quick_export, monkeypatch):
    monkeypatch.setenv("STRETCH_COACH_CACHE", str(quick_export[1].root))
    result = runner.invoke(main, ["publish", "s3://no-such-bucket", "quick", "--engine", "espeak"])
    assert result.exit_code == 1
    assert "could not upload to s3://no-such-bucket" in result.output and "Traceback" not in result.output


@pytest.mark.parametrize("url", ["https://example.com/audio", "s3:///prefix", "bucket/prefix"])
def test_only_s3_addresses_are_accepted(runner, url):
    result = runner.invoke(main, ["publish", url, "quick"])
    assert result.exit_code == 1 and "is not an S3 address" in result.output


def test_keys_follow_the_phone_library_paths():
    assert Destination.parse("s3://b").key("hip.mp3") == "audio/hip.mp3"
    assert Destination.parse("s3://b/a/b/").key("hip.vtt") == "a/b/audio/hip.vtt"
    with pytest.raises(PublishError):
        Destination.parse("s3:/b")
