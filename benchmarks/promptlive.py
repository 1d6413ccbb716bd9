"""When does `ifengine play` in a terminal answer what the player typed ahead?

    python benchmarks/promptlive.py [--rounds N] [--before SRC_DIR]

Starts the bundled story in a pseudo-terminal, types `help` + Enter at once
(before anything is drawn), and times until the help's words are on screen:
that is when the prompt is live, later than when the first scene is drawn.
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
TYPED = b"help\r"
MARKER = b"take back the last"  # in the help's list of commands
TIMEOUT = 20.0
CURSOR_QUERY = b"\x1b[6n"


def _writing_bytecode() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def _floor_seconds() -> float:
    started = time.perf_counter()
    subprocess.run(FLOOR, capture_output=True, check=False)
    return time.perf_counter() - started


def prompt_live_seconds(src: Path) -> float:
    """Seconds from start until the typed-ahead `help` has been answered on the pseudo-terminal."""
    import pty

    master, slave = pty.openpty()
    # A tall terminal: the opening scene must not stop for "more" (that would take the typed-ahead line).
    env = {**os.environ, "PYTHONPATH": str(src), "TERM": "xterm-256color", "COLUMNS": "100", "LINES": "400"}
    env["IFENGINE_SAVES"] = tempfile.mkdtemp()
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
                break
    finally:
        proc.kill()
        proc.wait()
        os.close(master)
    return took


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--before", type=Path, help="the src folder of the code to compare with")
    args = parser.parse_args()
    # As an installed wheel has them (pip compiles on install), and as the floor's libraries
    # have them: compiled modules. Without, every start compiles ifengine anew (~100 ms here,
    # where PYTHONDONTWRITEBYTECODE is set).
    for tree in [REPO / "src", *([args.before] if args.before else [])]:
        subprocess.run([sys.executable, "-m", "compileall", "-q", str(tree)], check=True, env=_writing_bytecode())
    runs: dict[str, list[float]] = {"floor": [], "after": []}
    if args.before:
        runs["before"] = []
    for _ in range(args.rounds):
        runs["floor"].append(_floor_seconds())
        if args.before:
            runs["before"].append(prompt_live_seconds(args.before))
        runs["after"].append(prompt_live_seconds(REPO / "src"))
    floor = statistics.median(runs["floor"])
    print(f"{args.rounds} interleaved rounds; load average {os.getloadavg()[0]:.2f}")
    for name, times in runs.items():
        median = statistics.median(times)
        print(f"  {name:<6} median {median * 1000:6.0f} ms  {median / floor:.2f}x the floor")


if __name__ == "__main__":
    main()
