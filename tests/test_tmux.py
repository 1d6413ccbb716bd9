"""End to end in a real terminal (tmux): play, save, quit, start again, load, and read the screen.

Skipped when tmux is not installed (.ci/run installs it).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import LIGHTHOUSE, REPO

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")


class Terminal:
    """One tmux server of our own (its own socket), holding one window."""

    def __init__(self, cwd: Path, env: dict[str, str]) -> None:
        self.socket = f"ifengine-test-{uuid.uuid4().hex[:8]}"
        self.cwd = cwd
        self.env = env

    def tmux(self, *args: str) -> str:
        result = subprocess.run(
            ["tmux", "-L", self.socket, "-f", "/dev/null", *args], capture_output=True, text=True, timeout=20
        )
        return result.stdout

    def start(self, command: str, width: int = 100, height: int = 40) -> None:
        # The size is said outright too: a program can start before tmux has sized a detached window.
        sized = {**self.env, "COLUMNS": str(width), "LINES": str(height)}
        exports = " ".join(f"{k}={v}" for k, v in sized.items())
        self.tmux("kill-session", "-t", "play")
        self.tmux(
            "new-session",
            "-d",
            "-s",
            "play",
            "-x",
            str(width),
            "-y",
            str(height),
            "-c",
            str(self.cwd),
            f"env {exports} {command}",
        )
        self.tmux("set-option", "-t", "play", "remain-on-exit", "on")

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-J", "-t", "play", "-S", "-200")

    def wait_for(self, text: str, timeout: float = 20) -> str:
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if text in screen:
                return screen
            time.sleep(0.1)
        raise AssertionError(f"{text!r} never appeared; the screen was:\n{screen}")

    def type(self, line: str) -> None:
        self.tmux("send-keys", "-t", "play", "-l", line)
        self.tmux("send-keys", "-t", "play", "Enter")

    def exited(self, timeout: float = 20) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.tmux("display-message", "-p", "-t", "play", "#{pane_dead}").strip() == "1":
                return True
            time.sleep(0.1)
        return False

    def close(self) -> None:
        self.tmux("kill-server")


@pytest.fixture
def terminal(tmp_path: Path) -> Iterator[Terminal]:
    env = {"PYTHONPATH": str(REPO / "src"), "IFENGINE_SAVES": str(tmp_path / "saves"), "TERM": "xterm-256color"}
    term = Terminal(tmp_path, env)
    yield term
    term.close()


def test_save_quit_start_again_and_load_in_a_real_terminal(terminal: Terminal) -> None:
    command = f"{sys.executable} -m ifengine play {LIGHTHOUSE}"
    terminal.start(command)
    terminal.wait_for("Search the boat")
    terminal.type("1")
    terminal.wait_for("you find an oil lamp")
    terminal.type("wade")
    terminal.wait_for("You are not afraid of the dark.")
    terminal.type("save mine")
    terminal.wait_for("Saved to 'mine'")
    terminal.type("quit")
    assert terminal.exited()

    terminal.start(command)
    screen = terminal.wait_for("Continue it? [Y/n]")
    assert "You have a game in progress: Episode 1, On the shore, 2 choices, saved just now." in " ".join(
        screen.split()
    )
    terminal.type("n")  # a new game: the one in progress is kept
    terminal.wait_for("Starting a new game. The other one is kept")
    terminal.wait_for("Search the boat")
    terminal.type("load mine")
    terminal.wait_for("Loaded 'mine': On the shore, after 2 choices.")
    screen = terminal.wait_for("Things you carry 2/3")  # the last line drawn: the whole turn is on screen
    after = screen[screen.index("Loaded 'mine'") :]
    assert "You are not afraid of the dark." in after
    assert "1. Climb the path to the lighthouse" in after
    assert "Courage 3/5  ·  Things you carry 2/3" in after
    terminal.type("1")
    terminal.wait_for("The keeper's cottage sits at the foot of the tower.")


def test_ctrl_c_asks_before_leaving_in_a_real_terminal(terminal: Terminal) -> None:
    terminal.start(f"{sys.executable} -m ifengine play {LIGHTHOUSE}")
    terminal.wait_for("Search the boat")
    terminal.type("1")
    terminal.wait_for("Things you carry 1/3")  # the turn is drawn and the prompt is back
    terminal.tmux("send-keys", "-t", "play", "C-c")
    screen = terminal.wait_for("[y/N]")
    assert "Leave the game? Your place is saved." in screen
    terminal.type("n")
    terminal.type("status")
    terminal.wait_for("Things you carry  An oil lamp")
    terminal.tmux("send-keys", "-t", "play", "C-d")
    terminal.wait_for("Leave the game?")
    terminal.type("y")
    assert terminal.exited()
    assert os.path.isfile(Path(terminal.env["IFENGINE_SAVES"]) / "lighthouse" / "autosave.json")


def test_a_returning_player_is_offered_the_game_in_progress(terminal: Terminal) -> None:
    command = f"{sys.executable} -m ifengine play {LIGHTHOUSE}"
    terminal.start(command)
    terminal.wait_for("Search the boat")
    terminal.type("1")
    terminal.wait_for("you find an oil lamp")
    terminal.type("quit")
    assert terminal.exited()
    terminal.start(command)
    terminal.wait_for("Continue it? [Y/n]")
    terminal.type("")
    screen = terminal.wait_for("Continuing: On the shore, after 1 choice.")
    assert (
        "Wade out to the rocks" in terminal.wait_for("Wade out to the rocks")
        and "Search the boat" not in screen.split("Continuing")[-1]
    )


# --- the same story at 40, 120 and 200 columns ------------------------------------------------

MEMORY = """\
id: widths
title: Widths
start: hall
endings:
  out: {title: Out, theme: t}
