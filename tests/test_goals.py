"""Goals settled one at a time (backward analysis, then a search within its bound): checked against exhaustive search."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

import test_explore_bruteforce as plain
import test_explore_bruteforce_weave as weave
from conftest import MANIFEST, StoryFactory
from ifengine.abstract import forward_bounds
from ifengine.budget import never
from ifengine.explorer import explore
from ifengine.goals import NEAR_GOAL, Goals, Settled
from ifengine.loader import load_story
from ifengine.model import Story
from test_abstract_rich import rich_story, search_only
from test_explore_verdicts import assert_witness_reaches

KINDS = ("scenes", "choices", "endings")

TWO_COUNTERS = MANIFEST.replace("  f: {type: flag}\n", "  f: {type: flag}\n  m: {type: int, min: 0, max: 3}\n")


def settle_everything(story: Story, limit: int, rounds: int = 1, near: int = NEAR_GOAL) -> Settled:
    """Every scene, choice and ending of the story as a goal, with no budget but `limit` states a search (ten
    times more each round after the first), goal-specific keys at the `near` scenes nearest each goal."""
    forward = forward_bounds(story, never)
    assert forward is not None
    goals = Goals(story, forward, list(story.scenes), [c.key for c in story.all_choices()], list(story.endings))
    goals.near_goal = near
    goals.prove(never)
    goals.search(never, tuple(limit * 10**r for r in range(rounds)))
    return goals.finish()


def assert_agrees_with_search(story: Story, settled: Settled) -> None:
    report = explore(story, budget=search_only)
    assert report.complete
    for kind in KINDS:
        truth = set(report.verdicts.with_status(kind, "unreachable"))
        assert settled.backward[kind] <= truth, f"backward analysis: {kind} {settled.backward[kind] - truth}"
        assert settled.searched[kind] <= truth, f"targeted search: {kind} {settled.searched[kind] - truth}"
    if story.uses_chance:
        return  # a path of choices does not say how chance fell on it: nothing to replay
    for kind, witnesses in (
        ("scenes", settled.found.scenes),
        ("choices", settled.found.choices),
        ("endings", settled.found.endings),
    ):
        for item, path in witnesses.items():
            assert_witness_reaches(story, kind, item, path)


@pytest.mark.parametrize(
    ("generator", "manifest", "seed"),
    [(plain.random_story, plain.MANIFEST, s) for s in range(100)]
    + [(weave.random_story, weave.MANIFEST, s) for s in range(80)],
)
def test_no_goal_verdict_contradicts_exhaustive_search(tmp_path: Path, generator, manifest: str, seed: int) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "story.yaml").write_text(manifest)
    (tmp_path / "scenes.yaml").write_text(generator(random.Random(seed)))
    story = load_story(str(tmp_path))
    # Tiny limits stop some searches part way (nothing may then be proven by them); large ones let them finish.
    limit = (3, 30, 10_000)[seed % 3]
    assert_agrees_with_search(
        story, settle_everything(story, limit, rounds=1 + seed % 2, near=(2, 5, NEAR_GOAL)[seed % 3])
    )


@pytest.mark.parametrize("seed", range(20))
def test_no_goal_verdict_contradicts_exhaustive_search_on_a_looping_rich_story(tmp_path: Path, seed: int) -> None:
    story = rich_story(tmp_path, 12, seed, ints=1, flags=2)
    if not explore(story, max_states=2000, budget=search_only).complete:
        pytest.skip("too big for exhaustive search")
    assert_agrees_with_search(
        story, settle_everything(story, (5, 10_000)[seed % 2], near=(3, NEAR_GOAL)[seed // 2 % 2])
    )


@pytest.mark.parametrize("seed", range(40))
def test_a_finished_search_for_every_goal_leaves_nothing_unknown(tmp_path: Path, seed: int) -> None:
    (tmp_path / "story.yaml").write_text(plain.MANIFEST)
    (tmp_path / "scenes.yaml").write_text(plain.random_story(random.Random(seed)))
    story = load_story(str(tmp_path))
    settled = settle_everything(story, limit=100_000)
    for kind, found in (("scenes", settled.found.scenes), ("choices", settled.found.choices)):
        items = set(story.scenes) if kind == "scenes" else {c.key for c in story.all_choices()}
        assert items == set(found) | settled.backward[kind] | settled.searched[kind]


def test_backward_analysis_proves_a_guard_that_no_single_forward_state_rules_out(make_story: StoryFactory) -> None:
    # n rises only on the way that clears f; the door wants both: forwards, n may be 1 and f may be true.
    scenes = """\
    scenes:
      a:
        choices:
          - {text: Climb, do: [n += 1, f = false], goto: b}
          - {text: Light, do: f = true, goto: b}
      b:
        choices:
          - {text: Door, if: n >= 1 and f, goto: won}
          - {text: Leave, goto: lost}
      won:
        ending: win
      lost:
        ending: lose
    """
    story = load_story(str(make_story(scenes=scenes)))
    report = explore(story, max_states=1, budget=lambda phase: never if phase != "sampling" else lambda: "none")
    door = report.verdicts.items["choices"]["b:door"]
    assert (door.status, door.method) == ("unreachable", "backward analysis")


def test_targeted_search_proves_what_intervals_cannot(make_story: StoryFactory) -> None:
    # Exactly one of n and m rises, so they are never equal at b; each may be 0 or 1 there.
    scenes = """\
    scenes:
      a:
        choices:
          - {text: Left, do: n += 1, goto: b}
          - {text: Right, do: m += 1, goto: b}
      b:
        choices:
          - {text: Door, if: n == m, goto: won}
          - {text: Leave, goto: lost}
      won:
        ending: win
      lost:
        ending: lose
    """
    story = load_story(str(make_story(TWO_COUNTERS, scenes=scenes)))
    report = explore(story, max_states=1, budget=lambda phase: never if phase != "sampling" else lambda: "none")
    door = report.verdicts.items["choices"]["b:door"]
    assert (door.status, door.method) == ("unreachable", "targeted search")
    assert report.verdicts.items["endings"]["win"].status == "unreachable"


# Exactly one of n and m rises, so the door never opens; the bag splits states only on the way to another ending.
BAG_BESIDE_A_DOOR = """\
scenes:
  a:
    choices:
      - {text: Left, do: n += 1, goto: b}
      - {text: Right, do: m += 1, goto: b}
  b:
    choices:
      - {text: Coin, do: bag += coin, goto: c}
      - {text: Nothing, goto: c}
  c:
    choices:
      - {text: Map, do: bag += map, goto: d}
      - {text: Nothing, goto: d}
  d:
    choices:
      - {text: Door, if: n == m, goto: won}
      - {text: Leave, goto: e}
  e:
    choices:
      - {text: Rich, if: coin in bag and map in bag, goto: won}
      - {text: Poor, fallback: true, goto: lost}
  won:
    ending: win
  lost:
    ending: lose
