"""The Flask app factory: the phone library at `/` and the Alexa skill at `POST /alexa`."""

from __future__ import annotations

import io
import os
from pathlib import Path

from flask import Flask

from content import Catalog
from exporter.engines import DEFAULT_ENGINE
from exporter.library import AudioLibrary
from exporter.web import bp as library_blueprint
from skill.builder import create_skill
from skill.verify import RequestVerifier
from skill.web import bp as alexa_blueprint

DEFAULT_AUDIO_DIR = Path("audio/out")
MAX_REQUEST_BYTES = 128 * 1024  # Alexa's envelopes are a few kilobytes; anything far larger is refused (413)


class ChunkedBodyLimit:
    """MAX_CONTENT_LENGTH for bodies sent without a Content-Length (Transfer-Encoding: chunked).

    Werkzeug stops reading such a body at the limit and hands the view the first part, as if that
    were all of it. This middleware reads one byte past the limit first and passes the body on with
    its length, so Flask answers 413 (through the app's own error handlers) when it is too large.
    """

    def __init__(self, wsgi_app, limit: int):
        self.wsgi_app = wsgi_app
        self.limit = limit

    def __call__(self, environ, start_response):
        # A server sets wsgi.input_terminated when its input stream ends with the body (gunicorn
        # always; Werkzeug's for chunked bodies): only then can it be read without a length.
        if environ.get("wsgi.input_terminated") and not environ.get("CONTENT_LENGTH"):
            body = self._read_past_limit(environ["wsgi.input"])
            environ["wsgi.input"] = io.BytesIO(body)
            environ["CONTENT_LENGTH"] = str(len(body))
            environ.pop("HTTP_TRANSFER_ENCODING", None)  # Werkzeug ignores the length of a chunked body
        return self.wsgi_app(environ, start_response)

    def _read_past_limit(self, stream) -> bytes:
        """The body, or its first limit + 1 bytes when it is longer (a read may return less than asked)."""
        body = bytearray()
        while len(body) <= self.limit:
            chunk = stream.read(self.limit + 1 - len(body))
            if not chunk:
                break
            body += chunk
        return bytes(body)


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(__name__)
    app.config.from_mapping(
        AUDIO_DIR=str(DEFAULT_AUDIO_DIR.resolve()),
        EXPORT_ENGINE=DEFAULT_ENGINE,
        AUDIO_URL=os.environ.get("STRETCH_COACH_AUDIO_URL"),
        ALEXA_VERIFY=True,
        ALEXA_SKILL_ID=os.environ.get("ALEXA_SKILL_ID"),
        SKILL_ADAPTER=None,  # None: from the environment (STRETCH_COACH_DB or DYNAMODB_TABLE)
        VERIFIER=None,  # a RequestVerifier to use instead of one against the system's trusted roots
        MAX_CONTENT_LENGTH=MAX_REQUEST_BYTES,
        RENDER_ON_START=False,  # `serve` turns it on: every routine rendered in the background from start-up
    )
    if test_config:
        app.config.from_mapping(test_config)
    catalog = Catalog.load()
    app.extensions["stretch_coach_catalog"] = catalog
    audio = AudioLibrary(catalog, Path(app.config["AUDIO_DIR"]), app.config["EXPORT_ENGINE"])
    app.extensions["stretch_coach_audio"] = audio
    if app.config["RENDER_ON_START"]:
        audio.render_all_in_background()
    skill_id = app.config["ALEXA_SKILL_ID"]
    app.extensions["stretch_coach_skill"] = create_skill(app.config["SKILL_ADAPTER"], skill_id, catalog)
    app.extensions["stretch_coach_verifier"] = (
        (app.config["VERIFIER"] or RequestVerifier(skill_id=skill_id)) if app.config["ALEXA_VERIFY"] else None)
    app.register_blueprint(library_blueprint)
    app.register_blueprint(alexa_blueprint)
    if app.config["MAX_CONTENT_LENGTH"] is not None:
        app.wsgi_app = ChunkedBodyLimit(app.wsgi_app, app.config["MAX_CONTENT_LENGTH"])
    return app
