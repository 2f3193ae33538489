"""Numbers and lengths of time as words a speech engine reads naturally, and speech length estimates."""

from __future__ import annotations

import re

_ONES = ("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
         "sixteen seventeen eighteen nineteen").split()
_TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()

# A calm coaching voice: the Piper voice at its default pace measured 2.6 words a second over the
# hip routine, with a short rest at each sentence end.
WORDS_PER_SECOND = 2.6
SENTENCE_GAP_S = 0.35
MIN_SPEECH_S = 0.45


def number_words(n: int) -> str:
    if n < 0:
        raise ValueError(f"no words for negative number {n}")
    if n < 20:
        return _ONES[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return _TENS[tens] + (f"-{_ONES[ones]}" if ones else "")
    if n < 1000:
        hundreds, rest = divmod(n, 100)
        return f"{_ONES[hundreds]} hundred" + (f" and {number_words(rest)}" if rest else "")
    raise ValueError(f"no words for {n}; nothing in a routine counts that high")


def seconds_words(seconds: float) -> str:
    """'thirty seconds', 'one minute', 'a minute and a half', 'two minutes and ten seconds'."""
    total = int(round(seconds))
    minutes, rest = divmod(total, 60)
    if minutes == 0:
        return f"{number_words(rest)} second" + ("" if rest == 1 else "s")
    if minutes == 1 and rest == 30:
        return "a minute and a half"
    head = f"{number_words(minutes)} minute" + ("" if minutes == 1 else "s")
    return head if rest == 0 else f"{head} and {number_words(rest)} second" + ("" if rest == 1 else "s")


def minutes_words(seconds: float) -> str:
    """A routine's length as a listener wants it: 'about fourteen minutes'."""
    minutes = max(1, int(round(seconds / 60)))
    return f"{number_words(minutes)} minute" + ("" if minutes == 1 else "s")


def spoken_list(words: list[str], joiner: str = "and") -> str:
    """'a', 'a and b', 'a, b and c'."""
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} {joiner} {words[-1]}"


def target_words(target: str) -> str:
    """A target as said aloud: 'lower-back' is 'lower back'."""
    return target.replace("-", " ")


def heading(title: str) -> str:
    """A routine title ('hip routine', spoken mid-sentence) as a heading: 'Hip routine'."""
    return title[:1].upper() + title[1:]


def estimate_speech_s(text: str) -> float:
    """How long a calm voice takes to say the text; the exporter replaces it with real clip lengths."""
    words = len(re.findall(r"[\w'-]+", text))
    sentences = max(1, len(re.findall(r"[.!?;:]+", text)))
    return round(max(MIN_SPEECH_S, words / WORDS_PER_SECOND + (sentences - 1) * SENTENCE_GAP_S), 2)
