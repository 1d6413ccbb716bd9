"""Numbers and values in a reader's words, everywhere the tools speak."""

from __future__ import annotations

from ifengine.expr import Type
from ifengine.words import article, count, story_value


def test_counts_agree_with_their_nouns() -> None:
    assert [count(n, "choice") for n in (0, 1, 2, 12000)] == ["0 choices", "1 choice", "2 choices", "12,000 choices"]
    assert count(1, "distinct state") == "1 distinct state"


def test_articles_and_story_values() -> None:
    assert (article("enum"), article("set"), article("int")) == ("an enum", "a set", "an int")
    assert [story_value(v) for v in (False, True, 3, "calm", frozenset({"b", "a"}))] == [
        "false",
        "true",
        "3",
        "'calm'",
        "[a, b]",
    ]
    assert str(Type("enum", "mood")) == "an enum (mood)"


def test_explore_says_one_choice_not_one_choices(make_story, cli) -> None:  # type: ignore[no-untyped-def]
    scenes = "scenes:\n  a:\n    choices:\n      - {text: Go, goto: b}\n  b:\n    ending: win\n"
    _, out, _ = cli("explore", make_story(scenes=scenes))
    assert "(shortest: 1 choice)" in out and "Playthroughs take 1 choice." in out and "1 choices" not in out
