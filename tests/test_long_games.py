"""Long games: loading a long history rebuilds undo, and autosaves do not read back their own file."""

from __future__ import annotations

import builtins
import os
import resource
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from conftest import MANIFEST, REPO, StoryFactory
from ifengine import load_story, start
from ifengine.model import Story
from ifengine.play.session import Session
from ifengine.runtime import advance, replay
from ifengine.saves import AUTOSAVE, PREVIOUS, SaveStore

LOOP = """\
scenes:
  a:
    text: "Round {n}."
    choices:
      - text: Round
        do: [n = 1 - n]
        goto: b
      - text: Stop
        goto: won
  b:
    goto: a
  won:
    text: You won.
    ending: win
"""
ROUNDS = 40_000


@pytest.fixture
def loop_folder(make_story: StoryFactory) -> Path:
    return make_story(MANIFEST, scenes=LOOP)


@pytest.fixture
def loop(loop_folder: Path) -> Story:
    return load_story(str(loop_folder))


LOAD_AND_UNDO = """
import sys
from ifengine import load_story, start
from ifengine.play.session import Session
from ifengine.runtime import replay
from ifengine.saves import SaveStore

story = load_story(sys.argv[1])
rounds = int(sys.argv[3])
session = Session(story, SaveStore(sys.argv[2], story), persist=False)
session.cmd_load("long")
assert len(session.turn.state.history) == rounds and len(session.past) == rounds
assert session.past[0] == start(story).state
assert session.past[-1] == replay(story, ["a:round"] * (rounds - 1)).state
session.cmd_undo()
session.cmd_undo()
assert session.turn.state.history == ("a:round",) * (rounds - 2)
assert session.turn.state.value(story, "n") == 0
print("ok")
"""


def _one_gib_at_most() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (2**30, 2**30))


def test_a_40000_choice_save_loads_with_undo_back_to_the_start(loop_folder: Path, tmp_path: Path) -> None:
    story = load_story(str(loop_folder))
    state = start(story).state
    round_choice = story.choice("a:round")
    assert round_choice is not None
    for _ in range(ROUNDS):
        state = advance(story, state, round_choice)
    SaveStore(str(tmp_path / "saves"), story).write("long", state, "g", 0.0, 1.0, 1.0)
    # In a process capped at 1 GiB: rebuilding undo used to take one full state per step (7.7 GB here).
    done = subprocess.run(
        [sys.executable, "-c", LOAD_AND_UNDO, str(loop_folder), str(tmp_path / "saves"), str(ROUNDS)],
        capture_output=True,
        text=True,
        timeout=60,
        preexec_fn=_one_gib_at_most,
        env={**os.environ, "PYTHONPATH": str(REPO / "src")},
        check=False,
    )
    assert done.stdout == "ok\n", done.stderr[-2000:]


def test_undo_after_a_load_reaches_the_start(loop: Story, tmp_path: Path) -> None:
    store = SaveStore(str(tmp_path / "saves"), loop)
    store.write("short", replay(loop, ["a:round"] * 3).state, "g", 0.0, 1.0, 1.0)
    session = Session(loop, store, persist=False)
    session.cmd_load("short")
    for _ in range(3):
        session.cmd_undo()
    assert session.turn.state == start(loop).state and session.past == []


def test_an_autosave_does_not_read_back_the_file_it_wrote(
    loop: Story, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    session = Session(loop, SaveStore(str(tmp_path / "saves"), loop))
    session.pick(1)
    reads: list[str] = []
    real_open = builtins.open

    def spying_open(file: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        if str(file).endswith(f"{AUTOSAVE}.json") and "r" in mode:
            reads.append(str(file))
        return real_open(file, mode, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", spying_open)
    session.pick(1)
    session.pick(1)
    assert reads == []


def test_an_autosave_replaced_by_another_game_is_still_kept_as_previous(loop: Story, tmp_path: Path) -> None:
    mine = Session(loop, SaveStore(str(tmp_path / "saves"), loop), game="mine")
    other = Session(loop, SaveStore(str(tmp_path / "saves"), loop), game="other")
    mine.pick(1)
    other.pick(1)
    mine.pick(1)
    assert mine.store is not None
    assert mine.store.read(PREVIOUS).meta.game == "other"
    assert mine.store.read(AUTOSAVE).meta.game == "mine"


def test_autosaves_through_choices_and_undo_hold_the_history_played(loop: Story, tmp_path: Path) -> None:
    session = Session(loop, SaveStore(str(tmp_path / "saves"), loop))
    for _ in range(3):
        session.pick(1)
    session.cmd_undo()
    session.pick(1)
    assert session.store is not None
    loaded = session.store.load(AUTOSAVE)
    assert loaded.state == session.turn.state and len(loaded.state.history) == 3
