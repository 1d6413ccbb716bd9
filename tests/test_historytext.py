"""The history text kept between autosaves is always the JSON of the history asked for."""

from __future__ import annotations

import json

from ifengine.historytext import HistoryText
from ifengine.state import EMPTY, Trail


def plain(history: object) -> str:
    return json.dumps(list(history), ensure_ascii=False)  # type: ignore[call-overload]


def test_a_longer_history_appends_to_the_text() -> None:
    text = HistoryText()
    one = EMPTY.extend(["a:x"])
    two = one.extend(["b:ñ", 'c:"q"'])
    assert text.json(one) == plain(one)
    assert text.json(two) == plain(two) == '["a:x", "b:ñ", "c:\\"q\\""]'


def test_an_undone_history_cuts_the_text_short() -> None:
    text = HistoryText()
    one = EMPTY.extend(["a:x"])
    three = one.extend(["b:y", "c:z"])
    text.json(three)
    assert text.json(one) == plain(one)
    assert text.json(EMPTY) == "[]"
    assert text.json(three) == plain(three)


def test_an_unrelated_history_is_encoded_afresh() -> None:
    text = HistoryText()
    text.json(EMPTY.extend(["a:x", "b:y"]))
    other = Trail(["a:x", "q:q"])
    assert text.json(other) == plain(other)
    assert text.json(("t:t",)) == plain(("t:t",))


def test_a_trail_knows_what_was_added_since_an_earlier_one() -> None:
    one = EMPTY.extend(["a"])
    two = one.extend(["b", "c"])
    assert two.since(one) == ["b", "c"] and two.since(EMPTY) == ["a", "b", "c"] and one.since(one) == []
    assert one.since(two) is None and two.since(Trail(["a"])) is None and two.since(("a",)) is None
