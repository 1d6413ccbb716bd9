"""The explorer: reachability under real rules, shortest paths, shares, dead ends, limits."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import LIGHTHOUSE, MANIFEST, SCENES, StoryFactory
from ifengine import explore, load_story, replay
from ifengine.explorer import liveness, scenes_counted
from ifengine.report import format_report


def test_lighthouse_is_fully_reachable() -> None:
    story = load_story(str(LIGHTHOUSE))
    report = explore(story)
    assert report.ok and report.complete
    assert report.unreached_scenes == [] and report.never_open == []
    assert report.shares == pytest.approx({"light": 0.375, "letter": 0.375, "dark": 0.25})
    assert report.share_method.startswith("exact")


def test_shortest_paths_replay_to_their_endings() -> None:
    story = load_story(str(LIGHTHOUSE))
    report = explore(story)
    for ending, path in report.ending_paths.items():
        final = replay(story, path)
        assert final.ending is not None and final.ending.id == ending
    assert len(report.ending_paths["dark"]) == 4


def test_an_ending_behind_an_impossible_condition_is_unreachable(make_story: StoryFactory) -> None:
    scenes = SCENES.replace("if: coin in bag", "if: n > 5 and coin in bag")
    report = explore(load_story(str(make_story(scenes=scenes))))
    assert report.unreached_endings == ["win"]
    assert report.unreached_scenes == ["won"]
    assert not report.ok


def test_a_choice_whose_condition_is_never_true_is_proven_never_open(make_story: StoryFactory) -> None:
    scenes = SCENES.replace(
        "      - text: Leave\n", "      - text: Fly\n        if: n > 2\n        goto: b\n      - text: Leave\n"
    )
    report = explore(load_story(str(make_story(scenes=scenes))))
    assert report.never_open == ["a:fly"]
    assert report.verdicts.items["choices"]["a:fly"].status == "unreachable"
    assert report.proven_failure and not report.ok


def test_dead_ends_are_found_with_their_path(make_story: StoryFactory) -> None:
    scenes = SCENES.replace(
        "        goto: b\n      - text: Leave\n        goto: b", "        goto: c\n      - text: Leave\n        goto: b"
    )
    scenes += "  c:\n    choices:\n      - text: Go\n        requires: n > 2\n        goto: b\n"
    report = explore(load_story(str(make_story(scenes=scenes))))
    assert report.dead_ends == [("c", ["a:take-the-coin"])]
    assert report.stuck_share == pytest.approx(0.5)


def test_state_limit_is_reported_not_hung(make_story: StoryFactory) -> None:
    manifest = MANIFEST.replace("max: 3}", "max: 1000}")
    scenes = SCENES.replace(
        "      - text: Leave\n",
        "      - text: Count\n        if: n < 1000\n        do: [n += 1]\n        goto: a\n      - text: Leave\n",
    )
    report = explore(load_story(str(make_story(manifest, scenes=scenes))), max_states=50)
    assert not report.complete and report.stopped_by == "state limit of 50"
    assert report.states == 51


def test_cycles_fall_back_to_seeded_sampling(make_story: StoryFactory) -> None:
    scenes = SCENES.replace("      - text: Leave\n", "      - text: Wait\n        goto: a\n      - text: Leave\n")
    story = load_story(str(make_story(scenes=scenes)))
    report = explore(story)
    assert report.complete
    assert report.share_method.startswith("sampled") and "seed 1" in report.share_method
    assert sum(report.shares.values()) == pytest.approx(1.0)
    assert report.shares["win"] == pytest.approx(0.5, abs=0.02)
    # Wait, wait, wait...: no playthrough is the longest.
    assert report.loops and report.to_data()["longest_playthrough"] is None
    assert "a game can go on without end" in format_report(story, report)


def test_liveness_merges_states_that_differ_only_in_what_is_never_read(make_story: StoryFactory) -> None:
    # n changes on one branch but nothing reads it afterwards, so it never splits states.
    story = load_story(str(make_story()))
    assert liveness(story).at_choice["a"] == {("member", "bag", "coin")}


def test_a_counter_nobody_reads_does_not_multiply_states(make_story: StoryFactory) -> None:
    manifest = MANIFEST.replace("max: 3}", "max: 1000}")
    scenes = SCENES.replace(
        "      - text: Leave\n", "      - text: Count\n        do: [n += 1]\n        goto: a\n      - text: Leave\n"
    )
    report = explore(load_story(str(make_story(manifest, scenes=scenes))))
    assert report.complete and report.states == 1


STEPPED = """\
scenes:
  a:
    text: Start.
    choices:
      - text: Five
        do: [n = 5]
        goto: b
      - text: Six
        do: [n = 6]
        goto: b
      - text: One
        do: [n = 1]
        goto: b
  b:
    text: A step.
    choices:
      - text: Step back
        do: [n -= 2]
        goto: c
  c:
    route:
      - if: n >= 3
        goto: won
      - goto: lost
  won:
    text: You won.
    ending: win
  lost:
    text: You lost.
    ending: lose
