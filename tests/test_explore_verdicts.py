"""Verdicts: every item reachable (with a witness), unreachable (proven) or unknown; never a false one."""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import MANIFEST, SCENES, StoryFactory, scenes_entered
from ifengine import explore, load_story
from ifengine.budget import Limits, budget_check
from ifengine.model import Story
from ifengine.report import format_report
from ifengine.runtime import GameError, replay
from ifengine.verdicts import Trail, Verdicts
from test_explore_bruteforce import MANIFEST as RANDOM_MANIFEST
from test_explore_bruteforce import Brute, random_story

# A counter that can climb to 1,000 keeps the search busy; the coin decides the ending.
COUNTING = SCENES.replace(
    "      - text: Leave\n",
    "      - text: Count\n        if: n < 1000\n        do: [n += 1]\n        goto: a\n      - text: Leave\n",
)
BIG_COUNTER = MANIFEST.replace("max: 3}", "max: 1000}")


def no_random_play(phase: str):  # type: ignore[no-untyped-def]
    """A budget that lets the search run and stops random play at once."""
    return (lambda: None) if phase == "search" else (lambda: "test budget")


def test_a_stopped_search_calls_nothing_unreachable(make_story: StoryFactory) -> None:
    # 'won' needs the coin and f, and f is only set in 'won': truly unreachable, but the search stops first.
    scenes = COUNTING.replace("if: coin in bag", "if: coin in bag and f")
    story = load_story(str(make_story(BIG_COUNTER, scenes=scenes)))
    report = explore(story, max_states=5, budget=no_random_play)
    assert not report.complete
    assert report.unreached_scenes == [] and report.unreached_endings == [] and report.never_open == []
    assert "won" in report.unknown("scenes") and "win" in report.unknown("endings")
    assert not report.ok and not report.proven_failure


def test_a_stopped_search_reports_unknown_in_text_not_never_reached(make_story: StoryFactory) -> None:
    scenes = COUNTING.replace("if: coin in bag", "if: coin in bag and f")
    story = load_story(str(make_story(BIG_COUNTER, scenes=scenes)))
    text = format_report(story, explore(story, max_states=5, budget=no_random_play))
    assert "never reached in real play" not in text and "UNREACHABLE" not in text
    assert "scene 'won': unknown" in text and "UNKNOWN  win" in text
    assert "INCOMPLETE: the search was stopped by the state limit of 5" in text


def test_random_play_after_a_stop_finds_what_the_search_did_not(make_story: StoryFactory) -> None:
    scenes = COUNTING.replace("if: coin in bag", "if: n >= 3")  # winning takes three steps or more
    story = load_story(str(make_story(BIG_COUNTER, scenes=scenes)))
    report = explore(story, max_states=2, sample_games=200)
    verdicts = report.verdicts.items
    assert all(v.status == "reachable" for table in verdicts.values() for v in table.values())
    assert verdicts["endings"]["win"].method == "random play"
    assert replay(story, verdicts["endings"]["win"].path or ()).state.ending == "win"
    assert report.ok and "sampled: 200 random playthroughs, 200 ended, seed 1" in report.share_method


def test_a_complete_search_proves_unreachable(make_story: StoryFactory) -> None:
    scenes = SCENES.replace("if: coin in bag", "if: coin in bag and f")
    report = explore(load_story(str(make_story(scenes=scenes))))
    assert report.verdicts.items["endings"]["win"].status == "unreachable"
    assert report.verdicts.items["endings"]["win"].method == "exhaustive search"
    assert report.unreached_endings == ["win"] and report.proven_failure


def test_another_method_settles_only_unknown_items() -> None:
    verdicts = Verdicts.unknown(["a", "b", "c"], [], [])
    verdicts.settle_reachable("scenes", "exhaustive search", {"a": []})
    verdicts.settle_unreachable("scenes", "abstract interpretation", ["a", "b"])
    verdicts.settle_reachable("scenes", "directed search", {"b": ["x"], "c": ["y"]})
    table = verdicts.items["scenes"]
    assert (table["a"].status, table["a"].method) == ("reachable", "exhaustive search")
    assert (table["b"].status, table["b"].method) == ("unreachable", "abstract interpretation")
    assert (table["c"].status, table["c"].method, table["c"].path) == ("reachable", "directed search", ("y",))
    assert verdicts.methods() == {"exhaustive search": 1, "abstract interpretation": 1, "directed search": 1}


