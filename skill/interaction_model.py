"""The interaction models in ASK CLI format, built from `model.yaml` (intents, carrier phrases, hold
lengths) and the content library (routine names and synonyms, through the Vocabulary).

    python -m skill.interaction_model    # rewrite skill/skill-package/interactionModels/custom/*.json
"""

from __future__ import annotations

import functools
import itertools
import json
import re
from pathlib import Path

from skill.vocabulary import Vocabulary, normalise

HERE = Path(__file__).parent
MODELS_DIR = HERE / "skill-package" / "interactionModels" / "custom"


@functools.cache
def source() -> dict:
    import yaml  # with the first turn that needs it, not with every cold start

    return yaml.safe_load((HERE / "model.yaml").read_text(encoding="utf-8"))


def expand(sample: str) -> list[str]:
    """Every sentence a sample with alternatives stands for: "(start|do) my {routine}" gives
    "start my {routine}" and "do my {routine}"; an empty alternative leaves the word out."""
    pieces = re.split(r"\(([^()]*)\)", sample)
    choices = [[piece] if i % 2 == 0 else piece.split("|") for i, piece in enumerate(pieces)]
    return [re.sub(r"\s+", " ", "".join(combination)).strip() for combination in itertools.product(*choices)]


def samples(spec: dict) -> list[str]:
    return list(dict.fromkeys(sentence for sample in spec.get("samples", []) for sentence in expand(sample)))


def _slot_type(name: str, values: list[tuple[str, str, tuple[str, ...]]]) -> dict:
    return {"name": name, "values": [{"id": value_id, "name": {"value": value, "synonyms": list(synonyms)}}
                                     for value_id, value, synonyms in values]}


def build_model(locale: str, vocabulary: Vocabulary) -> dict:
    model = source()
    intents = []
    for name, spec in model["intents"].items():
        intent: dict = {"name": name, "samples": samples(spec or {})}
        if (spec or {}).get("slots"):
            intent["slots"] = [{"name": slot, "type": kind} for slot, kind in spec["slots"].items()]
        intents.append(intent)
    routines = [(words.id, words.name, words.synonyms) for words in vocabulary.routines]
    def words(section: str) -> list[tuple[str, str, tuple[str, ...]]]:
        return [(value_id, said[0], tuple(said[1:])) for value_id, said in model[section].items()]

    return {"interactionModel": {"languageModel": {
        "invocationName": model["invocation"],
        "intents": intents,
        "types": [_slot_type("RoutineType", routines), _slot_type("HoldLengthType", words("hold_lengths")),
                  _slot_type("FocusType", words("focus_words")), _slot_type("AvoidType", words("avoid_words"))],
    }}}


def model_files(vocabulary: Vocabulary) -> dict[Path, str]:
    return {MODELS_DIR / f"{locale}.json": json.dumps(build_model(locale, vocabulary), indent=2) + "\n"
            for locale in source()["locales"]}


@functools.cache
def _lookup(section: str) -> dict[str, str]:
    return {normalise(word): value_id for value_id, words in source()[section].items()
            for word in [value_id, *words]}


def hold_length(spoken: str | None) -> str | None:
    """The hold length id ('longer') for what was said ('more time'), or None."""
    return _lookup("hold_lengths").get(normalise(spoken)) if spoken else None


def focus(spoken: str | None) -> str | None:
    """The target a made-to-measure routine works ('lower-back') for what was said ('my back'), or None."""
    return _lookup("focus_words").get(normalise(spoken)) if spoken else None


def avoid(spoken: str | None) -> str | None:
    """What a made-to-measure routine leaves out ('floor') for what was said ('in a chair'), or None."""
    return _lookup("avoid_words").get(normalise(spoken)) if spoken else None


def main() -> None:
    from content import Catalog

    MODELS_DIR.mkdir(parents=True, exist_ok=True)
    for path, text in model_files(Vocabulary(Catalog.load())).items():
        path.write_text(text, encoding="utf-8")
        print(path)


if __name__ == "__main__":
    main()