"""


def test_a_comparison_after_a_constant_step_is_carried_back_as_a_comparison(make_story: StoryFactory) -> None:
    # After `n -= 2` only `n >= 3` is asked, so before it only `n >= 5` matters: 5 and 6 are one state at b.
    story = load_story(str(make_story(MANIFEST.replace("max: 3}", "max: 10}"), scenes=STEPPED)))
    assert liveness(story).at_choice["b"] == {("cmp", "n", ">=", 5)}
    report = explore(story)
    assert report.ok and report.states == 3  # a, and b with n >= 5 or not
    assert report.shares == pytest.approx({"win": 2 / 3, "lose": 1 / 3})


def test_a_step_that_clamps_is_carried_back_exactly(make_story: StoryFactory) -> None:
    # n is kept within 0..3: after `n += 2`, `n == 3` holds for every n >= 1 before it.
    scenes = STEPPED.replace("do: [n -= 2]", "do: [n += 2]").replace("if: n >= 3", "if: n == 3")
    story = load_story(str(make_story(scenes=scenes)))
    assert liveness(story).at_choice["b"] == {("cmp", "n", ">=", 1)}


def test_a_counter_stepped_round_a_loop_falls_back_to_its_value(make_story: StoryFactory) -> None:
    manifest = MANIFEST.replace("max: 3}", "max: 1000}")
    scenes = SCENES.replace(
        "      - text: Leave\n",
        "      - text: Count\n        if: n < 1000\n        do: [n += 1]\n        goto: a\n      - text: Leave\n",
    )
    story = load_story(str(make_story(manifest, scenes=scenes)))
    assert ("var", "n") in liveness(story).at_choice["a"]


def test_where_a_number_is_only_compared_its_outcome_is_the_key(make_story: StoryFactory) -> None:
    # n is 0, 1 or 2 on arriving at c, but from c on it is only asked whether n > 0.
    scenes = (
        SCENES.replace("if: coin in bag", "if: n > 0")
        .replace("goto: b\n", "goto: c\n")
        .replace(
            "      - text: Leave\n", "      - text: Twice\n        do: [n += 2]\n        goto: c\n      - text: Leave\n"
        )
    )
    scenes += "  c:\n    choices:\n      - text: Go on\n        goto: b\n"
    story = load_story(str(make_story(scenes=scenes)))
    assert liveness(story).at_choice["c"] == {("cmp", "n", ">", 0)}
    report = explore(story)
    assert report.ok and report.states == 3  # a, and c with n > 0 or not
    assert report.shares == pytest.approx({"win": 2 / 3, "lose": 1 / 3})


def test_the_longest_playthrough_counts_every_path_not_only_the_first_found(make_story: StoryFactory) -> None:
    scenes = SCENES.replace("      - text: Leave\n", "      - text: Linger\n        goto: c\n      - text: Leave\n")
    scenes += "  c:\n    choices:\n      - text: Go on\n        goto: d\n  d:\n    choices:\n      - text: Go on\n        goto: b\n"
    report = explore(load_story(str(make_story(scenes=scenes))))
    assert (report.shortest, report.longest) == (1, 3)


def test_only_visit_counts_that_play_reads_are_carried(make_story: StoryFactory) -> None:
    # A route reads seen(a) and an effect reads visits(c); no expression reads b's or won's count,
    # and prose that shows a count is display only.
    scenes = SCENES.replace("      - if: coin in bag\n", "      - if: coin in bag and seen(a)\n").replace(
        "    do: [f = true]\n", "    do: [n = visits(c)]\n"
    )
    scenes += "  c:\n    text: 'You were at b {visits(b)} times.'\n    goto: b\n"
    story = load_story(str(make_story(scenes=scenes)))
    assert scenes_counted(story) == {"a", "c"}
    report = explore(story)
    assert report.ok is False and report.unreached_scenes == ["c"]
    assert report.reached_scenes == {"a", "b", "won", "lost"}


def test_long_witness_paths_are_cut_in_the_middle_of_the_text_report(tmp_path: Path) -> None:
    scenes = ["scenes:"]
    for i in range(60):
        scenes.append(f'  s{i}:\n    text: "Scene {i}."\n    choices:\n      - text: "On {i}"\n        goto: s{i + 1}')
    scenes.append('  s60:\n    text: "The end."\n    ending: done')
    (tmp_path / "story.yaml").write_text(
        "id: long\ntitle: Long\nstart: s0\nfiles: [scenes.yaml]\nendings:\n  done: {title: Done, theme: end}\n"
    )
    (tmp_path / "scenes.yaml").write_text("\n".join(scenes) + "\n")
    story = load_story(str(tmp_path))
    report = explore(story)
    text = format_report(story, report)
    assert "s0:on-0 > " in text and "s59:on-59" in text
    assert "s30:on-30" not in text
    assert "... 20 more choices (--json has them all) ..." in text
    assert len(report.ending_paths["done"]) == 60


def test_keys_leave_out_visits_to_scenes_that_cannot_lead_here(make_story) -> None:  # type: ignore[no-untyped-def]
    """seen(side) is read at the end; at 'early', which 'side' cannot reach, it is always false: not in the key."""
    from ifengine.liveness import liveness, without_unseen

    scenes = """\
    scenes:
      a:
        choices:
          - {text: Early, goto: early}
      early:
        choices:
          - {text: Side, goto: side}
          - {text: Straight, goto: late}
      side:
        goto: late
      late:
        choices:
          - {text: Win, if: seen(side), goto: won}
          - {text: Lose, goto: lost}
      won:
        ending: win
      lost:
        ending: lose
    """
    story = load_story(str(make_story(scenes=scenes)))
    live = liveness(story).at_choice
    pruned = without_unseen(story, live)
    assert ("seen", "side") in live["early"] and ("seen", "side") not in pruned["early"]
    assert ("seen", "side") in pruned["late"]
