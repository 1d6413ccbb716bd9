"""Directed search: after a stopped search, games that lean towards what is still unknown find it."""

from __future__ import annotations

from conftest import MANIFEST, StoryFactory, scenes_entered
from ifengine.directed import find_witnesses
from ifengine.explorer import explore
from ifengine.loader import load_story
from ifengine.runtime import replay

DEPTH = 30


def corridor() -> str:
    """Thirty rooms in a row; in each, two of the three doors lead out to a losing ending."""
    lines = ["scenes:", "  a:", "    goto: r0"]
    for i in range(DEPTH):
        nxt = f"r{i + 1}" if i + 1 < DEPTH else "won"
        lines += [
            f"  r{i}:",
            "    choices:",
            f"      - {{text: On, goto: {nxt}}}",
            "      - {text: Left, goto: lost}",
            "      - {text: Right, goto: lost}",
        ]
    lines += ["  won:", "    ending: win", "  lost:", "    ending: lose"]
    return "\n".join(lines) + "\n"


def test_directed_search_reaches_what_uniform_random_play_does_not(make_story: StoryFactory) -> None:
    story = load_story(str(make_story(MANIFEST, scenes=corridor())))
    report = explore(story, max_states=5)
    won = report.verdicts.items["endings"]["win"]
    assert (won.status, won.method) == ("reachable", "directed search")
    assert won.path is not None and replay(story, won.path).state.ending == "win"
    scene = report.verdicts.items["scenes"]["won"]
    assert scene.path is not None and "won" in scenes_entered(story, scene.path)


def test_every_witness_replays_to_its_item(make_story: StoryFactory) -> None:
    story = load_story(str(make_story(MANIFEST, scenes=corridor())))
    found = find_witnesses(story, ["won", "r29"], ["r29:on"], ["win"], seed=7, should_stop=lambda: None)
    assert set(found.endings) == {"win"} and set(found.choices) == {"r29:on"}
    for scene, path in found.scenes.items():
        assert scene in scenes_entered(story, list(path))
    assert found.choices["r29:on"][-1] == "r29:on"
    assert replay(story, found.endings["win"]).state.ending == "win"


def test_directed_search_stops_at_its_first_budget_check(make_story: StoryFactory) -> None:
    story = load_story(str(make_story(MANIFEST, scenes=corridor())))
    checks: list[int] = []

    def stop() -> str:
        checks.append(1)
        return "time budget"

    found = find_witnesses(story, ["nowhere"], [], [], seed=1, should_stop=stop)  # never found: only a budget ends it
    assert checks == [1] and found.scenes == {}


def test_directed_search_gives_up_after_a_run_of_games_that_find_nothing(make_story: StoryFactory) -> None:
    """Thirty rooms in a row, every game the same: past STALE_GAMES games nothing new can turn up."""
    from ifengine.directed import CHECK_EVERY, STALE_GAMES

    rooms = "".join(f"  r{i}:\n    choices: [{{text: On, goto: r{i + 1}}}]\n" for i in range(DEPTH))
    scenes = f"scenes:\n  a:\n    goto: r0\n{rooms}  r{DEPTH}:\n    ending: win\n  lost:\n    ending: lose\n"
    story = load_story(str(make_story(MANIFEST, scenes=scenes)))
    checks: list[int] = []

    def stop() -> None:
        checks.append(1)

    find_witnesses(story, ["lost"], [], [], seed=1, should_stop=stop)
    assert len(checks) * CHECK_EVERY <= STALE_GAMES * (DEPTH + 1)
