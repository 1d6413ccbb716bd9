"""Goal-specific merge keys: what can decide whether one goal is still reached from each scene."""

from __future__ import annotations

from conftest import StoryFactory
from ifengine.goalliveness import goal_liveness, near_goal
from ifengine.loader import load_story
from ifengine.model import Story


def _preds(story: Story) -> dict[str, set[str]]:
    preds: dict[str, set[str]] = {sid: set() for sid in story.scenes}
    for scene in story.scenes.values():
        for target in scene.targets:
            preds[target].add(scene.id)
    return preds


def _names(atoms: frozenset) -> set[str]:
    return {a[1] for a in atoms}


TWO_WAYS = """\
scenes:
  a:
    choices:
      - {text: Climb, do: n += 1, goto: b}
      - {text: Light, do: f = true, goto: b}
  b:
    choices:
      - {text: Door, if: n >= 1, goto: won}
      - {text: Lamp, if: f, goto: lost}
      - {text: Wait, fallback: true, goto: c}
  c:
    choices:
      - {text: Go, goto: won}
  won:
    ending: win
  lost:
    ending: lose
"""


def test_a_goal_key_leaves_out_what_only_ways_away_from_the_goal_read(make_story: StoryFactory) -> None:
    story = load_story(str(make_story(scenes=TWO_WAYS)))
    door = [c for c in story.scenes["b"].choices if c.id == "door"]
    atoms = goal_liveness(story, "b", door, frozenset({"a", "b"}), _preds(story))
    assert _names(atoms["b"]) == {"n"}


def test_a_fallback_toward_the_goal_keeps_what_opens_the_other_choices(make_story: StoryFactory) -> None:
    # c is reached through b's fallback, which opens only when both the door and the lamp are closed.
    story = load_story(str(make_story(scenes=TWO_WAYS)))
    atoms = goal_liveness(story, "c", None, frozenset({"a", "b", "c"}), _preds(story))
    assert _names(atoms["b"]) == {"n", "f"}


LOOP = """\
scenes:
  a:
    choices:
      - {text: Climb, do: n += 1, goto: b}
  b:
    choices:
      - {text: Door, if: n >= 2, goto: won}
      - {text: Back, goto: a}
  won:
    ending: win
"""


def test_the_scenes_near_a_goal_leave_out_one_with_a_way_on_beyond_them(make_story: StoryFactory) -> None:
    # b's way back to a leaves the one scene nearest the door: b's atoms would depend on a's, so neither is kept.
    story = load_story(str(make_story(scenes=LOOP)))
    preds = _preds(story)
    assert near_goal(story, "b", frozenset({"a", "b"}), preds, 1) == frozenset()
    assert near_goal(story, "b", frozenset({"a", "b"}), preds, 2) == {"a", "b"}
