"""Text that varies with the visit: {seq}, {cycle}, {once}, {shuffle}, again:, and {glue}."""

from __future__ import annotations

import pytest

from conftest import StoryFactory
from ifengine.expr import Env
from ifengine.loader import load_story, read_story
from ifengine.runtime import choose, start
from ifengine.text import ExprError, compile_template, paragraphs

MANIFEST = """\
id: vary
title: Vary
start: hall
endings:
  out: {title: Out, theme: t}
"""

LOOP = """\
scenes:
  hall:
    text: "{seq: A door. | The door again. | That door.} {cycle: Tick | Tock} {once: Dust. | Less dust.}"
    again: "{seq: Back in the hall. | The hall, once more.}"
    choices:
      - text: "{cycle: Wait | Wait again}"
        id: wait
        goto: hall
      - text: Leave
        goto: gone
  gone:
    ending: out
"""


def texts(story, keys):  # type: ignore[no-untyped-def]
    """The hall's first paragraph after each prefix of `keys`, and the wait choice's menu text."""
    turn = start(story, seed=7)
    seen = [(turn.passages[0].paragraphs[0], turn.options[0].text)]
    for key in keys:
        turn = choose(story, turn.state, key)
        seen.append((turn.passages[-1].paragraphs[0], turn.options[0].text))
    return seen


def test_a_scene_reads_differently_on_each_visit(make_story: StoryFactory) -> None:
    story = load_story(str(make_story(MANIFEST, scenes=LOOP)))
    assert texts(story, ["hall:wait", "hall:wait", "hall:wait"]) == [
        ("A door. Tick Dust.", "Wait"),
        ("Back in the hall.", "Wait again"),
        ("The hall, once more.", "Wait"),
        ("The hall, once more.", "Wait again"),
    ]


def test_variants_without_again_follow_seq_cycle_and_once(make_story: StoryFactory) -> None:
    story = load_story(
        str(make_story(MANIFEST, scenes="\n".join(line for line in LOOP.splitlines() if "again:" not in line)))
    )
    firsts = [t for t, _ in texts(story, ["hall:wait"] * 3)]
    assert firsts == ["A door. Tick Dust.", "The door again. Tock Less dust.", "That door. Tick", "That door. Tock"]


def test_a_shuffle_is_fixed_by_the_seed_and_varies_across_games(make_story: StoryFactory) -> None:
    scenes = """\
    scenes:
      hall:
        text: "{shuffle: red | green | blue | grey}"
        choices:
          - {text: Leave, goto: gone}
      gone:
        ending: out
    """
    story = load_story(str(make_story(MANIFEST, scenes=scenes)))
    shown = {seed: start(story, seed=seed).passages[0].paragraphs[0] for seed in range(40)}
    assert set(shown.values()) == {"red", "green", "blue", "grey"}
    assert all(start(story, seed=s).passages[0].paragraphs[0] == t for s, t in shown.items())


def test_glue_joins_paragraphs_and_passages(make_story: StoryFactory) -> None:
    scenes = """\
    scenes:
      hall:
        text: |
          We walked {glue}

          along the quay.
        choices:
          - text: On
            reply: "We hurried {glue}"
            goto: road
      road:
        text: to the station. {glue}
        goto: yard
      yard:
        text: It was late.
        ending: out
    """
    story = load_story(str(make_story(MANIFEST, scenes=scenes)))
    turn = start(story)
    assert turn.passages[0].paragraphs == ("We walked along the quay.",)
    after = choose(story, turn.state, "hall:on")
    assert [p.paragraphs for p in after.passages] == [("We hurried to the station. It was late.",)]


def test_glue_with_nothing_after_it_leaves_no_mark() -> None:
    text = compile_template("The end. {glue}", Env({}, frozenset())).render((), {})
    assert paragraphs(text) == ["The end."]


@pytest.mark.parametrize(
    ("source", "message"),
    [("{seq: only one}", "at least two variants"), ("{cycle:}", "at least two variants")],
)
def test_a_variation_with_too_few_variants_is_refused(source: str, message: str) -> None:
    with pytest.raises(ExprError, match=message):
        compile_template(source, Env({}, frozenset()))


def test_an_assume_tag_in_again_is_refused_with_where_to_put_it(make_story: StoryFactory) -> None:
    bad = LOOP.replace('again: "{seq:', 'again: "{assume true}{seq:')
    _, diagnostics = read_story(str(make_story(MANIFEST, scenes=bad)))
    assert any("{assume} cannot go in again:" in d.format() and "scenes.yaml:4:" in d.format() for d in diagnostics)


EFFECTS = """\
id: fx
title: Effects
start: hall
state:
  n: {type: int, min: 0, max: 9}
endings:
  out: {title: Out, theme: t}
"""


def test_effects_in_and_after_prose_run_where_they_stand(make_story: StoryFactory) -> None:
    scenes = """\
    scenes:
      hall:
        text: |
          Before: {n}.
          {do: n += 2}
          Between: {n}.

          {do: n += 3}Last: {n}.
        after: n = 1
        choices:
          - {text: "Now {n}", goto: gone}
      gone:
        ending: out
    """
    story = load_story(str(make_story(EFFECTS, scenes=scenes)))
    turn = start(story)
    assert turn.passages[0].paragraphs == ("Before: 0. Between: 2.", "Last: 5.")
    assert turn.state.value(story, "n") == 1 and turn.options[0].text == "Now 1"


def test_a_do_tag_inside_if_is_refused_with_its_place(make_story: StoryFactory) -> None:
    scenes = 'scenes:\n  hall:\n    text: "{if n > 0}{do: n += 1}{/if}"\n    ending: out\n'
    _, diagnostics = read_story(str(make_story(EFFECTS, scenes=scenes)))
    assert any("{do} tag can stand only" in d.format() and "scenes.yaml:3:22" in d.format() for d in diagnostics), [
        d.format() for d in diagnostics
    ]


def test_a_bad_effect_in_a_do_tag_points_into_the_text(make_story: StoryFactory) -> None:
    scenes = 'scenes:\n  hall:\n    text: "One. {do: m += 1} Two."\n    ending: out\n'
    _, diagnostics = read_story(str(make_story(EFFECTS, scenes=scenes)))
    assert any("unknown variable 'm'" in d.format() and "scenes.yaml:3:22" in d.format() for d in diagnostics), [
        d.format() for d in diagnostics
    ]


@pytest.mark.parametrize(
    ("source", "hint"),
    [
        ("{&Tick|Tock}", "write {cycle: Tick | Tock}"),
        ("{~red|blue}", "write {shuffle: red | blue}"),
        ("{!Once|Twice}", "write {once: Once | Twice}"),
        ("{Hello|Hi}", "write {seq: Hello | Hi}"),
    ],
)
def test_ink_variations_get_a_hint_in_our_words(source: str, hint: str) -> None:
    with pytest.raises(ExprError) as caught:
        compile_template(f"Say {source}.", Env({}, frozenset()))
    assert caught.value.hint == hint and caught.value.offset == 4
