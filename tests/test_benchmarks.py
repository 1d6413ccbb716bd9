"""The benchmark script still runs against the current API (its numbers are not tested)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"


@pytest.fixture
def bench(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    monkeypatch.syspath_prepend(str(BENCHMARKS))
    spec = importlib.util.spec_from_file_location("bench_run", BENCHMARKS / "run.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "bench_run", module)
    spec.loader.exec_module(module)
    module.ROWS.clear()
    return module


def test_the_growth_section_reports_load_check_and_explore(bench: ModuleType) -> None:
    bench.load_and_check([100], explore_up_to=100)
    labels = [what for what, _, _ in bench.ROWS]
    assert labels == ["load + check, 100 scenes", "explore, 100 scenes"]
    assert "peak" in bench.ROWS[0][2] and "1,513 states" in bench.ROWS[1][2]


def test_the_saves_section_writes_and_loads_a_long_history(bench: ModuleType) -> None:
    bench.saves()
    labels = [what for what, _, _ in bench.ROWS]
    assert labels == ["save: write, 500-choice history", "save: load and fit to the story"]


def test_the_play_section_reports_long_games_undo_autosave_and_a_long_load(bench: ModuleType) -> None:
    bench.play.run(bench.row, rounds=1, budget=0.0, long_save=300, sizes=(9, 23, 253), late=200)
    labels = [what for what, _, _ in bench.ROWS]
    assert labels == [
        "choices/s, text rendered, 6-choice games",
        "choices/s, text rendered, 20-choice games",
        "choices/s, text rendered, 250-choice games",
        "choices/s at 250 / at 6 choices a game",
        "one choice, text rendered: at the start / from choice 200",
        "undo stack after 200 choices",
        "one autosave after a choice at 6 / 20 / 250 choices",
        "load a 300-choice save, undo rebuilt",
    ]
    assert "bink" in bench.ROWS[0][2]  # measured beside it, or why not
