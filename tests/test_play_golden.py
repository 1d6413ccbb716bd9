"""Golden transcripts: whole scripted playthroughs of story/lighthouse, compared line by line.

When a change to the player's screens is intended, regenerate them and review
the diff like any other change:

    IFENGINE_UPDATE_GOLDEN=1 pytest tests/test_play_golden.py
"""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput
from rich.console import Console

from conftest import LIGHTHOUSE
from ifengine.loader import load_story
from ifengine.play import fancy, plain
from ifengine.play.session import Session
from ifengine.saves import SaveStore

GOLDEN = Path(__file__).parent / "golden"
UPDATE = bool(os.environ.get("IFENGINE_UPDATE_GOLDEN"))
NOW = 1_750_000_000.0

SCRIPTS = {
    # search the boat, wade out, climb, try the door: the light
    "light": ["help", "1", "journal", "1", "status", "1", "2"],
    # read the keeper's letter, with a save, a wrong turn, undo and load on the way
    "letter": [
        "1",
        "1",
        "save before-the-cottage",
        "1",
        "3",
        "undo",
        "undo",
        "load before-the-cottage",
        "1",
        "read",
        "1",
    ],
    # no key and no courage: the fallback choice appears once nothing else is open
    "dark": ["1", "2", "1", "2"],
}


def session(tmp_path: Path) -> Session:
    story = load_story(str(LIGHTHOUSE))
    return Session(story, SaveStore(str(tmp_path / "saves"), story), clock=lambda: NOW)


def compare(name: str, text: str, tmp_path: Path) -> None:
    text = text.replace(str(tmp_path / "saves"), "<saves>")
    text = "\n".join(line.rstrip() for line in text.splitlines()) + "\n"
    path = GOLDEN / name
    if UPDATE:
        path.write_text(text, encoding="utf-8")
    expected = path.read_text(encoding="utf-8") if path.exists() else ""
    assert text == expected, f"{path} differs; if the change is intended, regenerate (see this file's docstring)"


@pytest.mark.parametrize("script", sorted(SCRIPTS))
def test_plain_transcript(script: str, tmp_path: Path) -> None:
    out = io.StringIO()
    code = plain.run(session(tmp_path), [line + "\n" for line in SCRIPTS[script]], out)
    assert code == 0
    compare(f"plain-{script}.txt", out.getvalue(), tmp_path)


@pytest.mark.parametrize("width", [40, 120])
def test_terminal_transcript(width: int, tmp_path: Path) -> None:
    console = Console(file=io.StringIO(), width=width, record=True, force_terminal=True)
    with create_pipe_input() as pipe:
        pipe.send_text("".join(f"{line}\n" for line in [*SCRIPTS["light"], "quit"]))
        pipe.close()
        fancy.run(session(tmp_path), console=console, prompt_input=pipe, prompt_output=DummyOutput())
    compare(f"terminal-light-{width}.txt", console.export_text(), tmp_path)
