"""Hostile save folders and save files: story ids, non-regular files, numbers, times and text no save holds."""

from __future__ import annotations

import dataclasses
import io
import json
import os
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import LIGHTHOUSE
from ifengine.loader import load_story
from ifengine.model import Story
from ifengine.play.launch import PlayError, PlayOptions, play
from ifengine.play.session import Session
from ifengine.runtime import choose, start
from ifengine.saves import SaveError, SaveStore, check_slot

NOW = 1_750_000_000.0
BOAT = "shore:search-the-boat"


@pytest.fixture
def story() -> Story:
    return load_story(str(LIGHTHOUSE))


def saved(store: SaveStore, story: Story, slot: str = "bad") -> Path:
    state = choose(story, start(story).state, BOAT).state
    return Path(store.write(slot, state, "g1", NOW - 100, NOW, 95.0))


def finishes(call: Callable[[], object]) -> object:
    """Run `call` in a thread and return what it returned or raised; fail if it blocks (a FIFO opened for reading)."""
    result: list[object] = []
    thread = threading.Thread(target=lambda: result.append(_outcome(call)), daemon=True)
    thread.start()
    thread.join(20)
    assert not thread.is_alive(), "it blocked"
    return result[0]


def _outcome(call: Callable[[], object]) -> object:
    try:
        return call()
    except Exception as exc:  # the test inspects whatever came out
        return exc


# --- the story id names the saves folder ---------------------------------------------


@pytest.mark.parametrize("story_id", ["/abs/path", "../../x", "", "a/b", "..", "x\x1b[2J", "con", "a" * 65])
def test_a_story_id_that_is_not_a_plain_name_is_refused_before_anything_is_written(
    tmp_path: Path, story: Story, story_id: str
) -> None:
    hostile = dataclasses.replace(story, id=story_id)
    with pytest.raises(SaveError) as info:
        SaveStore(str(tmp_path / "saves"), hostile)
    message = str(info.value)
    assert "cannot name a saves folder" in message and "\n" not in message and "\x1b" not in message
    assert list(tmp_path.iterdir()) == []


def test_play_with_a_hostile_story_id_is_one_line_and_writes_nothing(tmp_path: Path, story: Story) -> None:
    hostile = dataclasses.replace(story, id="../../escaped")
    options = PlayOptions(saves=str(tmp_path / "a" / "b" / "saves"))
    with pytest.raises(PlayError, match=r"the story id '\.\./\.\./escaped' cannot name a saves folder"):
        play(hostile, options, stdin=io.StringIO("1\n"), stdout=io.StringIO(), environ={})
    assert list(tmp_path.iterdir()) == []


# --- files that are not regular files --------------------------------------------------


@pytest.mark.parametrize(
    ("make", "problem"),
    [
        (lambda p, outside: os.mkfifo(p), "it is a pipe, not a save file"),
        (lambda p, outside: p.mkdir(), "it is a folder, not a save file"),
        (lambda p, outside: p.symlink_to(outside), "it is a symbolic link"),
        (lambda p, outside: p.symlink_to("/dev/zero"), "it is a symbolic link"),
    ],
)
def test_a_slot_that_is_not_a_regular_file_is_refused_without_blocking(
    tmp_path: Path, story: Story, make, problem: str
) -> None:  # type: ignore[no-untyped-def]
    store = SaveStore(str(tmp_path / "saves"), story)
    outside = saved(SaveStore(str(tmp_path / "elsewhere"), story), story, "secret")
    saved(store, story, "good")
    slot = tmp_path / "saves" / "lighthouse" / "bad.json"
    make(slot, outside)
    error = finishes(lambda: store.load("bad"))
    assert isinstance(error, SaveError) and problem in str(error), error
    listing = finishes(store.listing)
    assert [item.slot for item in listing] == ["good", "bad"]  # type: ignore[attr-defined]
    latest = finishes(store.latest)
    assert latest.save.slot == "good"  # type: ignore[attr-defined]


def test_a_fifo_as_the_autosave_does_not_hang_the_next_choice(tmp_path: Path, story: Story) -> None:
    store = SaveStore(str(tmp_path), story)
    os.makedirs(tmp_path / "lighthouse")
    os.mkfifo(tmp_path / "lighthouse" / "autosave.json")
    session = Session(story, store=store, clock=lambda: NOW)
    outputs = finishes(lambda: session.handle("1"))
    assert any("it is a pipe" in getattr(o, "text", "") for o in outputs)  # type: ignore[attr-defined]
    assert store.load("autosave").state.history == (BOAT,)


