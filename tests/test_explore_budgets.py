"""Budgets end in a report: states, time, memory, MemoryError, and random play that never ends."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from conftest import MANIFEST, SCENES, StoryFactory
from ifengine import explore, load_story
from ifengine.budget import Limits, budget_check

Cli = Callable[..., tuple[int, str, str]]

COUNTING = SCENES.replace(
    "      - text: Leave\n",
    "      - text: Count\n        if: n < 1000\n        do: [n += 1]\n        goto: a\n      - text: Leave\n",
)
BIG_COUNTER = MANIFEST.replace("max: 3}", "max: 1000}")
# Two scenes that lead to each other, and a way out that is never open: no random game ever ends.
ENDLESS = """\
scenes:
  a:
    choices:
      - text: Over
        goto: b
  b:
    choices:
      - text: Back
        goto: a
      - text: Out
        if: f
        goto: won
  won:
    text: Out.
    ending: win
  lost:
    text: Never.
    ending: lose
"""


def test_a_memory_error_in_the_search_still_ends_in_a_report(make_story: StoryFactory) -> None:
    def raise_in_search(phase: str):  # type: ignore[no-untyped-def]
        def stop() -> str | None:
            raise MemoryError

        return stop if phase == "search" else (lambda: "test budget")

    story = load_story(str(make_story(BIG_COUNTER, scenes=COUNTING)))
    report = explore(story, budget=raise_in_search, check_every=1)
    assert not report.complete and report.stopped_by == "memory (MemoryError)"
    assert report.verdicts.items["scenes"]["a"].status == "reachable"
    assert report.unreached_scenes == [] and report.unreached_endings == []


def test_the_memory_budget_stops_the_search(make_story: StoryFactory) -> None:
    def gauge_over(phase: str):  # type: ignore[no-untyped-def]
        return budget_check(Limits(60, 100), lambda: 0.0, lambda: 101)

    report = explore(load_story(str(make_story(BIG_COUNTER, scenes=COUNTING))), budget=gauge_over, check_every=1)
    assert report.stopped_by == "memory budget of 0 MiB (stopped at 85%, to leave room for the report)"
    assert not report.complete


def test_the_time_budget_stops_a_phase_short_of_its_deadline_to_leave_time_for_the_report() -> None:
    ticks = iter([0.0, 99.0])
    assert budget_check(Limits(100, 2**40), lambda: next(ticks), lambda: 0)() == "time budget of 100 s"


def test_the_memory_budget_stops_a_phase_before_it_is_reached() -> None:
    # A check comes every few thousand states: stopping only past the budget would end past it.
    stop = budget_check(Limits(60, 1000), lambda: 0.0, lambda: 900)
    assert stop() == "memory budget of 0 MiB (stopped at 85%, to leave room for the report)"
    assert budget_check(Limits(60, 1000), lambda: 0.0, lambda: 800)() is None


def test_the_time_budget_stops_the_search(make_story: StoryFactory) -> None:
    ticks = iter(range(1000))

    def clock(phase: str):  # type: ignore[no-untyped-def]
        return budget_check(Limits(5, 2**40), lambda: float(next(ticks)), lambda: 0)

    report = explore(load_story(str(make_story(BIG_COUNTER, scenes=COUNTING))), budget=clock, check_every=1)
    assert report.stopped_by == "time budget of 5 s" and report.states < 20


def test_random_games_that_never_end_are_counted_apart(make_story: StoryFactory) -> None:
    story = load_story(str(make_story(scenes=ENDLESS)))
    report = explore(story, sample_games=3)
    assert report.complete and report.loops
    assert report.shares == {"win": 0.0, "lose": 0.0} and report.sample_ended == 0
    assert "3 random playthroughs, 0 ended, 3 hit the step cap without an ending" in report.share_method
    assert report.never_open == ["b:out"] and report.unreached_endings == ["win", "lose"]


def test_sampling_stops_at_its_budget(make_story: StoryFactory) -> None:
    def stop_sampling(phase: str):  # type: ignore[no-untyped-def]
        return (lambda: None) if phase == "search" else (lambda: "time budget of 1 s")

    report = explore(load_story(str(make_story(scenes=ENDLESS))), budget=stop_sampling)
    assert report.share_method == "not computed (no random game finished before the time budget of 1 s)"


@pytest.mark.parametrize("command", ["explore", "graph"])
@pytest.mark.parametrize(
    ("flag", "value"),
    [
        ("--max-states", "0"),
        ("--max-states", "-5"),
        ("--max-seconds", "0"),
        ("--max-memory", "-1G"),
        ("--max-memory", "lots"),
    ],
)
def test_budget_flags_refuse_values_below_one(cli: Cli, command: str, flag: str, value: str) -> None:
    with pytest.raises(SystemExit) as stop:
        cli(command, flag, value, "story")
    assert stop.value.code == 2


def test_budget_flag_error_is_one_line(cli: Cli, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        cli("explore", "--max-states", "0", "story")
    err = capsys.readouterr().err
    assert "argument --max-states: must be at least 1, got 0" in err


def test_graph_of_a_story_whose_games_never_end_finishes(cli: Cli, make_story: StoryFactory) -> None:
    code, out, _ = cli("graph", "--max-seconds", "1", str(make_story(scenes=ENDLESS)))
    assert code == 0 and out.startswith("// explored:")


def test_every_phase_after_the_search_stops_by_the_whole_budget_less_its_headroom(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # However late a phase starts, it must leave the same 2% of the budget for the report: taking
    # the headroom from what is left let a run on a 60 s budget end at 60.1 s.
    import argparse
    import time

    from ifengine.cli import _explore_budget

    now = [0.0]
    monkeypatch.setattr(time, "monotonic", lambda: now[0])
    phases = _explore_budget(argparse.Namespace(max_seconds=60.0, max_memory=2**40))
    for started in (12.0, 37.5, 58.0):
        now[0] = started
        stop = phases("guided")
        now[0] = 58.7
        assert stop() is None
        now[0] = 58.9
        assert stop() is not None
    now[0] = 59.0  # one that starts past that deadline stops at its first check
    stop = phases("guided")
    now[0] = 59.01
    assert stop() is not None


def test_the_proofs_before_the_search_get_a_tenth_of_the_time(monkeypatch: pytest.MonkeyPatch) -> None:
    # Hundreds of assumptions on a large story took 24 s to prove, out of the search's share.
    import argparse
    import time

    from ifengine.cli import _explore_budget

    now = [0.0]
    monkeypatch.setattr(time, "monotonic", lambda: now[0])
    stop = _explore_budget(argparse.Namespace(max_seconds=60.0, max_memory=2**40))("assumptions")
    now[0] = 5.8
    assert stop() is None
    now[0] = 6.0
    assert stop() is not None
