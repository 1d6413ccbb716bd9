"""The explorer's own step against the runtime's: the same next state and the same assumptions shown, always."""

from __future__ import annotations

import random
from collections.abc import Mapping
from itertools import islice
from pathlib import Path

import pytest

from ifengine.explorer import explore
from ifengine.explorestep import ExploreStep, applies, choice_openers, twins
from ifengine.liveness import scenes_counted
from ifengine.loader import load_story
from ifengine.model import Choice, Scene, Story
from ifengine.runtime import begin, choices_open, step
from test_explore_bruteforce import MANIFEST, random_story_with_assumptions


def _recorder(calls: list[tuple[str, tuple]]):  # type: ignore[no-untyped-def]
    """A hook noting each scene or reply that carries an assumption, with the values at that moment.

    It serves as the runtime's hook and as the explorer step's `shown` (which also passes `where`).
    """

    def entered(part: Scene | Choice, values: tuple, visits: Mapping[str, int], where: object = None) -> None:
        carries = part.reply_assumes if isinstance(part, Choice) else part.assumes or part.text_assumes
        if carries:
            calls.append((part.key if isinstance(part, Choice) else part.id, values))

    return entered


def _every_step(story: Story, limit: int = 400):  # type: ignore[no-untyped-def]
    """(state parts, open choice) for the states breadth-first from the start, up to `limit` of them."""
    queue = [begin(story)]
    for parts in islice(queue, limit):  # a list grows under its iterator: the states found are walked too
        if parts[6] is not None:
            continue
        for choice in choices_open(story, parts[0], parts[1], parts[2], parts[3]):
            yield parts, choice
            queue.append(step(story, choice, parts[1], parts[2], parts[3], (), ()))


@pytest.mark.parametrize("seed", range(60))
def test_explore_step_gives_the_runtime_steps_state_and_assumption_checks(tmp_path: Path, seed: int) -> None:
    (tmp_path / "story.yaml").write_text(MANIFEST)
    (tmp_path / "scenes.yaml").write_text(random_story_with_assumptions(random.Random(seed)))
    story = load_story(str(tmp_path))
    assert applies(story)
    ours: list[tuple[str, tuple]] = []
    fast, counted = ExploreStep(story, _recorder(ours)), scenes_counted(story)
    for (_, values, visits, taken, *_), choice in _every_step(story):
        ours.clear()
        theirs: list[tuple[str, tuple]] = []
        got = fast(choice, values, visits, taken, counted, (0, 0, ""))
        want = step(story, choice, values, visits, taken, (), (), counted, _recorder(theirs))
        assert (got[0], got[1], dict(got[2]), got[3], got[6]) == (want[0], want[1], dict(want[2]), want[3], want[6])
        assert ours == theirs


@pytest.mark.parametrize("seed", range(30))
def test_the_explorers_open_choices_are_the_runtimes(tmp_path: Path, seed: int) -> None:
    (tmp_path / "story.yaml").write_text(MANIFEST)
    (tmp_path / "scenes.yaml").write_text(random_story_with_assumptions(random.Random(seed)))
    story = load_story(str(tmp_path))
    openers = choice_openers(story)
    for (scene, values, visits, taken, *_), _choice in _every_step(story):
        assert openers[scene](values, visits, taken) == choices_open(story, scene, values, visits, taken)


def test_explore_step_is_not_used_where_chance_decides(tmp_path: Path) -> None:
    (tmp_path / "story.yaml").write_text(MANIFEST)
    (tmp_path / "scenes.yaml").write_text(
        "scenes:\n  s0:\n    route:\n      - chance: 1\n        goto: end0\n      - chance: 1\n        goto: end1\n"
        "  end0:\n    ending: e0\n  end1:\n    ending: e1\n"
    )
    assert not applies(load_story(str(tmp_path)))