"""


def test_a_goal_search_merges_states_that_differ_only_in_what_its_ways_never_read(make_story: StoryFactory) -> None:
    # By the exhaustive search's keys the bag splits d's states four ways (15 states in all); for the door, 7.
    story = load_story(str(make_story(TWO_COUNTERS, scenes=BAG_BESIDE_A_DOOR)))
    settled = settle_everything(story, limit=8)
    assert "d:door" in settled.searched["choices"]


def test_a_goal_a_small_round_leaves_is_settled_by_a_larger_one(make_story: StoryFactory) -> None:
    story = load_story(str(make_story(TWO_COUNTERS, scenes=BAG_BESIDE_A_DOOR)))
    assert "d:door" not in settle_everything(story, limit=3).searched["choices"]
    assert "d:door" in settle_everything(story, limit=3, rounds=2).searched["choices"]


def test_a_goal_another_method_reached_is_not_searched_for(make_story: StoryFactory) -> None:
    story = load_story(str(make_story(TWO_COUNTERS, scenes=BAG_BESIDE_A_DOOR)))
    forward = forward_bounds(story, never)
    assert forward is not None
    goals = Goals(story, forward, [], ["e:rich"], [])
    goals.prove(never)
    goals.known_reachable([], ["e:rich"])
    goals.search(never)
    assert "e:rich" not in goals.finish().found.choices
