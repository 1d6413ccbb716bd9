"""Guided search: beams aimed at the condition guarding an unknown choice find what leaning games miss."""

from __future__ import annotations

from conftest import StoryFactory
from ifengine.directed import find_witnesses
from ifengine.explorer import explore
from ifengine.guided import guided_witnesses
from ifengine.loader import load_story
from ifengine.runtime import replay

ROOMS = 40

MANIFEST = """\
id: gym
title: Gym
start: r0
state:
  n: {type: int, min: 0, max: 40}
  m: {type: int, min: 0, max: 40}
endings:
  win: {title: Win, theme: joy}
  lose: {title: Lose, theme: grief}
"""


def training() -> str:
    """Forty rooms: train, rest or wander in each; only a game that trained in 35 of them may take the last door."""
    lines = ["scenes:"]
    for i in range(ROOMS):
        nxt = f"r{i + 1}"
        lines += [
            f"  r{i}:",
            "    choices:",
            f"      - {{text: Train, do: n += 1, goto: {nxt}}}",
            f"      - {{text: Rest, goto: {nxt}}}",
            f"      - {{text: Wander, do: m += 1, goto: {nxt}}}",
        ]
    lines += [
        f"  r{ROOMS}:",
        "    choices:",
        "      - {text: Win, if: n >= 35, goto: won}",
        "      - {text: Leave, goto: lost}",
        "  won:",
        "    ending: win",
        "  lost:",
        "    ending: lose",
    ]
    return "\n".join(lines) + "\n"


def test_guided_search_meets_a_guard_that_leaning_games_do_not(make_story: StoryFactory) -> None:
    story = load_story(str(make_story(MANIFEST, scenes=training())))
    wanted = ([], [f"r{ROOMS}:win"], ["win"])
    assert not find_witnesses(story, *wanted, seed=1, should_stop=lambda: None).choices
    found = guided_witnesses(story, *wanted, seed=1, should_stop=lambda: None)
    assert set(found.choices) == {f"r{ROOMS}:win"} and set(found.endings) == {"win"}
    assert replay(story, found.endings["win"]).state.ending == "win"


def test_a_stopped_search_settles_the_guarded_ending_by_a_search_aimed_at_it(make_story: StoryFactory) -> None:
    story = load_story(str(make_story(MANIFEST, scenes=training())))
    won = explore(story, max_states=50).verdicts.items["endings"]["win"]
    assert (won.status, won.method) == ("reachable", "guided search")  # its narrow beams, before the targeted searches
    assert won.path is not None and replay(story, won.path).state.ending == "win"


def test_a_fallback_is_aimed_at_by_closing_every_other_choice(make_story: StoryFactory) -> None:
    scenes = training().replace(
        "      - {text: Leave, goto: lost}", "      - {text: Leave, fallback: true, goto: lost}"
    )
    scenes = scenes.replace("{text: Win, if: n >= 35, goto: won}", "{text: Win, if: n < 35, goto: won}")
    story = load_story(str(make_story(MANIFEST, scenes=scenes)))
    found = guided_witnesses(story, [], [f"r{ROOMS}:leave"], [], seed=1, should_stop=lambda: None)
    assert replay(story, found.choices[f"r{ROOMS}:leave"]).state.ending == "lose"


def test_guided_search_stops_at_a_budget_check(make_story: StoryFactory) -> None:
    story = load_story(str(make_story(MANIFEST, scenes=training())))
    found = guided_witnesses(story, [], [f"r{ROOMS}:win"], [], seed=1, should_stop=lambda: "time budget")
    assert found.choices == {}


def test_guided_search_reaches_a_wanted_scene_through_the_guarded_choice_into_it(make_story: StoryFactory) -> None:
    story = load_story(str(make_story(MANIFEST, scenes=training())))
    found = guided_witnesses(story, ["won"], [], [], seed=1, should_stop=lambda: None)
    assert replay(story, found.scenes["won"]).state.ending == "win"
