"""`ifengine play` options: --saves, $IFENGINE_SAVES, --continue, --record, --watch, and a killed process."""

from __future__ import annotations

import io
import json
import os
import select
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import LIGHTHOUSE, MANIFEST, REPO, SCENES, StoryFactory
from ifengine import recording
from ifengine.loader import load_story
from ifengine.play import plain
from ifengine.play.session import Session
from ifengine.play.watch import Watcher

LIGHT = ["1", "1", "1", "2"]


def feed(*typed: str) -> str:
    return "".join(f"{line}\n" for line in typed)


def test_piped_play_with_a_saves_folder_autosaves_every_choice(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    code, _, _ = cli("play", LIGHTHOUSE, "--saves", tmp_path, stdin=feed("1", "1"))
    assert code == 1
    data = json.loads((tmp_path / "lighthouse" / "autosave.json").read_text())
    assert data["state"]["history"] == ["shore:search-the-boat", "shore:wade-out-to-the-rocks"]


def test_the_saves_folder_can_come_from_the_environment(cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("IFENGINE_SAVES", str(tmp_path / "env-saves"))
    cli("play", LIGHTHOUSE, stdin=feed("1"))
    assert (tmp_path / "env-saves" / "lighthouse" / "autosave.json").is_file()


def test_piped_play_without_a_saves_folder_writes_nothing(cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("IFENGINE_SAVES", raising=False)
    code, _, _ = cli("play", LIGHTHOUSE, stdin=feed(*LIGHT))
    assert code == 0 and list(tmp_path.iterdir()) == []


def test_continue_resumes_the_latest_save(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    cli("play", LIGHTHOUSE, "--saves", tmp_path, stdin=feed("1", "1", "1"))
    code, out, _ = cli("play", LIGHTHOUSE, "--saves", tmp_path, "--continue", stdin=feed("2"))
    assert "Continuing: The keeper's cottage, after 3 choices." in out
    assert code == 0 and "THE END: The Light Returns (hope)" in out


def test_continue_without_saves_starts_a_new_game(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = cli("play", LIGHTHOUSE, "--saves", tmp_path, "--continue", stdin=feed("quit"))
    assert code == 0
    assert f"No saved game of The Lighthouse in {tmp_path}/lighthouse; starting a new game." in out


def test_continue_with_a_damaged_latest_save_says_which_file_and_why(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    cli("play", LIGHTHOUSE, "--saves", tmp_path, stdin=feed("1"))
    autosave = tmp_path / "lighthouse" / "autosave.json"
    autosave.write_text(autosave.read_text().replace('"courage": 2', '"courage": "lots"'))
    before = autosave.read_bytes()
    code, out, err = cli("play", LIGHTHOUSE, "--saves", tmp_path, "--continue", stdin=feed("quit"))
    assert code == 1 and out == ""
    assert err == (
        f"ifengine: cannot continue: {autosave}: it is damaged: variable 'courage' should be a whole number, not 'lots'\n"
    )
    assert autosave.read_bytes() == before


def test_record_writes_the_choices_taken_for_replay(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "run.yaml"
    code, _, _ = cli("play", LIGHTHOUSE, "--record", path, stdin=feed("1", "1", "undo", "1", "1", "2"))
    assert code == 0
    assert recording.read(str(path)) == recording.Recording(
        "lighthouse",
        (
            "shore:search-the-boat",
            "shore:wade-out-to-the-rocks",
            "shore:climb-the-path-to-the-lighthouse",
            "cottage:try-the-tower-door",
        ),
        "light",
    )


def test_record_into_a_missing_folder_is_refused_in_one_line(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    code, out, err = cli("play", LIGHTHOUSE, "--record", tmp_path / "nowhere" / "run.yaml", stdin=feed("1"))
    assert code == 1 and out == ""
    assert (
        err == f"ifengine: cannot record to {tmp_path}/nowhere/run.yaml: the folder {tmp_path}/nowhere does not exist\n"
    )


def test_saving_to_a_hostile_slot_in_piped_play_is_one_line(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = cli("play", LIGHTHOUSE, "--saves", tmp_path, stdin=feed("save ../../../tmp/x", "quit"))
    assert code == 0
    assert "! '../../../tmp/x' cannot be a slot name: use 1 to 40 letters" in out
    assert list(tmp_path.rglob("*")) == []


# --- live reload -------------------------------------------------------------------------


def edited_lines(root: Path, edit_after: int, new_scenes: str, typed: list[str]) -> Iterator[str]:
    """Input lines that edit the story's scene file after `edit_after` of them have been read."""
    for index, line in enumerate(typed):
        if index == edit_after:
            path = root / "scenes.yaml"
            path.write_text(new_scenes)
            stamp = time.time() + 5  # a distinct modification time even on coarse file systems
            os.utime(path, (stamp, stamp))
        yield line + "\n"


def test_watch_reloads_before_the_next_input_is_handled(make_story: StoryFactory) -> None:
    root = make_story(scenes=SCENES.replace("text: Start.", "text: Start.\n    title: Start"))
    session = Session(load_story(str(root)))
    out = io.StringIO()
    new = SCENES.replace("text: Start.", "text: A new start.").replace("Leave", "Walk away")
    code = plain.run(session, edited_lines(root, 0, new, ["walk"]), out, watcher=Watcher(str(root)))
    text = out.getvalue()
    assert "The story changed; reloaded, and this game still fits it." in text
    assert "A new start." in text
    assert code == 0 and "THE END: Lose (grief)" in text


def test_watch_keeps_the_old_story_when_the_edit_has_errors(make_story: StoryFactory) -> None:
    root = make_story()
    session = Session(load_story(str(root)))
    out = io.StringIO()
    broken = SCENES.replace("goto: won", "goto: wno")
    plain.run(session, edited_lines(root, 0, broken, ["1"]), out, watcher=Watcher(str(root)))
    text = out.getvalue()
    assert "! The edited story has 1 error; still playing the last good version." in text
    assert "unknown scene 'wno'" in text
    assert "THE END: Win (joy)" in text


def test_watch_restarts_when_the_game_no_longer_fits(make_story: StoryFactory) -> None:
    root = make_story(MANIFEST.replace("start: a", "start: a2"), scenes=SCENES.replace("  a:\n", "  a2:\n"))
    session = Session(load_story(str(root)))
    (root / "story.yaml").write_text(MANIFEST)
    out = io.StringIO()
    plain.run(session, edited_lines(root, 0, SCENES, ["quit"]), out, watcher=Watcher(str(root)))
    assert (
        "! The story changed and this game no longer fits it: scene 'a2' is not in the story any more" in out.getvalue()
    )


# --- a killed process --------------------------------------------------------------------


def test_the_autosave_resumes_after_the_process_is_killed(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO / "src"), "IFENGINE_SAVES": str(tmp_path)}
    command = [sys.executable, "-m", "ifengine", "play", str(LIGHTHOUSE)]
    player = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env)
    assert player.stdin is not None and player.stdout is not None
    player.stdin.write(b"1\n1\n1\n")
    player.stdin.flush()
    seen = b""
    deadline = time.monotonic() + 30
    while b"Read the letter" not in seen:  # the third choice has been taken and its turn drawn
        # Unbuffered reads with a deadline: a plain readline would block forever if the text never came.
        ready, _, _ = select.select([player.stdout], [], [], max(0.0, deadline - time.monotonic()))
        if not ready:
            player.kill()
            raise AssertionError(f"the third choice's turn never appeared; the player wrote:\n{seen.decode()}")
        chunk = os.read(player.stdout.fileno(), 65536)
        assert chunk, "the player stopped before the third choice"
        seen += chunk
    player.send_signal(signal.SIGKILL)
    player.wait(timeout=10)
    resumed = subprocess.run([*command, "--continue"], input="2\n", capture_output=True, text=True, env=env, timeout=30)
    assert "Continuing: The keeper's cottage, after 3 choices." in resumed.stdout
    assert resumed.returncode == 0 and "THE END: The Light Returns" in resumed.stdout


def test_piped_play_at_40_columns_keeps_prose_and_choices_within_them(cli) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = cli("play", LIGHTHOUSE, "--width", "40", stdin=feed("status", "journal", *LIGHT))
    assert code == 0
    wide = [line for line in out.splitlines() if len(line) > 40 and not line.startswith(("> ", "! "))]
    assert wide == []


# --- plain mode in a terminal ------------------------------------------------------------


def scripted(*answers: str | type[BaseException]) -> tuple[list[str], object]:
    """A stand-in for input(): returns or raises each answer in turn; records the prompts shown."""
    prompts: list[str] = []
    queue = list(answers)

    def read(prompt: str) -> str:
        prompts.append(prompt)
        answer = queue.pop(0)
        if isinstance(answer, type):
            raise answer
        return answer

    return prompts, read


def test_plain_terminal_mode_asks_before_ctrl_c_leaves(tmp_path: Path) -> None:
    story = load_story(str(LIGHTHOUSE))
    session = Session(story, None, persist=False)
    prompts, read = scripted("1", KeyboardInterrupt, "n", "status", EOFError, "yes")
    out = io.StringIO()
    assert plain.run_terminal(session, out, read) == 0  # type: ignore[arg-type]
    assert prompts == ["> ", "> ", "Leave the game? Your last 1 choice is not saved. [y/N] ", "> ", "> ", prompts[-1]]
    assert "Status" in out.getvalue()


def test_plain_terminal_mode_plays_on_after_an_ending(tmp_path: Path) -> None:
    session = Session(load_story(str(LIGHTHOUSE)), None, persist=False)
    _, read = scripted(*LIGHT, "restart", "quit")
    out = io.StringIO()
    assert plain.run_terminal(session, out, read) == 0  # type: ignore[arg-type]
    said = out.getvalue()
    assert said.count("Type undo to take back your last choice, restart to play again") == 1  # once, at the end
    assert out.getvalue().rstrip().endswith("Goodbye.")
