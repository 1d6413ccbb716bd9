"""Measure ifengine as users feel it; prints a table. Not part of the test suite.

    python benchmarks/run.py            # everything
    python benchmarks/run.py --quick    # skip the 100,000-scene story

Synthetic stories come from `synthetic.py` beside this file.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(HERE))

from synthetic import write_story  # noqa: E402

from ifengine import advance, explore, load_story, open_choices, start  # noqa: E402
from ifengine.check import check_story  # noqa: E402
from ifengine.explore import random_playthrough  # noqa: E402
from ifengine.loader import read_story  # noqa: E402
from ifengine.runtime import choose, options  # noqa: E402

BUNDLED = REPO / "story" / "no-one-saw-us-leave"
ROWS: list[tuple[str, str, str]] = []


def row(what: str, value: str, note: str = "") -> None:
    ROWS.append((what, value, note))
    print(f"  {what:<52} {value:>16}  {note}", flush=True)


def best_of(n: int, fn: Callable[[], object]) -> float:
    times = []
    for _ in range(n):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return min(times)


def peak_memory(fn: Callable[[], object]) -> tuple[float, int]:
    tracemalloc.start()
    started = time.perf_counter()
    fn()
    elapsed = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return elapsed, peak


def startup() -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO / "src"), "NO_COLOR": "1"}
    floor_cmd = [sys.executable, "-c", "import yaml, rich, prompt_toolkit"]
    play_cmd = [sys.executable, "-m", "ifengine", "play", str(BUNDLED)]

    def run(cmd: list[str], stdin: str = "") -> float:
        started = time.perf_counter()
        subprocess.run(cmd, input=stdin, capture_output=True, text=True, env=env, check=False)
        return time.perf_counter() - started

    floor = min(run(floor_cmd) for _ in range(5))
    # "quit" is read right after the first scene is drawn.
    engine = min(run(play_cmd, "quit\n") for _ in range(5))
    row("start-up: import yaml, rich, prompt_toolkit", f"{floor * 1000:.0f} ms", "the floor")
    row(
        "start-up: ifengine play to first scene (and quit)",
        f"{engine * 1000:.0f} ms",
        f"{engine / floor:.2f}x the floor",
    )


def load_and_check(sizes: list[int]) -> None:
    previous = None
    with tempfile.TemporaryDirectory() as tmp:
        for size in sizes:
            root = Path(tmp) / f"s{size}"
            write_story(root, size)
            _, peak = peak_memory(lambda r=root: read_story(str(r)))
            load = best_of(3 if size <= 10_000 else 1, lambda r=root: read_story(str(r)))
            story, _ = read_story(str(root))
            assert story is not None
            check = best_of(3 if size <= 10_000 else 1, lambda s=story: check_story(s))
            growth = f"x{(load + check) / previous:.1f} per 10x" if previous else ""
            previous = load + check
            row(
                f"load + check, {size:,} scenes",
                f"{(load + check) * 1000:,.0f} ms",
                f"load {load * 1000:,.0f} ms, check {check * 1000:,.0f} ms, peak {peak / 2**20:,.0f} MiB {growth}",
            )
            if size <= 10_000:
                started = time.perf_counter()
                report = explore(story, max_states=2_000_000)
                took = time.perf_counter() - started
                row(
                    f"explore, {size:,} scenes",
                    f"{took * 1000:,.0f} ms",
                    f"{report.states:,} states, {report.states / took:,.0f} states/s",
                )


def runtime() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "s100"
        write_story(root, 100, choices=3)
        story = load_story(str(root))
        rng = random.Random(7)
        state = start(story).state
        steps = 0
        started = time.perf_counter()
        while time.perf_counter() - started < 2:
            for _ in range(1000):
                if state.ending is not None:
                    state = start(story).state
                choices = open_choices(story, state)
                state = advance(story, state, rng.choice(choices))
                steps += 1
        rate = steps / (time.perf_counter() - started)
        row("choices/s, 100-scene synthetic (3 conditional choices)", f"{rate:,.0f}", "advance(): no text rendered")
    story = load_story(str(BUNDLED))
    rng = random.Random(7)
    plays = 0
    steps = 0
    started = time.perf_counter()
    while time.perf_counter() - started < 2:
        turn = start(story)
        while turn.ending is not None or turn.open_options:
            if turn.ending is not None:
                break
            turn = choose(story, turn.state, rng.choice(turn.open_options).choice.key)
            options(story, turn.state)
            steps += 1
        plays += 1
    took = time.perf_counter() - started
    row("playthroughs/s, bundled story, text rendered", f"{plays / took:,.1f}", f"{steps / took:,.0f} choices/s")
    plays = 0
    started = time.perf_counter()
    while time.perf_counter() - started < 2:
        random_playthrough(story, rng)
        plays += 1
    took = time.perf_counter() - started
    row("playthroughs/s, bundled story, no text", f"{plays / took:,.0f}")


def exploration() -> None:
    story = load_story(str(BUNDLED))
    _, peak = peak_memory(lambda: explore(story))
    report = explore(story)
    took = best_of(1, lambda: explore(story))
    row("explore bundled story", f"{took:,.2f} s", f"{report.states:,} states, {report.states / took:,.0f} states/s")
    row(
        "explore bundled story: memory per state",
        f"{peak / max(report.states, 1):,.0f} B",
        f"peak {peak / 2**20:,.0f} MiB (traced)",
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="skip the 100,000-scene story")
    args = parser.parse_args()
    print(
        f"ifengine benchmarks, {time.strftime('%Y-%m-%d')}, Python {platform.python_version()}, {platform.machine()}, {os.cpu_count()} cores"
    )
    startup()
    load_and_check([100, 1_000, 10_000] if args.quick else [100, 1_000, 10_000, 100_000])
    runtime()
    exploration()
    print()
    print("| measure | value | note |")
    print("| --- | ---: | --- |")
    for what, value, note in ROWS:
        print(f"| {what} | {value} | {note} |")


if __name__ == "__main__":
    main()
