"""Nested choices that gather, scenes called and returned from, and chance: loading and play."""

from __future__ import annotations

from collections import Counter
from fractions import Fraction

import pytest

from conftest import StoryFactory
from ifengine.check import check_story
from ifengine.diagnostics import StoryError
from ifengine.explorer import explore
from ifengine.loader import load_story, read_story
from ifengine.model import MAX_CALL_DEPTH
from ifengine.runtime import GameError, beginnings, choose, outcomes, replay, start
from ifengine.state import from_data, to_data

MANIFEST = """\
id: weave
title: Weave
start: talk
state:
  n: {type: int, min: 0, max: 9}
endings:
  done: {title: Done, theme: t}
  lucky: {title: Lucky, theme: t}
"""

NESTED = """\
scenes:
  talk:
    text: Leo looks up.
    choices:
      - text: Ask about the children
        reply: He shrugs.
        choices:
          - text: Press him
            do: n += 2
            reply: He looks away.
          - text: Let it go
      - text: Say nothing
        do: n += 1
    then:
      text: He sets down his cup.
      choices:
        - text: Leave
          goto: out
  out:
    text: "Outside. {n}."
    ending: done
"""


def keys(turn) -> list[str]:  # type: ignore[no-untyped-def]
    return [o.choice.key for o in turn.options]


def test_nested_choices_get_stable_ids_from_their_path(make_story: StoryFactory) -> None:
    story = load_story(str(make_story(MANIFEST, scenes=NESTED)))
    turn = start(story)
    assert keys(turn) == ["talk:ask-about-the-children", "talk:say-nothing"]
    turn = choose(story, turn.state, "talk:ask-about-the-children")
    assert [p.paragraphs for p in turn.passages] == [("He shrugs.",)]
    assert keys(turn) == ["talk/ask-about-the-children:press-him", "talk/ask-about-the-children:let-it-go"]


def test_nested_branches_gather_at_then(make_story: StoryFactory) -> None:
    story = load_story(str(make_story(MANIFEST, scenes=NESTED)))
    pressed = replay(story, ["talk:ask-about-the-children", "talk/ask-about-the-children:press-him"])
    silent = replay(story, ["talk:say-nothing"])
    for turn in (pressed, silent):
        assert turn.state.scene == "talk/then"
        assert keys(turn) == ["talk/then:leave"]
    assert [p.paragraphs for p in silent.passages] == [("He sets down his cup.",)]
    end = choose(story, pressed.state, "talk/then:leave")
    assert end.state.ending == "done" and end.passages[-1].paragraphs == ("Outside. 2.",)


def test_a_choice_with_no_goto_and_nothing_to_gather_it_is_located(make_story: StoryFactory) -> None:
    root = make_story(MANIFEST, scenes=NESTED.replace("    then:\n", "    unused:\n", 1))
    _, diagnostics = read_story(str(root))
    messages = [d.format() for d in diagnostics]
    assert any("scenes.yaml:12:" in m and "no goto, and no then: gathers it" in m for m in messages), messages


def test_a_choice_may_not_have_both_goto_and_choices(make_story: StoryFactory) -> None:
    bad = NESTED.replace("        reply: He shrugs.\n", "        reply: He shrugs.\n        goto: out\n")
    _, diagnostics = read_story(str(make_story(MANIFEST, scenes=bad)))
    assert any("both goto and choices" in d.format() for d in diagnostics)


CALLS = """\
scenes:
  talk:
    text: In the flat.
    choices:
      - text: Look at the photographs
        call: photos
        goto: talk
        once: true
      - text: Leave
        call: photos
        goto: out
  photos:
    text: "The photographs. {n}."
    do: n += 1
    choices:
      - text: Put them down
        goto: return
  out:
    text: Out.
    ending: done
"""


def test_a_called_scene_returns_to_where_the_call_said(make_story: StoryFactory) -> None:
    story = load_story(str(make_story(MANIFEST, scenes=CALLS)))
    turn = choose(story, start(story).state, "talk:look-at-the-photographs")
    assert turn.state.scene == "photos" and turn.state.stack == ("talk",)
    turn = choose(story, turn.state, "photos:put-them-down")
    assert turn.state.scene == "talk" and turn.state.stack == ()
    turn = choose(story, choose(story, turn.state, "talk:leave").state, "photos:put-them-down")
    assert turn.state.ending == "done" and turn.state.value(story, "n") == 2


def test_the_call_stack_survives_a_save(make_story: StoryFactory) -> None:
    story = load_story(str(make_story(MANIFEST, scenes=CALLS)))
    state = choose(story, start(story).state, "talk:leave").state
    again, notes = from_data(story, to_data(story, state))
    assert again == state and again.stack == ("out",) and notes == []