"""

LONG = " ".join(["The corridor goes on past doors that are all shut, and you count them as you go."] * 3)
SCENES = f"""\
episode: {{number: 1, title: The House}}
scenes:
  hall:
    text: A hall with a clock.
    choices:
      - {{text: Remember the summer, goto: summer}}
  summer:
    flashback: true
    when: Cuernavaca, 1962
    text: |
      {LONG}

      {LONG}

      {LONG}

      {LONG}

      {LONG}

      {LONG}
    goto: present
  present:
    text: The clock strikes, and you are back in the hall.
    choices:
      - {{text: Leave, goto: gone}}
  gone:
    ending: out
"""


@pytest.fixture
def widths_story(tmp_path: Path) -> Path:
    root = tmp_path / "widths"
    root.mkdir()
    (root / "story.yaml").write_text(MEMORY, encoding="utf-8")
    (root / "scenes.yaml").write_text(SCENES, encoding="utf-8")
    return root


@pytest.mark.parametrize("width", [40, 120, 200])
def test_paging_flashback_end_centring_and_saves_at_each_width(
    terminal: Terminal, widths_story: Path, width: int
) -> None:
    command = f"{sys.executable} -m ifengine play {widths_story}"
    terminal.start(command, width=width, height=24)
    terminal.wait_for("Remember the summer")
    screen = terminal.screen()
    column = next(line.index("A hall") for line in screen.splitlines() if "A hall" in line)
    assert (column == (width - 72) // 2) if width >= 144 else column <= 2, screen  # centred only when very wide
    terminal.type("1")
    screen = terminal.wait_for("more: press Enter")  # the memory is taller than the screen: it stops
    assert "The clock strikes" not in screen
    for _ in range(10):  # Enter at each stop until the turn is all on screen
        terminal.type("")
        time.sleep(0.3)
        if "The clock strikes" in terminal.screen():
            break
    screen = terminal.wait_for("The clock strikes")
    assert "now" in screen.split("The clock strikes")[0].splitlines()[-3]  # the return to the present, marked
    terminal.type("save mine")
    terminal.wait_for("Saved to 'mine'")
    terminal.type("saves")
    screen = terminal.wait_for("autosave")
    rows = [line for line in screen.splitlines() if "autosave" in line or "mine" in line.split()[:1]]
    if width >= 120:  # one line a save: no slot, date or time broken across lines
        assert any((line.split()[0] == "autosave" and "2026" in line) or ":" in line for line in rows)
    terminal.type("quit")
    assert terminal.exited()
    terminal.start(command, width=width, height=24)
    screen = terminal.wait_for("[Y/n]")
    assert "Continue it?" in screen
    terminal.type("")
    terminal.wait_for("Continuing: Present, after 1 choice.")
