"""A save read while another process replaces it is seen whole, old or new: never "truncated"."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from conftest import LIGHTHOUSE, REPO
from ifengine.loader import load_story
from ifengine.saves import SaveError, SaveStore

# Replaces one slot over and over, alternating a small save and a much larger one,
# so a reader that takes the size of one and the bytes of the other sees a cut-off file.
WRITER = """
import sys
from ifengine.loader import load_story
from ifengine.runtime import start
from ifengine.saves import SaveStore
story = load_story(sys.argv[1])
state = start(story).state
store = SaveStore(sys.argv[2], story)
store.write("slot", state, "g", 0.0, 0.0, 0.0)
print("ready", flush=True)
n = 0
while True:
    n += 1
    store.write("slot", state, "g" if n % 2 else "g" * 200_000, 0.0, float(n), 0.0)
"""


def test_a_save_being_replaced_is_never_read_as_truncated(tmp_path: Path) -> None:
    story = load_story(str(LIGHTHOUSE))
    store = SaveStore(str(tmp_path), story)
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(LIGHTHOUSE), str(tmp_path)], stdout=subprocess.PIPE, env=env
    )
    try:
        assert writer.stdout is not None
        assert writer.stdout.readline().strip() == b"ready"
        problems = []
        for _ in range(3000):
            try:
                store.read("slot")
            except SaveError as exc:
                problems.append(str(exc))
    finally:
        writer.kill()
        writer.wait(timeout=10)
    assert problems == []
