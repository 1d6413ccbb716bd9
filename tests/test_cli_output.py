"""The CLI's output edge: a locale that cannot show a character, and an output that goes away."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO

BUNDLED = REPO / "story" / "no-one-saw-us-leave"


def run(args: list[str], stdin: str = "", env: dict[str, str] | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "ifengine", *args],
        input=stdin.encode(),
        capture_output=True,
        env={**os.environ, **(env or {})},
        timeout=120,
    )


def test_play_degrades_in_a_locale_without_the_story_s_letters() -> None:
    done = run(["play", str(BUNDLED)], stdin="1\n1\n", env={"PYTHONIOENCODING": "ascii"})
    assert b"internal error" not in done.stderr and b"Traceback" not in done.stderr
    assert b"No One Saw Us Leave" in done.stdout


def test_a_closed_stdout_is_one_line_and_a_failure() -> None:
    done = subprocess.run(f"{sys.executable} -m ifengine check {BUNDLED} >&-", shell=True, stderr=subprocess.PIPE)
    assert done.returncode == 1
    assert done.stderr.decode() == "ifengine: standard output is closed; nothing can be shown\n"


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
def test_a_full_disk_is_one_line_and_a_failure() -> None:
    with open("/dev/full", "w") as full:
        done = subprocess.run(
            [sys.executable, "-m", "ifengine", "check", str(BUNDLED)], stdout=full, stderr=subprocess.PIPE
        )
    assert done.returncode == 1
    assert done.stderr.decode() == "ifengine: cannot write the output: No space left on device\n"


def test_check_degrades_in_an_ascii_locale(tmp_path: Path) -> None:
    shutil.copytree(REPO / "story" / "lighthouse", tmp_path / "story")
    shore = tmp_path / "story" / "shore.yaml"
    shore.write_text(shore.read_text().replace("goto: rocks", "goto: café—rocks"))
    done = run(["check", str(tmp_path / "story")], env={"PYTHONIOENCODING": "ascii"})
    assert done.returncode == 1
    assert b"unknown scene 'caf??rocks'" in done.stdout + done.stderr
    assert b"internal error" not in done.stderr
