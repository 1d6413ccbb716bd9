"""When does `ifengine play` in a terminal answer what the player typed ahead?

    python benchmarks/promptlive.py [--rounds N] [--before SRC_DIR]

Starts the bundled story in a pseudo-terminal, types `help` + Enter at once
(before anything is drawn), and times until the help's words are on screen:
that is when the prompt is live, later than when the first scene is drawn.
Each tree is timed twice a round: a first start (an empty saves folder) and
a returning player's (the saves folder of an earlier start, where the story
is recorded as checked clean, so its scenes are compiled on first use).
Each round runs the floor (`python -c "import yaml, rich.console,
prompt_toolkit"`), this tree and, with `--before`, another tree's `src`
folder (e.g. `git archive OLD src | tar -x -C /tmp/old`), interleaved;
it prints the medians and the ratios of medians to the floor.
"""

from __future__ import annotations

import argparse
import os
import select
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BUNDLED = REPO / "story" / "no-one-saw-us-leave"
FLOOR = [sys.executable, "-c", "import yaml, rich.console, prompt_toolkit"]
# What the installed `ifengine` command runs (pip's console script), without the
# `python -m` machinery (runpy) a player never goes through.
COMMAND = """
import re, sys
try:
    from ifengine.command import run
except ImportError:  # a tree from before the entry point moved (commit deb6b90 and earlier)
    from ifengine.cli import run
run()
"""
TYPED = b"help\r"
MARKER = b"take back the last"  # in the help's list of commands
TIMEOUT = 20.0
CURSOR_QUERY = b"\x1b[6n"


def _writing_bytecode() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


Timing = tuple[float, float]  # (wall seconds, CPU seconds of the process: user + system)


def _cpu_of(proc: subprocess.Popen[bytes]) -> float:
    """Wait for the process and return the CPU time it used (on a loaded machine, steadier than wall time)."""
    _, _, usage = os.wait4(proc.pid, 0)
    proc.returncode = 0
    return usage.ru_utime + usage.ru_stime


def _floor_seconds() -> Timing:
    started = time.perf_counter()
    proc = subprocess.Popen(FLOOR, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    cpu = _cpu_of(proc)
    return time.perf_counter() - started, cpu


def prompt_live_seconds(src: Path, saves: str | None = None, story: Path = BUNDLED, linger: float = 0.0) -> Timing:
    """Seconds from start until the typed-ahead `help` has been answered on the pseudo-terminal.

    With a fresh saves folder (`saves` None) this is a first start; given the
    folder of an earlier start, it is a returning player's start. The CPU time
    is the process's until it is killed once the help is seen: waiting at the
    prompt costs none.
    """
    import pty

    master, slave = pty.openpty()
    # A tall terminal: the opening scene must not stop for "more" (that would take the typed-ahead line).
    env = {**os.environ, "PYTHONPATH": str(src), "TERM": "xterm-256color", "COLUMNS": "100", "LINES": "400"}
    env["IFENGINE_SAVES"] = saves or tempfile.mkdtemp()
    env.pop("NO_COLOR", None)
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-c", COMMAND, "play", str(story)],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=env,
        close_fds=True,
    )
    os.close(slave)
    os.write(master, TYPED)
    seen = b""
    took = float("nan")
    try:
        while time.perf_counter() - started < TIMEOUT:
            ready, _, _ = select.select([master], [], [], 0.5)
            if not ready:
                continue
            try:
                chunk = os.read(master, 65536)
            except OSError:
                break
            seen += chunk
            if CURSOR_QUERY in chunk:
                # Answer as a terminal does, or prompt_toolkit waits for the reply before it reads keys.
                os.write(master, b"\x1b[1;1R")
            if MARKER in seen:
                took = time.perf_counter() - started
                time.sleep(linger)  # for what play does once the prompt is live (writing a record)
                break
    finally:
        proc.kill()
        cpu = _cpu_of(proc)
        os.close(master)
    return took, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--before", type=Path, help="the src folder of the code to compare with")
    parser.add_argument(
        "--authors-copy",
        action="store_true",
        help="play a copy of the bundled story in a folder of its own, as an author's story: "
        "no record ships with it, so its first start loads and checks it whole",
    )
    args = parser.parse_args()
    story = BUNDLED
    if args.authors_copy:
        import shutil

        story = Path(tempfile.mkdtemp()) / BUNDLED.name
        shutil.copytree(BUNDLED, story, ignore=shutil.ignore_patterns("checked.json"))
    # As an installed wheel has them (pip compiles on install), and as the floor's libraries
    # have them: compiled modules. Without, every start compiles ifengine anew (~100 ms here,
    # where PYTHONDONTWRITEBYTECODE is set).
    for tree in [REPO / "src", *([args.before] if args.before else [])]:
        subprocess.run([sys.executable, "-m", "compileall", "-q", str(tree)], check=True, env=_writing_bytecode())
    trees = {"after": REPO / "src", **({"before": args.before} if args.before else {})}
    # A returning player's saves folder per tree, made by one untimed start (a first start writes
    # what later ones may use, such as the record that the story was checked clean).
    kept = {name: tempfile.mkdtemp() for name in trees}
    for name, src in trees.items():
        prompt_live_seconds(src, kept[name], story, linger=1.0)  # the record is written once the prompt is live
    runs: dict[str, list[Timing]] = {"floor": []}
    for _ in range(args.rounds):
        runs["floor"].append(_floor_seconds())
        for name, src in trees.items():
            runs.setdefault(f"{name}, first start", []).append(prompt_live_seconds(src, None, story))
            runs.setdefault(f"{name}, returning", []).append(prompt_live_seconds(src, kept[name], story))
    floor_wall = statistics.median(t[0] for t in runs["floor"])
    floor_cpu = statistics.median(t[1] for t in runs["floor"])
    which = "a copy of the bundled story, as an author's" if args.authors_copy else "the bundled story"
    print(f"{args.rounds} interleaved rounds of {which}; load average {os.getloadavg()[0]:.2f}")
    print("medians, and ratios of medians to the floor's")
    print(f"  {'':<22} {'wall':>8} {'ratio':>6}   {'CPU':>8} {'ratio':>6}")
    for name, times in runs.items():
        wall = statistics.median(t[0] for t in times)
        cpu = statistics.median(t[1] for t in times)
        print(
            f"  {name:<22} {wall * 1000:6.0f} ms {wall / floor_wall:5.2f}x   {cpu * 1000:6.0f} ms {cpu / floor_cpu:5.2f}x"
        )


if __name__ == "__main__":
    main()