def test_a_saved_stack_naming_a_missing_scene_is_refused(make_story: StoryFactory) -> None:
    from ifengine.state import StateError

    story = load_story(str(make_story(MANIFEST, scenes=CALLS)))
    data = to_data(story, choose(story, start(story).state, "talk:leave").state)
    data["stack"] = ["gone"]
    with pytest.raises(StateError, match="returns to scene 'gone'"):
        from_data(story, data)
    data["stack"] = ["talk"] * (MAX_CALL_DEPTH + 1)
    with pytest.raises(StateError, match="calls deep"):
        from_data(story, data)


def test_return_with_nothing_to_return_to_is_found_by_explore(make_story: StoryFactory) -> None:
    bad = CALLS.replace("text: In the flat.", "text: In the flat.\n    do: n += 0", 1).replace(
        "      - text: Leave\n        call: photos\n        goto: out\n",
        "      - text: Leave\n        goto: photos\n",
    )
    story = load_story(str(make_story(MANIFEST, scenes=bad)))
    report = explore(story)
    assert any("returns, but no call led to it" in e for e in report.errors), report.errors


def test_recursion_past_the_bound_is_an_error_not_a_hang(make_story: StoryFactory) -> None:
    deep = """\
    scenes:
      talk:
        choices:
          - text: Down
            call: talk
            goto: out
          - text: Out
            goto: out
      out:
        ending: done
    """
    story = load_story(str(make_story(MANIFEST, scenes=deep)))
    state = start(story).state
    with pytest.raises(GameError, match=f"more than {MAX_CALL_DEPTH} deep"):
        for _ in range(MAX_CALL_DEPTH + 1):
            state = choose(story, state, "talk:down").state
    report = explore(story)
    assert any(f"more than {MAX_CALL_DEPTH} deep" in e for e in report.errors)


CHANCE = """\
scenes:
  talk:
    text: A coin.
    choices:
      - text: Toss it
        route:
          - chance: 1
            goto: lucky
          - chance: 3
            goto: out
  lucky:
    text: Heads.
    ending: lucky
  out:
    text: Tails.
    ending: done
"""


def test_chance_has_exact_odds_in_explore(make_story: StoryFactory) -> None:
    story = load_story(str(make_story(MANIFEST, scenes=CHANCE)))
    report = explore(story)
    assert report.complete and report.shares == pytest.approx({"lucky": 0.25, "done": 0.75}, abs=1e-12)
    choice = story.choice("talk:toss-it")
    assert choice is not None
    state = start(story).state
    odds = sorted(p for p, _ in outcomes(story, choice, state.values, state.visits, state.taken))
    assert odds == [Fraction(1, 4), Fraction(3, 4)]


def test_chance_in_play_follows_the_seed_and_its_odds(make_story: StoryFactory) -> None:
    story = load_story(str(make_story(MANIFEST, scenes=CHANCE)))
    results = Counter(replay(story, ["talk:toss-it"], seed).state.ending for seed in range(4000))
    assert 800 < results["lucky"] < 1200  # one in four of 4,000 (a 7-sigma band)
    for seed in (1, 2, 3):
        assert replay(story, ["talk:toss-it"], seed) == replay(story, ["talk:toss-it"], seed)


def test_undo_and_redo_meet_the_same_luck(make_story: StoryFactory) -> None:
    story = load_story(str(make_story(MANIFEST, scenes=CHANCE)))
    for seed in range(20):
        first = start(story, seed=seed)
        assert choose(story, first.state, "talk:toss-it") == choose(story, first.state, "talk:toss-it")


def test_chance_at_the_start_gives_each_beginning_its_odds(make_story: StoryFactory) -> None:
    scenes = """\
    scenes:
      talk:
        route:
          - {chance: 2, goto: a}
          - {chance: 1, goto: b}
      a:
        choices: [{text: On, goto: out}]
      b:
        ending: lucky
      out:
        ending: done
    """
    story = load_story(str(make_story(MANIFEST, scenes=scenes)))
    assert sorted(p for p, _ in beginnings(story)) == [Fraction(1, 3), Fraction(2, 3)]
    report = explore(story)
    assert report.shares == pytest.approx({"lucky": 1 / 3, "done": 2 / 3}, abs=1e-12)
    assert report.verdicts.items["endings"]["done"].path == ("a:on",)


