"""The bundled story's explore, OLD_SRC's explorer against this one: wall and CPU time, interleaved. Not a test.

    python benchmarks/explore_speed.py OLD_SRC [ROUNDS]

`explore_rich.py --before` times the same thing by the wall clock only; on a
machine shared with other jobs the wall clock moves with their load, and the
CPU time of the exploring process much less. Each round runs before, then
after, each in a fresh process; the table gives medians and ratios of medians,
and each explorer against as many dict inserts as it reached states.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SOURCE = os.environ.get("EXPLORE_SPEED_SRC", str(HERE.parent / "src"))
sys.path.insert(0, SOURCE)

BUNDLED = HERE.parent / "story" / "no-one-saw-us-leave"


def once() -> None:
    """One explore in this process: prints wall seconds, CPU seconds and states."""
    from ifengine.explorer import explore
    from ifengine.loader import load_story

    story = load_story(str(BUNDLED))
    wall, cpu = time.perf_counter(), time.process_time()
    states = explore(story).states
    print(time.perf_counter() - wall, time.process_time() - cpu, states)


def dict_inserts(n: int) -> float:
    """CPU seconds for n inserts of a small tuple key: the floor the issue measures against."""
    started = time.process_time()
    table: dict[tuple[int, int, int], int] = {}
    for i in range(n):
        table[(i, i & 7, i >> 3)] = i
    return time.process_time() - started


def compare(old_source: str, rounds: int) -> None:
    runs: dict[str, list[tuple[float, float, int]]] = {"before": [], "after": []}
    floors: dict[str, list[float]] = {"before": [], "after": []}
    for _ in range(rounds):
        for label, source in (("before", old_source), ("after", str(HERE.parent / "src"))):
            env = {**os.environ, "EXPLORE_SPEED_SRC": source}
            out = subprocess.run(
                [sys.executable, __file__, "--once"], capture_output=True, text=True, check=True, env=env
            ).stdout.split()
            runs[label].append((float(out[0]), float(out[1]), int(out[2])))
            floors[label].append(dict_inserts(int(out[2])))
    load = os.getloadavg()[0]
    print(f"bundled story explore, {time.strftime('%Y-%m-%d %H:%M')}, {rounds} rounds, load {load:.1f} at the end")
    print(
        "| explorer | states | wall | CPU | dict inserts (CPU) | CPU / inserts |\n| --- | ---: | ---: | ---: | ---: | ---: |"
    )
    medians = {}
    for label, found in runs.items():
        wall = statistics.median(w for w, _, _ in found)
        cpu = statistics.median(c for _, c, _ in found)
        floor = statistics.median(floors[label])
        medians[label] = (wall, cpu)
        print(f"| {label} | {found[0][2]:,} | {wall:.2f} s | {cpu:.2f} s | {floor:.3f} s | {cpu / floor:.1f}x |")
    (wall_b, cpu_b), (wall_a, cpu_a) = medians["before"], medians["after"]
    print(f"| after / before | | {wall_a / wall_b:.2f} | {cpu_a / cpu_b:.2f} | | |")


def main() -> None:
    if sys.argv[1:2] == ["--once"]:
        once()
        return
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    compare(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 7)


if __name__ == "__main__":
    main()