def test_explore_step_applies_the_effects_in_a_scenes_prose_and_after_it(tmp_path: Path) -> None:
    (tmp_path / "story.yaml").write_text(MANIFEST)
    (tmp_path / "scenes.yaml").write_text(
        "scenes:\n"
        "  s0:\n    choices:\n      - text: Go\n        goto: s1\n"
        "  s1:\n    text: 'Before {do: x += 2} after.'\n    after: [f = true]\n    goto: s2\n"
        "  s2:\n    choices:\n      - text: End\n        goto: end0\n"
        "  end0:\n    ending: e0\n  end1:\n    ending: e1\n"
    )
    story = load_story(str(tmp_path))
    parts = begin(story)
    [go] = choices_open(story, parts[0], parts[1], parts[2], parts[3])
    got = ExploreStep(story)(go, parts[1], parts[2], parts[3], scenes_counted(story))
    assert got[:2] == step(story, go, parts[1], parts[2], parts[3], (), (), scenes_counted(story))[:2]
    assert got[1][:2] == (2, True)


def test_explore_step_gives_one_object_for_equal_set_values(tmp_path: Path) -> None:
    (tmp_path / "story.yaml").write_text(MANIFEST)
    (tmp_path / "scenes.yaml").write_text(
        "scenes:\n  s0:\n    choices:\n"
        "      - text: One\n        do: [s += a]\n        goto: s1\n"
        "      - text: Two\n        do: [s += a]\n        goto: s1\n"
        "  s1:\n    choices:\n      - text: End\n        goto: end0\n"
        "  end0:\n    ending: e0\n  end1:\n    ending: e1\n"
    )
    story = load_story(str(tmp_path))
    parts = begin(story)
    one, two = choices_open(story, parts[0], parts[1], parts[2], parts[3])
    fast = ExploreStep(story)
    after_one = fast(one, parts[1], parts[2], parts[3], scenes_counted(story))[1]
    after_two = fast(two, parts[1], parts[2], parts[3], scenes_counted(story))[1]
    assert after_one[2] == frozenset({"a"}) and after_one[2] is after_two[2]


TWINS = """\
scenes:
  s0:
    choices:
      - {text: Left, goto: left}
      - {text: Right, goto: right}
      - {text: Straight, goto: s1}
      - {text: Count, do: [x += 1], goto: left}
      - {text: Once, once: true, goto: s1}
  left:
    text: By the left.
    goto: s1
  right:
    text: By the right.
    goto: s1
  s1:
    choices:
      - {text: Seen, if: seen(right), goto: end0}
      - {text: End, goto: end1}
  end0:
    ending: e0
  end1:
    ending: e1
"""


def test_choices_through_plain_scenes_to_the_same_scene_are_twins(tmp_path: Path) -> None:
    (tmp_path / "story.yaml").write_text(MANIFEST)
    (tmp_path / "scenes.yaml").write_text(TWINS.replace("if: seen(right)", "if: f"))
    story = load_story(str(tmp_path))
    found = twins(story, ExploreStep(story), scenes_counted(story))
    # Different effects, or once-only: never twins.
    assert found.group == dict.fromkeys(["s0:left", "s0:right", "s0:straight"], "s0:left")
    assert found.passes == {"s0:left": ("left",), "s0:right": ("right",)}


def test_a_plain_scene_whose_visits_are_read_is_not_passed_over(tmp_path: Path) -> None:
    (tmp_path / "story.yaml").write_text(MANIFEST)
    (tmp_path / "scenes.yaml").write_text(TWINS)
    story = load_story(str(tmp_path))
    found = twins(story, ExploreStep(story), scenes_counted(story))
    assert "s0:right" not in found.group


def test_a_scene_only_a_twin_passes_is_still_reached(tmp_path: Path) -> None:
    # `right` lies only on the way of a twin of Left: the explorer must step it once to see it entered.
    (tmp_path / "story.yaml").write_text(MANIFEST)
    (tmp_path / "scenes.yaml").write_text(TWINS.replace("if: seen(right)", "if: f"))
    report = explore(load_story(str(tmp_path)))
    assert report.verdicts.items["scenes"]["right"].status == "reachable"
    assert list(report.verdicts.items["scenes"]["right"].path or ()) == ["s0:right"]