@pytest.mark.parametrize(
    ("route", "message"),
    [
        ("[{chance: 1, goto: a}, {goto: b}]", "has no chance: weight"),
        ("[{chance: 0, goto: a}, {chance: 1, goto: b}]", "chance: must be a whole number from 1"),
        ("[{chance: 1, if: n > 1, goto: a}, {chance: 1, if: n > 2, goto: b}]", "every route in this chance list"),
    ],
)
def test_bad_chance_lists_are_located(make_story: StoryFactory, route: str, message: str) -> None:
    scenes = f"scenes:\n  talk:\n    route: {route}\n  a:\n    ending: done\n  b:\n    ending: lucky\n"
    _, diagnostics = read_story(str(make_story(MANIFEST, scenes=scenes)))
    assert any(message in str(d) and "scenes.yaml:3:" in d.format() for d in diagnostics), [
        d.format() for d in diagnostics
    ]


def test_a_scene_named_return_is_refused(make_story: StoryFactory) -> None:
    scenes = "scenes:\n  talk:\n    goto: return\n  return:\n    ending: done\n"
    with pytest.raises(StoryError, match="'return' cannot be a scene id"):
        load_story(str(make_story(MANIFEST, scenes=scenes)))


def test_check_reports_an_unknown_called_scene(make_story: StoryFactory) -> None:
    root = make_story(
        MANIFEST, scenes=CALLS.replace("call: photos\n        goto: out", "call: photo\n        goto: out")
    )
    story, _ = read_story(str(root))
    assert story is not None
    found = [d.format() for d in check_story(story)]
    assert any("unknown scene 'photo'" in m and "did you mean" in m.lower() for m in found), found


BRACKETS = """\
scenes:
  talk:
    choices:
      - text: '"I am tired[."]," I said.'
        reply: He nods.
        goto: out
      - text: '[Say nothing]'
        goto: out
  out:
    ending: done
"""


def test_brackets_split_menu_words_from_what_is_printed(make_story: StoryFactory) -> None:
    story = load_story(str(make_story(MANIFEST, scenes=BRACKETS)))
    turn = start(story)
    assert [o.text for o in turn.options] == ['"I am tired."', "Say nothing"]
    assert keys(turn) == ["talk:i-am-tired", "talk:say-nothing"]
    said = choose(story, turn.state, "talk:i-am-tired").passages[0]
    assert said.is_reply and said.paragraphs == ('"I am tired," I said.', "He nods.")
    assert choose(story, turn.state, "talk:say-nothing").passages == ()


def test_words_before_brackets_are_printed_when_nothing_follows_them(make_story: StoryFactory) -> None:
    """ink prints `A` for `* A[B]`, as the `A[B]C` rule says: `"And you?"[]` is how a port says ink's `* "And you?"`."""
    scenes = BRACKETS.replace("""'"I am tired[."]," I said.'""", """'"And you?"[ he asked]'""")
    story = load_story(str(make_story(MANIFEST, scenes=scenes)))
    turn = start(story)
    assert turn.options[0].text == '"And you?" he asked'
    said = choose(story, turn.state, "talk:and-you-he-asked").passages[0]
    assert said.is_reply and said.paragraphs == ('"And you?"', "He nods.")


def test_an_inline_then_without_a_way_on_goes_on_to_the_gather_around_it(make_story: StoryFactory) -> None:
    scenes = """\
    scenes:
      talk:
        choices:
          - text: Ask
            choices:
              - {text: Press, do: n += 1}
              - {text: Wait}
            then: {text: He sighs.}
          - {text: Leave}
        then: {text: The cup is cold., goto: out}
      out:
        ending: done
    """
    story = load_story(str(make_story(MANIFEST, scenes=scenes)))
    turn = choose(story, choose(story, start(story).state, "talk:ask").state, "talk/ask:press")
    assert [p.paragraphs for p in turn.passages] == [("He sighs.",), ("The cup is cold.",)]
    assert turn.ending is not None


def test_a_backslash_keeps_a_bracket_in_a_choice_literal(make_story: StoryFactory) -> None:
    scenes = """\
    scenes:
      talk:
        choices:
          - {text: 'Read the note \\[torn\\] aloud', goto: out}
      out:
        ending: done
    """
    story = load_story(str(make_story(MANIFEST, scenes=scenes)))
    turn = start(story)
    assert [o.text for o in turn.options] == ["Read the note [torn] aloud"]
    assert choose(story, turn.state, turn.options[0].choice.key).passages == ()


def test_undo_into_a_nested_choice_shows_what_was_said_there(make_story: StoryFactory) -> None:
    from ifengine.runtime import describe

    story = load_story(str(make_story(MANIFEST, scenes=NESTED)))
    state = choose(story, start(story).state, "talk:ask-about-the-children").state
    assert [p.paragraphs for p in describe(story, state).passages] == [("He shrugs.",)]