def test_a_story_folder_that_is_a_symlink_is_never_followed(tmp_path: Path, story: Story) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (tmp_path / "saves").mkdir()
    (tmp_path / "saves" / "lighthouse").symlink_to(elsewhere)
    store = SaveStore(str(tmp_path / "saves"), story)
    with pytest.raises(SaveError, match="it is a symbolic link; saves never follow one"):
        saved(store, story, "mine")
    with pytest.raises(SaveError, match="is a symbolic link"):
        store.record_ending("light", NOW)
    [item] = store.listing()
    assert item.path == store.folder and item.problem.startswith("it is a symbolic link")  # type: ignore[union-attr]
    assert list(elsewhere.iterdir()) == []


def test_the_saves_command_reports_a_symlinked_story_folder_in_one_line(tmp_path: Path, story: Story) -> None:
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "lighthouse").symlink_to(tmp_path / "elsewhere")
    session = Session(story, store=SaveStore(str(tmp_path), story), persist=False)
    [table] = session.handle("saves")
    assert table.notes == (
        f"{tmp_path}/lighthouse: it is a symbolic link; saves never follow one out of the saves folder: remove it",
    )  # type: ignore[attr-defined]


# --- values no save holds ----------------------------------------------------------------

HUGE = "9" * 5000


@pytest.mark.parametrize(
    ("mutate", "problem"),
    [
        (lambda t: t.replace('"play_seconds": 95.0', f'"play_seconds": {HUGE}'), "a number of 5,000 digits"),
        (lambda t: t.replace('"courage": 2', f'"courage": -{HUGE}'), "a number of 5,000 digits"),
        (lambda t: t.replace('"version": 1', f'"version": {HUGE}'), "a number of 5,000 digits"),
        (lambda t: t.replace('"play_seconds": 95.0', '"play_seconds": 1e400'), "too large for a save to hold"),
        (lambda t: t.replace('"play_seconds": 95.0', '"play_seconds": Infinity'), "Infinity is not a number"),
        (lambda t: t.replace('"play_seconds": 95.0', '"play_seconds": 1e12'), "play_seconds' should be"),
        (lambda t: _set_time(t, "created", "0001-01-01T00:30:00+01:00"), "times.created is not a date and time"),
        (lambda t: _set_time(t, "saved", "9999-12-31T23:30:00-01:00"), "times.saved is not a date and time"),
        (lambda t: t.replace('"title": "On the shore"', '"title": "\\ud800"'), "not valid Unicode"),
        (lambda t: t.replace('"history": [', '"history": ["\\udfff x", '), "not valid Unicode"),
        (lambda t: t.replace('"format"', '"\\ud83d"'), "not valid Unicode"),
        (lambda t: "\ufeff" + t, "byte order mark"),
        (lambda t: t.replace('"found": [', '"found": [' + "[" * 900 + "]" * 900 + ","), "nested too deeply"),
        (lambda t: t.replace('"game":', '"g\\u001b[2J": 1, "g\\u001b[2J": 1, "game":'), "appears twice"),
    ],
)
def test_a_value_no_save_holds_is_a_one_line_refusal_and_the_file_is_unchanged(
    tmp_path: Path, story: Story, mutate, problem: str
) -> None:  # type: ignore[no-untyped-def]
    store = SaveStore(str(tmp_path), story)
    path = saved(store, story)
    path.write_bytes(mutate(path.read_text()).encode("utf-8", "surrogatepass"))
    before = path.read_bytes()
    with pytest.raises(SaveError) as info:
        store.load("bad")
    message = str(info.value)
    assert message.startswith(f"{path}: ") and problem in message, message
    assert "\n" not in message and "\x1b" not in message and len(message) < 400
    assert path.read_bytes() == before


def _set_time(text: str, field: str, value: str) -> str:
    data = json.loads(text)
    data["times"][field] = value
    return json.dumps(data)


