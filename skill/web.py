"""The skill as a web service: POST /alexa, every request verified unless verification was turned
off for local testing. A request that fails any check, or is not a valid envelope, gets HTTP 400."""

from __future__ import annotations

import json
import logging

from ask_sdk_core.exceptions import AskSdkException
from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model import RequestEnvelope
from flask import Blueprint, Response, current_app, request

from skill.verify import RequestRejected, RequestVerifier

log = logging.getLogger(__name__)
bp = Blueprint("alexa", __name__)
_serializer = DefaultSerializer()


def _bad_request(reason: str) -> Response:
    log.warning("rejected Alexa request from %s: %s", request.remote_addr, reason)
    return Response(json.dumps({"error": "bad request"}), status=400, mimetype="application/json")


@bp.post("/alexa")
def alexa() -> Response:
    body = request.get_data(cache=False)
    verifier: RequestVerifier | None = current_app.extensions["stretch_coach_verifier"]
    try:
        if verifier is not None:
            verifier.verify(request.headers, body)
        envelope = _serializer.deserialize(body.decode("utf-8"), RequestEnvelope)
    except RequestRejected as exc:
        return _bad_request(str(exc))
    except Exception as exc:  # not JSON, not an envelope: the client's fault, never a crash
        return _bad_request(f"unreadable request: {exc}")
    if envelope is None or envelope.request is None:
        return _bad_request("the envelope has no request")
    try:
        response = current_app.extensions["stretch_coach_skill"].invoke(request_envelope=envelope, context=None)
    except AskSdkException as exc:  # the SDK refuses envelopes for another skill id
        return _bad_request(str(exc))
    return Response(json.dumps(_serializer.serialize(response)), mimetype="application/json")
