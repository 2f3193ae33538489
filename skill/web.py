"""The skill as a web service: POST /alexa, every request verified unless verification was turned
off for local testing. A request that fails any check, or is not a valid envelope, gets HTTP 400."""

from __future__ import annotations

import json
import logging

from ask_sdk_core.exceptions import AskSdkException
from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model import Request, RequestEnvelope
from flask import Blueprint, Response, current_app, request
from werkzeug.exceptions import RequestEntityTooLarge

from skill.verify import RequestRejected, RequestVerifier

log = logging.getLogger(__name__)
bp = Blueprint("alexa", __name__)
_serializer = DefaultSerializer()

# Alexa's envelopes nest about a dozen levels deep (slot resolutions, APL arguments); the SDK copies
# and serializes them recursively, so anything far deeper is refused before it gets there.
MAX_DEPTH = 64


def _bad_request(reason: str) -> Response:
    log.warning("rejected Alexa request from %s: %s", request.remote_addr, reason)
    return Response(json.dumps({"error": "bad request"}), status=400, mimetype="application/json")


@bp.errorhandler(RequestEntityTooLarge)
def _too_large(exc: RequestEntityTooLarge) -> Response:
    log.warning("rejected Alexa request from %s: the body is larger than allowed", request.remote_addr)
    return Response(json.dumps({"error": "request too large"}), status=413, mimetype="application/json")


def nesting_depth(value, limit: int = MAX_DEPTH) -> int:
    """How deeply objects and arrays nest in parsed JSON, counted without recursion; stops counting
    once past `limit`."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, (dict, list)):
            deepest = max(deepest, depth)
            if deepest > limit:
                return deepest
            stack.extend((child, depth + 1) for child in (item.values() if isinstance(item, dict) else item))
    return deepest


def _application_id(envelope: RequestEnvelope) -> str | None:
    system = envelope.context.system if envelope.context else None
    application = system.application if system else None
    return application.application_id if application else None


def _raw_application_id(parsed: dict) -> str | None:
    """The application id of an envelope the SDK cannot read, from context.System.application."""
    holder = parsed
    for key in ("context", "System", "application", "applicationId"):
        holder = holder.get(key) if isinstance(holder, dict) else None
    return holder if isinstance(holder, str) else None


def _unknown_request_type(parsed: dict) -> str | None:
    """The request's type when it is a string the SDK has no model for (a newer Alexa event)."""
    kind = parsed.get("request", {}).get("type") if isinstance(parsed.get("request"), dict) else None
    return kind if isinstance(kind, str) and kind not in Request.discriminator_value_class_map else None


def _empty_response() -> Response:
    return Response(json.dumps({"version": "1.0", "response": {}}), mimetype="application/json")


@bp.post("/alexa")
def alexa() -> Response:
    body = request.get_data(cache=False)
    verifier: RequestVerifier | None = current_app.extensions["stretch_coach_verifier"]
    skill = current_app.extensions["stretch_coach_skill"]
    try:
        if verifier is not None:
            verifier.verify(request.headers, body)
        text = body.decode("utf-8")
        parsed = json.loads(text)
        if not isinstance(parsed, dict):
            return _bad_request("the body is not a JSON object")
        if nesting_depth(parsed) > MAX_DEPTH:
            return _bad_request(f"the request nests more than {MAX_DEPTH} levels deep")
        unknown = _unknown_request_type(parsed)
        if unknown is not None:  # an event this SDK predates: nothing to say, and no reason to fail
            if skill.skill_id is not None and _raw_application_id(parsed) != skill.skill_id:
                return _bad_request(f"the request is for another skill ({_raw_application_id(parsed)})")
            log.info("no handler for request type %r; answered with an empty response", unknown[:100])
            return _empty_response()
        envelope = _serializer.deserialize(text, RequestEnvelope)
    except RequestRejected as exc:
        return _bad_request(str(exc))
    except Exception as exc:  # not JSON, not an envelope: the client's fault, never a crash
        return _bad_request(f"unreadable request: {exc}")
    if envelope is None or envelope.request is None:
        return _bad_request("the envelope has no request")
    if skill.skill_id is not None and _application_id(envelope) != skill.skill_id:
        return _bad_request(f"the request is for another skill ({_application_id(envelope)})")
    try:
        response = skill.invoke(request_envelope=envelope, context=None)
    except AskSdkException as exc:  # the SDK refuses envelopes for another skill id
        return _bad_request(str(exc))
    return Response(json.dumps(_serializer.serialize(response)), mimetype="application/json")