def test_a_huge_number_in_the_autosave_does_not_stop_the_next_game(tmp_path: Path, story: Story) -> None:
    store = SaveStore(str(tmp_path), story)
    path = saved(store, story, "autosave")
    damaged = path.read_text().replace('"play_seconds": 95.0', f'"play_seconds": {HUGE}')
    path.write_text(damaged)
    session = Session(story, store=store, clock=lambda: NOW)
    outputs = session.handle("1")
    notes = [getattr(o, "text", "") for o in outputs]
    assert any("autosave.json: it holds a number of 5,000 digits" in n and "moved aside" in n for n in notes), notes
    [aside] = (tmp_path / "lighthouse").glob("autosave.damaged-*.json")
    assert aside.read_text() == damaged
    assert store.load("autosave").state.history == (BOAT,)


def test_a_gallery_with_a_lone_surrogate_is_refused_and_kept(tmp_path: Path, story: Story) -> None:
    store = SaveStore(str(tmp_path), story)
    store.record_ending("light", NOW)
    gallery = Path(store.gallery_path)
    gallery.write_text(gallery.read_text().replace('"light"', '"\\ud800"'))
    before = gallery.read_bytes()
    with pytest.raises(SaveError, match=r"_endings\.json: it holds text that is not valid Unicode"):
        store.record_ending("dark", NOW)
    assert gallery.read_bytes() == before


def test_an_unprintable_saves_folder_is_escaped_in_messages(tmp_path: Path, story: Story) -> None:
    store = SaveStore(str(tmp_path / "sa\x1b[31mves"), story)
    with pytest.raises(SaveError) as info:
        store.load("nothing")
    assert "\x1b" not in str(info.value) and "sa\\x1b[31mves" in str(info.value)


# --- slot names, endings and edited stories --------------------------------------------


@pytest.mark.parametrize("name", ["con", "NUL", "Aux", "prn", "com1", "COM9", "lpt1", "Lpt9"])
def test_windows_device_names_are_refused_as_slots(name: str) -> None:
    with pytest.raises(SaveError, match="Windows keeps it for a device"):
        check_slot(name)


@pytest.mark.parametrize("name", ["Autosave", "AUTOSAVE", "Autosave-Previous"])
def test_a_slot_differing_from_the_games_own_only_by_case_is_refused(name: str) -> None:
    with pytest.raises(SaveError, match="only by case"):
        check_slot(name)


def test_a_save_whose_ending_names_a_scene_is_refused_clearly(tmp_path: Path, story: Story) -> None:
    store = SaveStore(str(tmp_path), story)
    path = saved(store, story)
    path.write_text(path.read_text().replace('"ending": null', '"ending": "shore"'))
    with pytest.raises(SaveError, match="ending 'shore' names a scene, not one of the story's endings"):
        store.load("bad")


def test_a_save_with_an_ending_its_scene_does_not_reach_is_refused(tmp_path: Path, story: Story) -> None:
    store = SaveStore(str(tmp_path), story)
    path = saved(store, story)
    path.write_text(path.read_text().replace('"ending": null', '"ending": "light"'))
    with pytest.raises(SaveError, match="ending 'light' is not where scene 'shore' leads"):
        store.load("bad")


def test_many_unknown_variables_make_one_summarised_note(tmp_path: Path, story: Story) -> None:
    store = SaveStore(str(tmp_path), story)
    path = saved(store, story)
    data = json.loads(path.read_text())
    data["state"]["values"].update({f"v{n}": 0 for n in range(200_000)})
    path.write_text(json.dumps(data))
    loaded = store.load("bad")
    assert loaded.notes == ("200,000 variables no longer in the story were dropped: v0, v1, v2 and 199,997 more",)


def test_text_that_cannot_be_written_as_utf8_is_a_save_error_and_the_old_save_stays(
    tmp_path: Path, story: Story
) -> None:
    store = SaveStore(str(tmp_path), story)
    path = saved(store, story, "mine")
    before = path.read_bytes()
    with pytest.raises(SaveError, match="cannot write the save: it would hold text that is not valid Unicode"):
        store.write("mine", start(story).state, "game\ud800", NOW, NOW, 1.0)
    assert path.read_bytes() == before
    assert [p.name for p in path.parent.iterdir()] == ["mine.json"]


def test_an_unknown_variable_with_escape_codes_in_its_name_is_shown_escaped(tmp_path: Path, story: Story) -> None:
    store = SaveStore(str(tmp_path), story)
    path = saved(store, story)
    data = json.loads(path.read_text())
    data["state"]["values"]["evil\x1b[2J"] = 0
    path.write_text(json.dumps(data))
    assert store.load("bad").notes == ("variable 'evil\\x1b[2J' is no longer in the story and was dropped",)
