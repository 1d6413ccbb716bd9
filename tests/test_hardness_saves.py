"""Saves under faults: real kills at random points mid-save, a full disk, a game that goes on.

The unit tests in test_saves.py stop a save at chosen points with monkeypatching;
these kill a real process at random moments while it saves in a loop, and check
that the slot always holds a whole save, old or new, and nothing else is left.
"""

from __future__ import annotations

import errno
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import LIGHTHOUSE, REPO
from ifengine.loader import load_story
from ifengine.play.session import Session
from ifengine.runtime import start
from ifengine.saves import SaveError, SaveStore

# Saves the same slot over and over, alternating between two games of different length.
WRITER = """
import sys
from ifengine.loader import load_story
from ifengine.runtime import choose, start
from ifengine.saves import SaveStore
story = load_story(sys.argv[1])
short = start(story).state
long = choose(story, short, "shore:search-the-boat").state
store = SaveStore(sys.argv[2], story)
print("ready", flush=True)
n = 0
while True:
    n += 1
    store.write("slot", long if n % 2 else short, "g", 0.0, float(n), float(n))
"""


def test_a_slot_survives_kills_at_random_points_while_saving(tmp_path: Path) -> None:
    story = load_story(str(LIGHTHOUSE))
    store = SaveStore(str(tmp_path), story)
    rng = random.Random(20261124)
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    kills = 0
    for _ in range(12):
        writer = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(LIGHTHOUSE), str(tmp_path)],
            stdout=subprocess.PIPE,
            env=env,
        )
        assert writer.stdout is not None
        assert writer.stdout.readline().strip() == b"ready"
        time.sleep(rng.uniform(0.0, 0.05))
        writer.send_signal(signal.SIGKILL)
        writer.wait(timeout=10)
        kills += 1
        if not (tmp_path / story.id / "slot.json").exists():
            continue  # killed before the first save finished: nothing was promised yet
        loaded = store.load("slot")  # never half a file: either game, whole
        assert loaded.state.history in ((), ("shore:search-the-boat",))
        assert store.slots() == ["slot"]  # a temporary file left by the kill is never listed
    assert kills == 12
    assert store.load("slot").state.scene == "shore"


def test_a_full_disk_gives_one_line_and_keeps_the_previous_save(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    story = load_story(str(LIGHTHOUSE))
    session = Session(story, store=SaveStore(str(tmp_path), story))
    session.handle("save mine")
    before = (tmp_path / story.id / "mine.json").read_bytes()
    session.handle("1")

    real_fsync = os.fsync

    def disk_full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    outputs = session.handle("save mine")
    monkeypatch.setattr(os, "fsync", real_fsync)
    messages = [getattr(o, "text", "") for o in outputs]
    assert any("cannot write the save: No space left on device; the previous file is unchanged" in m for m in messages)
    assert all("\n" not in m for m in messages)
    assert (tmp_path / story.id / "mine.json").read_bytes() == before
    # The game goes on: the next choice is taken as usual.
    assert session.handle("1") and not session.quit
    assert session.turn.state.history[:1] == ("shore:search-the-boat",)


def test_a_full_disk_before_any_byte_is_written_is_a_save_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    story = load_story(str(LIGHTHOUSE))
    store = SaveStore(str(tmp_path), story)

    def disk_full(*args: object, **kwargs: object) -> tuple[int, str]:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("tempfile.mkstemp", disk_full)
    with pytest.raises(SaveError, match="cannot write the save: No space left on device"):
        store.write("slot", start(story).state, "g", 0.0, 0.0, 0.0)
    assert store.slots() == []
