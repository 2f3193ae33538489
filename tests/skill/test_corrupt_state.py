"""A stored user row the skill cannot use is replaced by a fresh state, with a warning in the log,
instead of an apology on every request forever. Each bad row is written straight into the SQLite
file, as a crash, a hand edit or an older release might have left it. Rows as DynamoDB hands them
back, every number a Decimal, are read into the state directly."""

from __future__ import annotations

import json
import logging
import sqlite3
from decimal import Decimal

import pytest

from skill.speech import say
from skill.state import InvalidState, UserState
from tests.conftest import speech

USER = "amzn1.ask.account.TESTUSER"
GOOD = {"position": {"routine": "hip", "minutes": None, "index": 2, "status": "paused"},
        "history": {"last_routine": None, "last_day": None, "streak": 0, "started": {"hip": 1}, "finished": 0},
        "hold_length": "normal", "disclaimer_given": True}


def with_changes(**changes) -> str:
    data = json.loads(json.dumps(GOOD))
    for dotted, value in changes.items():
        holder, *path = dotted.split("__")
        target = data
        for key in [holder, *path][:-1]:
            target = target[key]
        target[[holder, *path][-1]] = value
    return json.dumps(data)


BAD_ROWS = {
    "not JSON": "{not json",
    "truncated JSON": json.dumps(GOOD)[:40],
    "null": "null",
    "a list": "[1, 2]",
    "an empty list": "[]",
    "a string": '"hip"',
    "a number": "7",
    "unknown routine": with_changes(position__routine="yoga"),
    "index out of range": with_changes(position__index=999),
    "negative index": with_changes(position__index=-1),
    "index as a string": with_changes(position__index="2"),
    "index as a bool": with_changes(position__index=True),
    "minutes as words": with_changes(position__minutes="ten"),
    "minutes the routine cannot meet": with_changes(position__minutes=100000),
    "unknown status": with_changes(position__status="dancing"),
    "position a list": with_changes(position=["hip", 2]),
    "history a list": with_changes(history=[]),
    "history started with a string count": with_changes(history__started={"hip": "x"}),
    "history started with a bool count": with_changes(history__started={"hip": True}),
    "history started an unknown routine": with_changes(history__started={"yoga": 3}),
    "history last day not a date": with_changes(history__last_day="yesterday"),
    "streak as a float": with_changes(history__streak=1.5),
    "disclaimer as a string": with_changes(disclaimer_given="yes"),
    "unknown hold length": with_changes(hold_length="forever"),
    "offer of an unknown routine": with_changes(offer="yoga"),
    "offer of an unknown kind": with_changes(offer={"kind": "maybe", "routine": "hip"}),
    "playback at a negative offset": with_changes(playback={"routine": "hip", "token": "t", "offset_ms": -1}),
}


def write_row(db, data: str) -> None:
    with sqlite3.connect(db) as connection:
        connection.execute("INSERT OR REPLACE INTO attributes (user_id, data) VALUES (?, ?)", (USER, data))


def read_row(db) -> str:
    with sqlite3.connect(db) as connection:
        return connection.execute("SELECT data FROM attributes WHERE user_id = ?", (USER,)).fetchone()[0]


def first_words(key: str) -> str:
    return say(key, disclaimer="")[:40]


@pytest.mark.parametrize("row", BAD_ROWS.values(), ids=BAD_ROWS.keys())
def test_a_bad_row_is_replaced_by_a_fresh_state(alexa, skill_db, caplog, row):
    write_row(skill_db, row)
    with caplog.at_level(logging.WARNING):
        answer = alexa.send("launch")
    assert first_words("welcome_first") in speech(answer)  # the first-time welcome, not the apology
    assert "Sorry" not in speech(answer)
    warnings = [r for r in caplog.records
                if r.levelno == logging.WARNING and "replacing the stored state" in r.getMessage()]
    assert len(warnings) == 1, [r.getMessage() for r in caplog.records]
    stored = json.loads(read_row(skill_db))
    assert stored["position"] is None and stored["disclaimer_given"] is True and stored["history"]["started"] == {}
    # and the next turn carries on normally, with no further warning
    caplog.clear()
    answer = alexa.intent("StartRoutineIntent-hip")
    assert "This is the hip routine" in speech(answer)
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


def test_a_good_row_is_kept(alexa, skill_db, caplog):
    write_row(skill_db, json.dumps(GOOD))
    answer = alexa.send("launch")
    assert first_words("welcome_back") in speech(answer)
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert json.loads(read_row(skill_db))["position"]["index"] == 2


def test_a_row_with_fields_from_a_newer_release_is_kept(alexa, skill_db, caplog):
    data = json.loads(json.dumps(GOOD))
    data["position"]["offset_ms"] = 1234
    data["audio"] = {"token": "t"}
    write_row(skill_db, json.dumps(data))
    assert first_words("welcome_back") in speech(alexa.send("launch"))
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


def test_a_bad_session_copy_falls_back_to_the_stored_row(alexa, skill_db, caplog):
    write_row(skill_db, json.dumps(GOOD))
    alexa.attributes = {"stretch_coach": {"position": {"routine": "hip", "minutes": None, "index": 999}}}
    with caplog.at_level(logging.WARNING):
        answer = alexa.intent("AMAZON.ResumeIntent")
    assert "Sorry" not in speech(answer)
    assert any("session's copy" in r.getMessage() for r in caplog.records)
    assert json.loads(read_row(skill_db))["history"]["started"] == {"hip": 1}


def test_numbers_read_back_from_dynamodb_as_decimals_are_the_ints_stored():
    """DynamoDB hands every number back as a Decimal: a whole one is the int the skill stored, wherever
    it is, and goes back to the store and the session as that int."""
    row = with_changes(history__started={"hip": 3, "neck": 1},
                       playback={"routine": "hip", "token": "t", "offset_ms": 1234})
    from_dynamodb = UserState.from_attributes(json.loads(row, parse_int=Decimal)).to_attributes()
    assert json.dumps(from_dynamodb) == json.dumps(UserState.from_attributes(json.loads(row)).to_attributes())


@pytest.mark.parametrize("dotted", ["position.index", "history.started.hip"])
def test_a_number_with_a_fraction_is_not_a_count(dotted):
    """The skill never stores one, so a Decimal('1.5') is no state it wrote (nor truncated to 1)."""
    row = json.loads(with_changes(**{dotted.replace(".", "__"): 1.5}), parse_int=Decimal, parse_float=Decimal)
    with pytest.raises(InvalidState, match=rf"^{dotted}: "):
        UserState.from_attributes(row)
