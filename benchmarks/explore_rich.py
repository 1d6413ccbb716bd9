"""Issue 12's targets for `explore`, measured in one run; prints a table. Not part of the test suite.

    python benchmarks/explore_rich.py           # bundled story vs dict inserts, the 1,000-scene rich story, growth
    python benchmarks/explore_rich.py --quick   # the rich story at 200 scenes only
    python benchmarks/explore_rich.py --before OLD_SRC   # the bundled and rich stories, OLD_SRC's explorer and this one

1. The bundled story: explore time as a ratio to the same number of dict inserts
   (a floor: one insert of a small tuple key per state), both in this run,
   interleaved, medians of five.
2. The rich story (1,000 scenes, 10 ints + 10 flags + 2 sets + visit reads)
   under the CLI's default budgets (60 s, 2 GiB): verdicts by method, unknowns,
   time and peak memory; then 10,000 seeded random games check that nothing a
   game reaches was reported unreachable.
3. Growth: the same story generator at more scenes and more state.
"""

from __future__ import annotations

import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SOURCE = os.environ.get("EXPLORE_RICH_SRC", str(HERE.parent / "src"))  # --before points the child at OLD_SRC
sys.path.insert(0, SOURCE)
sys.path.insert(0, str(HERE))

from richstory import write_story  # noqa: E402

from ifengine.budget import TIME_HEADROOM, Limits, budget_check  # noqa: E402
from ifengine.explorer import explore  # noqa: E402
from ifengine.loader import load_story  # noqa: E402
from ifengine.model import Story  # noqa: E402
from ifengine.runtime import GameError, begin, choices_open, step  # noqa: E402
from ifengine.state import GameState  # noqa: E402

BUNDLED = HERE.parent / "story" / "no-one-saw-us-leave"


