"""The Lambda entry point: `skill.lambda_function.handler`. It imports no exporter code, pydub,
gTTS or Flask; the DynamoDB adapter is built on the first request, not at import."""

from skill.builder import build_skill

handler = build_skill().lambda_handler()
