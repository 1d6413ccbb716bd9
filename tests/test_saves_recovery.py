"""Damaged and left-over files: a damaged autosave is moved aside, never rotated over a good one;
`--continue` names what it passes over; temporary files of killed writes are cleaned up."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from conftest import LIGHTHOUSE
from ifengine.loader import load_story
from ifengine.model import Story
from ifengine.play.session import Session
from ifengine.saves import AUTOSAVE, PREVIOUS, SaveStore

NOW = 1_750_000_000.0
BOAT = "shore:search-the-boat"


@pytest.fixture
def story() -> Story:
    return load_story(str(LIGHTHOUSE))


def feed(*typed: str) -> str:
    return "".join(f"{line}\n" for line in typed)


def texts(outputs: list[object]) -> list[str]:
    return [getattr(o, "text", "") for o in outputs]


def test_a_damaged_autosave_is_moved_aside_and_never_rotated_over_the_previous_game(
    tmp_path: Path, story: Story
) -> None:
    store = SaveStore(str(tmp_path), story)
    session = Session(story, store=store, clock=lambda: NOW)
    session.handle("1")  # game A
    game_a = session.game
    session.handle("restart")  # game B: A becomes autosave-previous
    session.handle("1")
    autosave = tmp_path / "lighthouse" / "autosave.json"
    damaged = autosave.read_text()[:100]
    autosave.write_text(damaged)
    notes = texts(session.handle("restart")) + texts(session.handle("1"))
    assert store.read(PREVIOUS).meta.game == game_a
    [aside] = (tmp_path / "lighthouse").glob("autosave.damaged-*.json")
    assert aside.read_text() == damaged  # kept whole, under its own name
    assert any(f"{autosave}: it ends in the middle" in n and f"moved aside to {aside}" in n for n in notes), notes
    assert store.read(AUTOSAVE).meta.game == session.game


def test_moving_aside_never_overwrites_an_earlier_damaged_file(tmp_path: Path, story: Story) -> None:
    store = SaveStore(str(tmp_path), story)
    folder = tmp_path / "lighthouse"
    for damage in ("first", "second"):
        session = Session(story, store=store, clock=lambda: NOW)
        session.handle("1")
        (folder / "autosave.json").write_text(damage)
        Session(story, store=store, clock=lambda: NOW).handle("1")
    kept = sorted(p.read_text() for p in folder.glob("autosave.damaged-*.json"))
    assert kept == ["first", "second"]


def test_a_damaged_previous_autosave_is_moved_aside_too(tmp_path: Path, story: Story) -> None:
    store = SaveStore(str(tmp_path), story)
    Session(story, store=store, clock=lambda: NOW).handle("1")
    previous = tmp_path / "lighthouse" / "autosave-previous.json"
    previous.write_text("{")
    Session(story, store=store, clock=lambda: NOW).handle("1")
    assert [p.read_text() for p in (tmp_path / "lighthouse").glob("autosave-previous.damaged-*.json")] == ["{"]


def test_continue_names_a_damaged_newest_autosave_then_the_save_it_resumes(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    cli("play", LIGHTHOUSE, "--saves", tmp_path, stdin=feed("1", "save older"))
    autosave = tmp_path / "lighthouse" / "autosave.json"
    os.utime(tmp_path / "lighthouse" / "older.json", (time.time() - 60, time.time() - 60))
    autosave.write_text(autosave.read_text()[:-40])
    code, out, err = cli("play", LIGHTHOUSE, "--saves", tmp_path, "--continue", stdin=feed("quit"))
    assert code == 0, err
    lines = out.splitlines()
    damaged = lines.index(f"! {autosave}: it ends in the middle of the data; the file is truncated; skipped")
    older = tmp_path / "lighthouse" / "older.json"
    assert lines[damaged + 1] == f"Continuing from the older save 'older' ({older}) instead."


def test_continue_with_only_damaged_saves_names_them_before_a_new_game(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    cli("play", LIGHTHOUSE, "--saves", tmp_path, stdin=feed("1"))
    autosave = tmp_path / "lighthouse" / "autosave.json"
    autosave.write_text("{")
    code, out, _ = cli("play", LIGHTHOUSE, "--saves", tmp_path, "--continue", stdin=feed("quit"))
    assert code == 0
    assert f"{autosave}: it ends in the middle of the data; the file is truncated; it cannot be continued" in out
    assert autosave.read_text() == "{"


def test_stale_temporary_files_of_killed_writes_are_removed_on_the_next_write(tmp_path: Path, story: Story) -> None:
    store = SaveStore(str(tmp_path), story)
    Session(story, store=store, clock=lambda: NOW).handle("save mine")
    folder = tmp_path / "lighthouse"
    stale, fresh, foreign = folder / ".tmp-abcd1234.tmp", folder / ".tmp-wxyz_789.tmp", folder / ".tmp-notes.txt"
    for path in (stale, fresh, foreign):
        path.write_text("{")
    long_ago = time.time() - 3600
    os.utime(stale, (long_ago, long_ago))
    os.utime(foreign, (long_ago, long_ago))
    Session(story, store=store, clock=lambda: NOW).handle("save mine")
    assert not stale.exists()
    assert fresh.exists() and foreign.exists()  # a write in progress elsewhere, and a file that is not ours
