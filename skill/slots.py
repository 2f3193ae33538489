"""What the person said in an intent's slots, read one way for every request that carries them
(IntentRequest and the name-free CanFulfillIntentRequest)."""

from __future__ import annotations

import functools

from content.spoken import number_words
from skill.interaction_model import avoid, focus, hold_length
from skill.vocabulary import Vocabulary, normalise


@functools.cache
def _numbers() -> dict[str, int]:
    return {normalise(number_words(n)): n for n in range(1000)}


class SlotReader:
    def __init__(self, request, vocabulary: Vocabulary):
        self.intent = getattr(request, "intent", None)
        self.vocabulary = vocabulary

    def names(self) -> list[str]:
        return list((self.intent.slots or {}) if self.intent else ())

    def value(self, name: str) -> str | None:
        """The resolved value id when Alexa matched one, else the words as heard."""
        slot = (self.intent.slots or {}).get(name) if self.intent else None
        if slot is None:
            return None
        for authority in (slot.resolutions.resolutions_per_authority if slot.resolutions else None) or []:
            if authority.status.code.value == "ER_SUCCESS_MATCH" and authority.values:
                return authority.values[0].value.id
        return slot.value

    def routine(self) -> str | None:
        return self.vocabulary.routine(self.value("routine"))

    def minutes(self) -> int | None:
        """A length in whole minutes, as digits (Alexa) or words (some simulators); None if absent
        or not a number above zero."""
        said = self.value("minutes")
        if not said:
            return None
        number = int(said) if said.isdigit() else _numbers().get(normalise(said))
        return number if number else None

    def hold_length(self) -> str | None:
        return hold_length(self.value("length"))

    def focus(self) -> str | None:
        return focus(self.value("focus"))

    def avoid(self) -> str | None:
        return avoid(self.value("avoid"))
