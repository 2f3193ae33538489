"""The Flask app factory: the phone library at `/` (and, when the skill lands, the skill at /alexa)."""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask

from exporter.web import bp as library_blueprint

DEFAULT_AUDIO_DIR = Path("audio/out")


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(__name__)
    app.config.from_mapping(
        AUDIO_DIR=str(DEFAULT_AUDIO_DIR.resolve()),
        EXPORT_ENGINE="auto",
        AUDIO_URL=os.environ.get("STRETCH_COACH_AUDIO_URL"),
        MAX_CONTENT_LENGTH=64 * 1024,
    )
    if test_config:
        app.config.from_mapping(test_config)
    app.register_blueprint(library_blueprint)
    return app