def rss_mib() -> float:
    """The peak resident memory of this process so far (each rich story runs in a process of its own)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def in_use() -> int:
    """Resident memory now, in bytes, as the CLI's memory budget reads it."""
    try:
        with open("/proc/self/statm", "rb") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def budget(seconds: float, memory: int):  # type: ignore[no-untyped-def]
    started = time.monotonic()

    def phase(name: str):  # type: ignore[no-untyped-def]
        """As the CLI budgets them (cli._explore_budget)."""
        spent = time.monotonic() - started
        if name == "search":
            return budget_check(Limits(0.8 * seconds, memory), time.monotonic, in_use)
        if name == "assumptions":
            return budget_check(Limits(0.1 * seconds, memory), time.monotonic, in_use)
        base = in_use()
        allowance = max(memory - base, memory // 8)
        # Every phase stops by the whole budget less its headroom; the division undoes budget_check's
        # own headroom (kept so that OLD_SRC trees without its `headroom` argument run this too).
        left = max(seconds * TIME_HEADROOM - spent, 0.0)
        return budget_check(Limits(left / TIME_HEADROOM, allowance), time.monotonic, lambda: in_use() - base)

    return phase


def dict_inserts(n: int) -> float:
    started = time.perf_counter()
    table: dict[tuple[int, int, int], int] = {}
    for i in range(n):
        table[(i, i & 7, i >> 3)] = i
    return time.perf_counter() - started


def bundled() -> None:
    story = load_story(str(BUNDLED))
    states = explore(story).states
    ours, floor = [], []
    for _ in range(5):
        started = time.perf_counter()
        explore(story)
        ours.append(time.perf_counter() - started)
        floor.append(dict_inserts(states))
    o, f = statistics.median(ours), statistics.median(floor)
    print(f"| bundled story: explore | {o:.2f} s | {states:,} states; {states / o:,.0f} states/s |")
    print(f"| bundled story: {states:,} dict inserts | {f:.3f} s | ratio explore / inserts {o / f:.1f}x |")


def random_reached(story: Story, games: int, seed: int) -> dict[str, set[str]]:
    """What seeded uniform random games reach: every scene entered, choice taken, ending."""
    rng = random.Random(seed)
    reached: dict[str, set[str]] = {"scenes": set(), "choices": set(), "endings": set()}

    def draw(weights):  # type: ignore[no-untyped-def]
        return rng.choices(range(len(weights)), weights)[0]

    for _ in range(games):
        state = GameState(*begin(story, None, draw))
        reached["scenes"].update(state.visits)
        for _ in range(5000):
            if state.ending is not None:
                reached["endings"].add(state.ending)
                break
            open_ = choices_open(story, state.scene, state.values, state.visits, state.taken)
            if not open_:
                break
            choice = rng.choice(open_)
            reached["choices"].add(choice.key)
            try:
                state = GameState(
                    *step(story, choice, state.values, state.visits, state.taken, (), (), None, None, state.stack, draw)
                )
            except GameError:
                break
            reached["scenes"].update(state.visits)
    return reached


def rich(size: int, ints: int, flags: int, sets: int, check_games: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        write_story(root, size, seed=1, ints=ints, flags=flags, sets=sets)
        story = load_story(str(root))
        started = time.perf_counter()
        report = explore(story, budget=budget(60, 2 * 2**30))
        took = time.perf_counter() - started
        peak = rss_mib()
        counts = {k: report.verdicts.counts(k) for k in ("scenes", "choices", "endings")}
        unknown = sum(c["unknown"] for c in counts.values())
        methods = ", ".join(f"{n:,} {m}" for m, n in sorted(report.verdicts.methods().items(), key=lambda kv: -kv[1]))
        false = "not checked"
        if check_games:
            reached = random_reached(story, check_games, seed=7)
            wrong = sum(
                1
                for kind, items in reached.items()
                for item in items
                if report.verdicts.items[kind].get(item) is not None
                and report.verdicts.items[kind][item].status == "unreachable"
            )
            false = f"{wrong} false verdicts against {check_games:,} random games"
        how = "complete" if report.complete else f"stopped by {report.stopped_by}"
        print(
            f"| rich {size:,} scenes, {ints} ints + {flags} flags + {sets} sets | {took:.1f} s, peak RSS {peak:,.0f} MiB"
            f" | {report.states:,} states ({how}); verdicts: {methods}; {unknown:,} unknown; {false} |"
        )


def rich_in_own_process(
    size: int, ints: int, flags: int, sets: int, games: int, source: str = "", label: str = ""
) -> None:
    """Run `rich` in a fresh process, so its peak memory is its own (with `source`'s explorer when given)."""
    args = [sys.executable, __file__, "--one", str(size), str(ints), str(flags), str(sets), str(games)]
    env = {**os.environ, "EXPLORE_RICH_SRC": source} if source else None
    out = subprocess.run(args, capture_output=True, text=True, check=True, env=env).stdout
    print(out.replace("| rich", f"| {label}: rich") if label else out, end="", flush=True)


def bundled_once() -> None:
    """One explore of the bundled story in this process: prints seconds and states."""
    story = load_story(str(BUNDLED))
    started = time.perf_counter()
    states = explore(story).states
    print(time.perf_counter() - started, states)


def before_and_after(old_source: str) -> None:
    """The bundled story, then the rich story, with OLD_SRC's explorer and with this one."""
    bundled_before_and_after(old_source)
    rich_in_own_process(1000, 10, 10, 2, 10_000, old_source, "before")
    rich_in_own_process(1000, 10, 10, 2, 10_000, label="after")


def bundled_before_and_after(old_source: str) -> None:
    """The bundled story with OLD_SRC's explorer and this one, in alternating processes, five rounds: medians.

    Each explorer is set against as many dict inserts as it reached states: a
    change to the merge keys changes the state count, and so its floor.
    """
    times: dict[str, list[float]] = {"before": [], "after": []}
    floors: dict[str, list[float]] = {"before": [], "after": []}
    states: dict[str, int] = {}
    for _ in range(5):
        for label, source in (("before", old_source), ("after", str(HERE.parent / "src"))):
            env = {**os.environ, "EXPLORE_RICH_SRC": source}
            out = subprocess.run(
                [sys.executable, __file__, "--bundled-once"], capture_output=True, text=True, check=True, env=env
            ).stdout.split()
            times[label].append(float(out[0]))
            states[label] = int(out[1])
            floors[label].append(dict_inserts(states[label]))
    for label in ("before", "after"):
        took, floor = statistics.median(times[label]), statistics.median(floors[label])
        print(
            f"| bundled story: explore, {label} | {took:.2f} s | {states[label]:,} states;"
            f" {states[label]:,} dict inserts {floor:.3f} s; {took / floor:.1f}x the dict inserts |"
        )
    ratio = statistics.median(times["after"]) / statistics.median(times["before"])
    print(f"| bundled story: after / before | {ratio:.2f} | medians of five interleaved rounds |")


def main() -> None:
    if sys.argv[1:2] == ["--one"]:
        size, ints, flags, sets, games = map(int, sys.argv[2:7])
        rich(size, ints, flags, sets, games)
        return
    if sys.argv[1:2] == ["--bundled-once"]:
        bundled_once()
        return
    quick = "--quick" in sys.argv
    print(f"explore benchmarks, {time.strftime('%Y-%m-%d')}, Python {sys.version.split()[0]}")
    print("| measure | value | note |\n| --- | ---: | --- |")
    if sys.argv[1:2] == ["--before"]:
        before_and_after(sys.argv[2])
        return
    if not quick:
        bundled()
    rich_in_own_process(200 if quick else 1000, 10, 10, 2, 10_000)
    if not quick:
        for size, ints, flags, sets in ((200, 2, 2, 0), (200, 4, 4, 1), (500, 10, 10, 2), (2000, 10, 10, 2)):
            rich_in_own_process(size, ints, flags, sets, 0)


if __name__ == "__main__":
    main()
