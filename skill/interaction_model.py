"""The interaction models in ASK CLI format, built from `model.yaml`, and routine-name resolution
from the same synonyms.

    python -m skill.interaction_model    # rewrite skill/skill-package/interactionModels/custom/*.json
"""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path

HERE = Path(__file__).parent
MODELS_DIR = HERE / "skill-package" / "interactionModels" / "custom"


@functools.cache
def source() -> dict:
    import yaml  # with the first turn that needs it, not with every cold start

    return yaml.safe_load((HERE / "model.yaml").read_text(encoding="utf-8"))


def _slot_type(name: str, values: dict[str, list[str]]) -> dict:
    return {"name": name, "values": [{"id": value_id, "name": {"value": synonyms[0], "synonyms": synonyms[1:]}}
                                     for value_id, synonyms in values.items()]}


def build_model(locale: str) -> dict:
    model = source()
    intents = []
    for name, spec in model["intents"].items():
        intent: dict = {"name": name, "samples": list(spec.get("samples", []))}
        if spec.get("slots"):
            intent["slots"] = [{"name": slot, "type": kind} for slot, kind in spec["slots"].items()]
        intents.append(intent)
    return {"interactionModel": {"languageModel": {
        "invocationName": model["invocation"],
        "intents": intents,
        "types": [_slot_type("RoutineType", model["routines"]), _slot_type("HoldLengthType", model["hold_lengths"])],
    }}}


def model_files() -> dict[Path, str]:
    return {MODELS_DIR / f"{locale}.json": json.dumps(build_model(locale), indent=2) + "\n"
            for locale in source()["locales"]}


def _normalise(text: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"[^a-z0-9 ]", " ", text.lower())).strip()


@functools.cache
def _lookup(kind: str) -> dict[str, str]:
    return {_normalise(synonym): value_id for value_id, synonyms in source()[kind].items()
            for synonym in [value_id, *synonyms]}


def resolve(kind: str, spoken: str | None) -> str | None:
    """The value id ('lower-back') for what was said ('low back'), or None."""
    if not spoken:
        return None
    lookup = _lookup(kind)
    said = _normalise(spoken)
    if said in lookup:
        return lookup[said]
    trimmed = re.sub(r"\b(my|the|a|routine|stretches|stretch)\b", " ", said)
    return lookup.get(_normalise(trimmed))


def main() -> None:
    MODELS_DIR.mkdir(parents=True, exist_ok=True)
    for path, text in model_files().items():
        path.write_text(text, encoding="utf-8")
        print(path)


if __name__ == "__main__":
    main()