def test_json_carries_verdicts_and_methods(make_story: StoryFactory) -> None:
    scenes = COUNTING.replace("if: coin in bag", "if: coin in bag and f")
    report = explore(load_story(str(make_story(BIG_COUNTER, scenes=scenes))), max_states=3, budget=no_random_play)
    data = json.loads(json.dumps(report.to_data()))
    assert data["complete"] is False and data["stopped_by"] == "state limit of 3"
    assert data["verdicts"]["scenes"]["a"] == {"verdict": "reachable", "method": "exhaustive search", "witness": []}
    assert data["verdicts"]["endings"]["win"]["verdict"] == "unknown"
    assert data["unknown_endings"] == ["win"] and data["endings"]["win"]["verdict"] == "unknown"
    assert data["methods"] == {"exhaustive search": data["methods"]["exhaustive search"]}


def test_explore_exits_3_when_the_answer_is_incomplete(
    cli: Callable[..., tuple[int, str, str]], make_story: StoryFactory
) -> None:
    # Reachable, but only after 30,000 counts: beyond the search, random play, a proof and each goal's search.
    scenes = COUNTING.replace("if: coin in bag", "if: coin in bag and n >= 30000").replace("n < 1000", "n < 30000")
    manifest = MANIFEST.replace("max: 3}", "max: 30000}")
    code, out, _ = cli("explore", "--max-states", "5", str(make_story(manifest, scenes=scenes)))
    assert code == 3
    assert "INCOMPLETE: nothing is proven unreachable" in out


# --- the property: no verdict contradicts brute force, under any budget -------------


class FakeClock:
    """A clock that moves one second each time it is read."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        self.now += 1.0
        return self.now


def fake_time_budget(seconds: int):  # type: ignore[no-untyped-def]
    def phase(name: str):  # type: ignore[no-untyped-def]
        return budget_check(Limits(seconds, 2**40), FakeClock(), lambda: 0)

    return phase


def assert_witness_reaches(story: Story, kind: str, item: str, path: tuple[str, ...]) -> None:
    try:
        final = replay(story, path).state
    except GameError as exc:  # pragma: no cover - a failure message
        raise AssertionError(f"{kind} {item}: witness {path} does not replay: {exc}") from None
    if kind == "scenes":
        assert item in scenes_entered(story, path)
    elif kind == "endings":
        assert final.ending == item
    else:
        assert path and path[-1] == item


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    story_seed=st.integers(0, 10_000),
    max_states=st.integers(1, 40),
    seconds=st.integers(0, 3),
    games=st.integers(0, 30),
)
def test_no_verdict_contradicts_brute_force(
    tmp_path: Path, story_seed: int, max_states: int, seconds: int, games: int
) -> None:
    folder = tmp_path / f"s{story_seed}-{max_states}-{seconds}-{games}"
    folder.mkdir()
    (folder / "story.yaml").write_text(RANDOM_MANIFEST)
    (folder / "scenes.yaml").write_text(random_story(random.Random(story_seed)))
    story = load_story(str(folder))
    brute = Brute(story)
    brute.walk(replay(story, []).state, 1.0, 0)
    truth = {
        "scenes": brute.scenes,
        "choices": brute.taken,
        "endings": {e for e, share in brute.shares.items() if share > 0},
    }
    report = explore(story, max_states=max_states, budget=fake_time_budget(seconds), check_every=1, sample_games=games)
    for kind, table in report.verdicts.items.items():
        for item, verdict in table.items():
            if verdict.status == "reachable":
                assert verdict.path is not None
                assert_witness_reaches(story, kind, item, verdict.path)
            elif verdict.status == "unreachable":
                assert item not in truth[kind], f"{kind} {item} is reachable but reported unreachable"


def test_after_a_stop_abstract_interpretation_proves_what_the_search_could_not(make_story: StoryFactory) -> None:
    scenes = COUNTING.replace("if: coin in bag", "if: coin in bag and f")  # f is only ever set in 'won' itself
    story = load_story(str(make_story(BIG_COUNTER, scenes=scenes)))
    report = explore(story, max_states=5, budget=lambda phase: lambda: None)
    assert not report.complete
    won = report.verdicts.items["scenes"]["won"]
    assert (won.status, won.method) == ("unreachable", "abstract interpretation")
    assert report.verdicts.items["endings"]["win"].status == "unreachable"
    assert "scene 'won'" in format_report(story, report) and report.proven_failure


def test_witness_paths_are_spelled_out_only_when_read_and_match_their_length() -> None:
    parents, via = [-1, 0, 1, 2], ["", "a:x", "b:y", "c:z"]
    trail = Trail(parents, via, 2, "c:z", 3)
    assert len(trail) == 3 and trail._keys is None  # nothing spelled out yet
    assert list(trail) == ["a:x", "b:y", "c:z"] and trail == ("a:x", "b:y", "c:z")
    verdicts = Verdicts.unknown(["s"], [], [])
    verdicts.settle_reachable("scenes", "exhaustive search", {"s": trail})
    assert verdicts.items["scenes"]["s"].to_data()["witness"] == ["a:x", "b:y", "c:z"]
