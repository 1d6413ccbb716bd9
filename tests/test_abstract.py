"""The abstract interpretation proves only what is true: checked against exhaustive search on random stories."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

import test_explore_bruteforce as plain
import test_explore_bruteforce_weave as weave
from conftest import StoryFactory
from ifengine.abstract import prove_unreachable
from ifengine.explorer import explore
from ifengine.loader import load_story


def unreachable_by_search(story):  # type: ignore[no-untyped-def]
    report = explore(story)
    assert report.complete
    return {kind: set(report.verdicts.with_status(kind, "unreachable")) for kind in ("scenes", "choices", "endings")}


@pytest.mark.parametrize(
    ("generator", "manifest", "seed"),
    [(plain.random_story, plain.MANIFEST, s) for s in range(150)]
    + [(weave.random_story, weave.MANIFEST, s) for s in range(100)],
)
def test_nothing_proven_unreachable_is_reachable(tmp_path: Path, generator, manifest: str, seed: int) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "story.yaml").write_text(manifest)
    (tmp_path / "scenes.yaml").write_text(generator(random.Random(seed)))
    story = load_story(str(tmp_path))
    proof = prove_unreachable(story, lambda: None)
    truth = unreachable_by_search(story)
    assert proof.complete
    assert proof.scenes <= truth["scenes"]
    assert proof.choices <= truth["choices"]
    assert proof.endings <= truth["endings"]


def test_it_proves_what_the_scene_graph_cannot_show(make_story: StoryFactory) -> None:
    """A choice guarded by a number that can never get that high, and a scene behind it."""
    manifest = """\
    id: gate
    title: Gate
    start: a
    state:
      n: {type: int, min: 0, max: 9}
      f: {type: flag}
      bag: {type: set, of: {key: A key, coin: A coin}}
    endings:
      open: {title: Open, theme: t}
      shut: {title: Shut, theme: t}
    """
    scenes = """\
    scenes:
      a:
        choices:
          - {text: Wait, do: n += 1, goto: b}
          - {text: Take the coin, do: bag += coin, goto: b}
      b:
        choices:
          - {text: Force it, if: n >= 3, goto: inside}
          - {text: Use the key, if: key in bag, goto: inside}
          - {text: Use the flag, if: f and seen(inside), goto: inside}
          - {text: Give up, goto: shut}
      inside:
        ending: open
      shut:
        ending: shut
    """
    story = load_story(str(make_story(manifest, scenes=scenes)))
    proof = prove_unreachable(story, lambda: None)
    assert proof.choices == {"b:force-it", "b:use-the-key", "b:use-the-flag"}
    assert proof.scenes == {"inside"} and proof.endings == {"open"}


def test_a_budget_stop_proves_nothing(make_story: StoryFactory) -> None:
    chain = "".join(f"  s{i}:\n    choices: [{{text: On, goto: s{i + 1}}}]\n" for i in range(400))
    scenes = f"scenes:\n  a:\n    goto: s0\n{chain}  s400:\n    ending: win\n  lost:\n    ending: lose\n"
    story = load_story(str(make_story(scenes=scenes)))
    assert prove_unreachable(story, lambda: None).scenes == {"lost"}
    stopped = prove_unreachable(story, lambda: "time budget")
    assert not stopped.complete and not (stopped.scenes or stopped.choices or stopped.endings)


def test_a_scene_on_no_loop_is_proven_visited_at_most_once(make_story: StoryFactory) -> None:
    scenes = """\
    scenes:
      a:
        choices:
          - {text: Once more, if: visits(a) >= 2, goto: b}
          - {text: On, goto: b}
      b:
        choices:
          - {text: Again, if: visits(a) > 1, goto: won}
          - {text: Stop, goto: lost}
      won:
        ending: win
      lost:
        ending: lose
    """
    story = load_story(str(make_story(scenes=scenes)))
    proof = prove_unreachable(story, lambda: None)
    assert proof.choices == {"a:once-more", "b:again"} and proof.endings == {"win"}


def test_a_scene_on_a_loop_may_be_visited_again(make_story: StoryFactory) -> None:
    scenes = """\
    scenes:
      a:
        choices:
          - {text: Again, if: visits(a) >= 2, goto: won}
          - {text: Round, goto: a}
      won:
        ending: win
      lost:
        ending: lose
    """
    story = load_story(str(make_story(scenes=scenes)))
    assert prove_unreachable(story, lambda: None).choices == set()


def test_a_fallback_beside_a_choice_that_is_always_open_is_proven_unreachable(make_story: StoryFactory) -> None:
    scenes = """\
    scenes:
      a:
        choices:
          - {text: On, if: visits(a) < 2, goto: won}
          - {text: Stuck, fallback: true, goto: lost}
      won:
        ending: win
      lost:
        ending: lose
    """
    story = load_story(str(make_story(scenes=scenes)))
    proof = prove_unreachable(story, lambda: None)
    assert proof.choices == {"a:stuck"} and proof.endings == {"lose"}


def test_a_fallback_opens_only_where_each_guarded_choice_is_closed(make_story: StoryFactory) -> None:
    """Past the fallback `Low` was closed, so n >= 3 there: `Shallow` can never be taken."""
    manifest = """\
    id: fall
    title: Fall
    start: s
    state:
      n: {type: int, min: 0, max: 9}
    endings:
      win: {title: Win, theme: t}
      lose: {title: Lose, theme: t}
    """
    scenes = """\
    scenes:
      s:
        choices:
          - {text: Rest, goto: a}
          - {text: Train, do: n += 5, goto: a}
      a:
        choices:
          - {text: Low, if: n < 3, goto: won}
          - {text: Stuck, fallback: true, goto: b}
      b:
        choices:
          - {text: Deep, if: n > 2, goto: won}
          - {text: Shallow, if: n < 3, goto: lost}
      won:
        ending: win
      lost:
        ending: lose
    """
    story = load_story(str(make_story(manifest, scenes=scenes)))
    assert prove_unreachable(story, lambda: None).choices == {"b:shallow"}


def test_a_scene_entered_on_every_way_here_is_seen(make_story: StoryFactory) -> None:
    scenes = """\
    scenes:
      a:
        choices:
          - {text: Left, goto: gate}
          - {text: Right, goto: gate}
      gate:
        choices:
          - {text: In, goto: hall}
      hall:
        choices:
          - {text: Never, if: not seen(gate), goto: won}
          - {text: Out, goto: lost}
      won:
        ending: win
      lost:
        ending: lose
    """
    story = load_story(str(make_story(scenes=scenes)))
    assert prove_unreachable(story, lambda: None).choices == {"hall:never"}


def test_a_scene_only_past_a_closed_choice_is_never_seen(make_story: StoryFactory) -> None:
    """`side` leads to `hall` in the scene graph, but only through a choice no game can take."""
    scenes = """\
    scenes:
      a:
        choices:
          - {text: Side, if: visits(a) > 1, goto: side}
          - {text: Hall, goto: hall}
      side:
        choices:
          - {text: On, goto: hall}
      hall:
        choices:
          - {text: Back, if: seen(side), goto: won}
          - {text: Out, goto: lost}
      won:
        ending: win
      lost:
        ending: lose
    """
    story = load_story(str(make_story(scenes=scenes)))
    assert prove_unreachable(story, lambda: None).choices == {"a:side", "side:on", "hall:back"}


def test_numbers_are_not_widened_on_a_scene_with_many_ways_in_and_no_loop(make_story: StoryFactory) -> None:
    """Ten ways into `end`, each setting n between 10 and 19: it never reaches 50 there."""
    manifest = """\
    id: wide
    title: Wide
    start: a
    state:
      n: {type: int, min: 0, max: 100}
    endings:
      win: {title: Win, theme: t}
      lose: {title: Lose, theme: t}
    """
    ways = "".join(f"          - {{text: Way {i}, do: n = {10 + i}, goto: end}}\n" for i in range(10))
    scenes = f"""\
    scenes:
      a:
        choices:
{ways}      end:
        choices:
          - {{text: High, if: n >= 50, goto: won}}
          - {{text: Out, goto: lost}}
      won:
        ending: win
      lost:
        ending: lose
    """
    story = load_story(str(make_story(manifest, scenes=scenes)))
    assert prove_unreachable(story, lambda: None).choices == {"end:high"}


ROUTED = """\
scenes:
  a:
    choices:
      - {text: Flag it, do: f = true, goto: fork}
      - {text: Leave it, goto: fork}
  fork:
    route:
      - {if: f, goto: flagged}
      - {goto: plain}
  flagged:
    choices:
      - {text: On, goto: won}
  plain:
    choices:
      - {text: Never, if: f, goto: won}
      - {text: On, goto: lost}
  won:
    ending: win
  lost:
    ending: lose
"""


def test_a_route_is_taken_only_where_the_routes_before_it_do_not_apply(make_story: StoryFactory) -> None:
    # `plain` is reached only by the route after `if: f`, so f is false there.
    story = load_story(str(make_story(scenes=ROUTED)))
    assert prove_unreachable(story, lambda: None).choices == {"plain:never"}


def test_with_chances_any_route_whose_condition_holds_may_be_taken(make_story: StoryFactory) -> None:
    scenes = ROUTED.replace(
        "      - {if: f, goto: flagged}\n      - {goto: plain}",
        ("      - {if: f, goto: flagged, chance: 1}\n      - {goto: plain, chance: 1}"),
    )
    story = load_story(str(make_story(scenes=scenes)))
    assert prove_unreachable(story, lambda: None).choices == set()
    assert "plain:never" in explore(story).taken_choices
