"""`stretch-coach publish s3://BUCKET/PREFIX`: render routines and put them where the skill on
Lambda streams them from. Objects land at PREFIX/audio/<id>.mp3 (and .cues.json, .vtt), the same
paths the phone library serves, so STRETCH_COACH_AUDIO_URL is the bucket's HTTPS address plus PREFIX
in both cases. An object whose bytes are already there is left alone, so publishing twice uploads
nothing the second time.
"""

from __future__ import annotations

import hashlib
import tempfile
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

from content import Library
from exporter.export import ExportOptions, export_routines

# Content types Alexa and browsers need; cache lifetimes short enough that a re-published routine
# reaches listeners within the hour (cue sheets sooner: the skill jumps by them).
CONTENT = {
    ".mp3": ("audio/mpeg", "public, max-age=3600"),
    ".cues.json": ("application/json", "public, max-age=300"),
    ".vtt": ("text/vtt", "public, max-age=300"),
}


class PublishError(Exception):
    """Publishing failed: a bad destination, or S3 refused; carries the cause."""


@dataclass(frozen=True)
class Destination:
    bucket: str
    prefix: str  # "" or "some/folder", no slashes at either end

    @classmethod
    def parse(cls, url: str) -> Destination:
        parts = urllib.parse.urlsplit(url)
        if parts.scheme != "s3" or not parts.netloc:
            raise PublishError(f"{url!r} is not an S3 address; give s3://BUCKET or s3://BUCKET/PREFIX")
        return cls(parts.netloc, parts.path.strip("/"))

    def key(self, name: str) -> str:
        return "/".join(part for part in (self.prefix, "audio", name) if part)


@dataclass(frozen=True)
class Upload:
    path: Path
    key: str
    content_type: str
    cache_control: str


def plan_uploads(destination: Destination, files: list[Path]) -> list[Upload]:
    """Which file goes to which key, with which headers (data: no I/O)."""
    uploads = []
    for path in files:
        suffix = next(s for s in CONTENT if path.name.endswith(s))
        content_type, cache_control = CONTENT[suffix]
        uploads.append(Upload(path, destination.key(path.name), content_type, cache_control))
    return uploads


def _unchanged(client, bucket: str, upload: Upload, md5: str) -> bool:
    """True when the object already holds these bytes with these headers."""
    from botocore.exceptions import ClientError

    try:
        head = client.head_object(Bucket=bucket, Key=upload.key)
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
            return False
        raise
    return (head.get("ETag", "").strip('"') == md5 and head.get("ContentType") == upload.content_type
            and head.get("CacheControl") == upload.cache_control)


def upload_all(client, destination: Destination, uploads: list[Upload]) -> list[tuple[Upload, bool]]:
    """Put every file, skipping those already there; returns (upload, sent) pairs."""
    done = []
    for upload in uploads:
        data = upload.path.read_bytes()
        md5 = hashlib.md5(data, usedforsecurity=False).hexdigest()  # S3's ETag of a single-part upload
        if _unchanged(client, destination.bucket, upload, md5):
            done.append((upload, False))
            continue
        client.put_object(Bucket=destination.bucket, Key=upload.key, Body=data, ContentType=upload.content_type,
                          CacheControl=upload.cache_control)
        done.append((upload, True))
    return done


def publish(library: Library, routine_ids: list[str], url: str, options: ExportOptions,
            client=None) -> list[tuple[Upload, bool]]:
    """Render the routines into a scratch folder and upload each MP3, cue sheet and caption file.
    The S3 client comes from boto3's usual configuration (AWS_PROFILE, AWS_ENDPOINT_URL, ...)."""
    destination = Destination.parse(url)
    import boto3
    from botocore.exceptions import BotoCoreError, ClientError

    client = client or boto3.client("s3")
    with tempfile.TemporaryDirectory(prefix="stretch-coach-publish-") as scratch:
        results = export_routines(library, routine_ids, Path(scratch), options)
        files = [path for result in results for path in (result.mp3, result.cues, result.vtt)]
        try:
            return upload_all(client, destination, plan_uploads(destination, files))
        except (BotoCoreError, ClientError) as exc:
            raise PublishError(f"could not upload to {url}: {exc}") from exc
