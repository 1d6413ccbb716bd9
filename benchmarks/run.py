"""Measure ifengine as users feel it and as stories grow; prints a table. Not part of the test suite.

    python benchmarks/run.py            # everything (a few minutes)
    python benchmarks/run.py --quick    # skip the 100,000-scene story
    python benchmarks/run.py --only play   # one section (play: long games, side by side with bink)

Synthetic stories come from `synthetic.py` beside this file. Times are the best
of a few runs; memory is the peak traced by tracemalloc (Python allocations).
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import select
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

import play  # noqa: E402
from synthetic import write_story  # noqa: E402

from ifengine import advance, explore, load_story, open_choices, start  # noqa: E402
from ifengine.check import check_story  # noqa: E402
from ifengine.explorer import random_playthrough  # noqa: E402
from ifengine.loader import read_story  # noqa: E402
from ifengine.runtime import choose, options  # noqa: E402

BUNDLED = REPO / "story" / "no-one-saw-us-leave"
ROWS: list[tuple[str, str, str]] = []
EXPLORE_UP_TO = 100_000  # synthetic sizes explored


def row(what: str, value: str, note: str = "") -> None:
    ROWS.append((what, value, note))
    print(f"  {what:<56} {value:>14}  {note}", flush=True)


def best_of(n: int, fn: Callable[[], object]) -> float:
    times = []
    for _ in range(n):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
        del result  # freeing what was made is not part of making it
    return min(times)


def peak_memory(fn: Callable[[], object]) -> int:
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


# --- start-up ----------------------------------------------------------------------


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(REPO / "src"), "IFENGINE_SAVES": tempfile.mkdtemp()}


def _timed_run(cmd: list[str], stdin: str = "", env: dict[str, str] | None = None) -> float:
    started = time.perf_counter()
    subprocess.run(cmd, input=stdin, capture_output=True, text=True, env=env or _env(), check=False)
    return time.perf_counter() - started


def _first_screen_in_terminal(marker: bytes) -> float:
    """Seconds until `marker` (the first choice's words) is on a pseudo-terminal's screen."""
    import pty

    master, slave = pty.openpty()
    # A tall terminal: in a 40-row one the opening scene stops at "more" before its choices.
    env = {**_env(), "TERM": "xterm-256color", "COLUMNS": "100", "LINES": "400"}
    env.pop("NO_COLOR", None)
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "ifengine", "play", str(BUNDLED)],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=env,
        close_fds=True,
    )
    os.close(slave)
    seen = b""
    took = float("nan")
    try:
        while time.perf_counter() - started < 20:
            ready, _, _ = select.select([master], [], [], 0.5)
            if not ready:
                continue
            try:
                chunk = os.read(master, 65536)
            except OSError:
                break
            seen += chunk
            if marker in seen:
                took = time.perf_counter() - started
                break
    finally:
        proc.kill()
        proc.wait()
        os.close(master)
    return took


def startup() -> None:
    floor = min(_timed_run([sys.executable, "-c", "import yaml, rich, prompt_toolkit"]) for _ in range(7))
    row("start-up floor: import yaml, rich, prompt_toolkit", f"{floor * 1000:.0f} ms", "python -c ...")
    # A terminal: rich and prompt_toolkit draw the first scene; timed until its first choice is on screen.
    story = load_story(str(BUNDLED))
    marker = start(story).options[0].text.split()[0].encode()
    tries = [_first_screen_in_terminal(marker) for _ in range(5)]
    reached = [t for t in tries if t == t]  # NaN: the choice never reached the screen
    if reached:
        fancy = min(reached)
        row(
            "start-up: ifengine play, terminal, to first choice",
            f"{fancy * 1000:.0f} ms",
            f"{fancy / floor:.2f}x the floor",
        )
    else:
        row(
            "start-up: ifengine play, terminal, to first choice", "unknown", "the first choice never reached the screen"
        )
    # Piped: plain text, read "quit" after the first scene, exit.
    plain = min(
        _timed_run([sys.executable, "-m", "ifengine", "play", str(BUNDLED)], "quit\n", {**_env(), "NO_COLOR": "1"})
        for _ in range(7)
    )
    row(
        "start-up: ifengine play, piped, first scene and quit",
        f"{plain * 1000:.0f} ms",
        f"{plain / floor:.2f}x the floor",
    )
    yaml_floor = min(_timed_run([sys.executable, "-c", "import yaml"]) for _ in range(7))
    check = min(_timed_run([sys.executable, "-m", "ifengine", "check", str(BUNDLED)]) for _ in range(7))
    row(
        "start-up: ifengine check on the bundled story",
        f"{check * 1000:.0f} ms",
        f"import yaml alone: {yaml_floor * 1000:.0f} ms",
    )


# --- growth ------------------------------------------------------------------------


def load_and_check(sizes: list[int], explore_up_to: int) -> None:
    """Load, check and explore synthetic stories of growing size: time and traced peak memory of each."""
    previous: tuple[float, int, float] | None = None
    with tempfile.TemporaryDirectory() as tmp:
        for size in sizes:
            root = Path(tmp) / f"s{size}"
            write_story(root, size)
            runs = 3 if size <= 10_000 else 1
            load = best_of(runs, lambda r=root: read_story(str(r)))  # type: ignore[misc]
            load_peak = peak_memory(lambda r=root: read_story(str(r)))  # type: ignore[misc]
            story, _ = read_story(str(root))
            assert story is not None
            check = best_of(runs, lambda s=story: check_story(s))  # type: ignore[misc]
            check_peak = peak_memory(lambda s=story: check_story(s))  # type: ignore[misc]
            total = load + check
            growth = ""
            if previous:
                growth = f"; x{total / previous[0]:.1f} time, x{load_peak / previous[1]:.1f} memory per 10x"
            row(
                f"load + check, {size:,} scenes",
                f"{total * 1000:,.0f} ms",
                f"load {load * 1000:,.0f} ms (peak {load_peak / 2**20:,.0f} MiB), "
                f"check {check * 1000:,.0f} ms (peak {check_peak / 2**20:,.1f} MiB){growth}",
            )
            if size <= explore_up_to:
                started = time.perf_counter()
                report = explore(story, max_states=5_000_000)
                took = time.perf_counter() - started
                explore_peak = peak_memory(lambda s=story: explore(s, max_states=5_000_000))  # type: ignore[misc]
                explore_growth = f"; x{took / previous[2]:.1f} time per 10x" if previous and previous[2] else ""
                row(
                    f"explore, {size:,} scenes",
                    f"{took * 1000:,.0f} ms",
                    f"{report.states:,} states, {report.states / took:,.0f} states/s, "
                    f"peak {explore_peak / 2**20:,.0f} MiB{explore_growth}",
                )
            else:
                took = 0.0
            previous = (total, load_peak, took)
            del story


# --- runtime -----------------------------------------------------------------------


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
                state = advance(story, state, rng.choice(open_choices(story, state)))
                steps += 1
        rate = steps / (time.perf_counter() - started)
        row("choices/s, 100-scene synthetic, 3 conditional choices", f"{rate:,.0f}", "open_choices + advance: no text")
        turn = start(story)
        steps = 0
        started = time.perf_counter()
        while time.perf_counter() - started < 2:
            for _ in range(100):
                if turn.ending is not None:
                    turn = start(story)
                turn = choose(story, turn.state, rng.choice(turn.open_options).choice.key)
                steps += 1
        rate = steps / (time.perf_counter() - started)
        row("choices/s, same story, text rendered", f"{rate:,.0f}", "choose(): prose and choice texts")
    story = load_story(str(BUNDLED))
    rng = random.Random(7)
    plays = steps = 0
    started = time.perf_counter()
    while time.perf_counter() - started < 2:
        turn = start(story)
        while turn.ending is None and turn.open_options:
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
    took = best_of(2, lambda: explore(story))
    report = explore(story)
    row("explore bundled story", f"{took:,.2f} s", f"{report.states:,} states, {report.states / took:,.0f} states/s")
    peak = peak_memory(lambda: explore(story))
    row(
        "explore bundled story: memory per state",
        f"{peak / max(report.states, 1):,.0f} B",
        f"peak {peak / 2**20:,.0f} MiB (traced)",
    )


# --- saves ---------------------------------------------------------------------------


def saves() -> None:
    try:
        from ifengine.saves import SaveStore
    except ImportError:  # pragma: no cover - before saves.py existed
        row("saves", "n/a", "ifengine.saves is not there yet")
        return
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "s1000"
        write_story(root, 1_000, choices=3)
        story = load_story(str(root))
        rng = random.Random(3)
        state = start(story).state
        for _ in range(500):  # each choice moves at most two scenes on: no ending before 500
            state = advance(story, state, rng.choice(open_choices(story, state)))
        assert len(state.history) == 500 and state.ending is None
        store = SaveStore(str(Path(tmp) / "saves"), story)
        path = store.write("bench", state, "g1", 0.0, 1.0, 1.0)
        write = best_of(20, lambda: store.write("bench", state, "g1", 0.0, 1.0, 1.0))
        load = best_of(20, lambda: store.load("bench"))
        assert store.load("bench").state == state
        size = os.path.getsize(path)
        row("save: write, 500-choice history", f"{write * 1000:.1f} ms", "atomic: temporary file, fsync, rename")
        row("save: load and fit to the story", f"{load * 1000:.1f} ms", f"file size {size / 1024:,.1f} KiB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="skip the 100,000-scene story")
    sections = ("startup", "load", "runtime", "explore", "saves", "play")
    parser.add_argument(
        "--only", action="append", choices=sections, metavar="SECTION", help=f"run only these: {', '.join(sections)}"
    )
    parser.add_argument(
        "--long-save", type=int, default=40_000, metavar="N", help="choices in the long save the play section loads"
    )
    args = parser.parse_args()
    chosen = set(args.only or sections)
    print(
        f"ifengine benchmarks, {time.strftime('%Y-%m-%d')}, Python {platform.python_version()}, "
        f"{platform.machine()}, {os.cpu_count()} cores, {platform.processor() or platform.platform()}"
    )
    if "startup" in chosen:
        startup()
    if "load" in chosen:
        sizes = [100, 1_000, 10_000] if args.quick else [100, 1_000, 10_000, 100_000]
        load_and_check(sizes, EXPLORE_UP_TO)
    if "runtime" in chosen:
        runtime()
    if "explore" in chosen:
        exploration()
    if "saves" in chosen:
        saves()
    if "play" in chosen:
        play.run(row, long_save=args.long_save)
    print()
    print("| measure | value | note |")
    print("| --- | ---: | --- |")
    for what, value, note in ROWS:
        print(f"| {what} | {value} | {note} |")


if __name__ == "__main__":
    main()
