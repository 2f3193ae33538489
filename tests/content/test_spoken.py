import pytest

from content.spoken import estimate_speech_s, minutes_words, number_words, seconds_words


@pytest.mark.parametrize("n,words", [(0, "zero"), (7, "seven"), (13, "thirteen"), (20, "twenty"), (45, "forty-five"),
                                     (99, "ninety-nine"), (100, "one hundred"), (120, "one hundred and twenty")])
def test_number_words(n, words):
    assert number_words(n) == words


@pytest.mark.parametrize("seconds,words", [(1, "one second"), (30, "thirty seconds"), (60, "one minute"),
                                           (90, "a minute and a half"), (120, "two minutes"),
                                           (130, "two minutes and ten seconds"), (61, "one minute and one second"),
                                           (70, "one minute and ten seconds"), (59.6, "one minute")])
def test_seconds_words(seconds, words):
    assert seconds_words(seconds) == words


def test_minutes_words_rounds_to_the_nearest_minute():
    assert minutes_words(734) == "twelve minutes" and minutes_words(20) == "one minute"


def test_longer_text_takes_longer_to_say():
    short, long = estimate_speech_s("Hold."), estimate_speech_s("Hold for thirty seconds. Breathe slowly and let go.")
    assert 0.3 < short < long < 6


def test_numbers_outside_a_routine_are_refused():
    with pytest.raises(ValueError):
        number_words(-1)
    with pytest.raises(ValueError):
        number_words(1000)
