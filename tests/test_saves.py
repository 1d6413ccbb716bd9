"""Saves on disk: round trips, hostile slot names, damaged files, edited stories, interrupted writes."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import LIGHTHOUSE, StoryFactory
from ifengine.loader import load_story
from ifengine.model import Story
from ifengine.runtime import choose, start
from ifengine.saveformat import BadSave, SaveFile
from ifengine.saves import AUTOSAVE, PREVIOUS, SaveError, SaveStore, check_slot
from ifengine.state import GameState

NOW = 1_750_000_000.0


@pytest.fixture
def story() -> Story:
    return load_story(str(LIGHTHOUSE))


def played(story: Story, *keys: str) -> GameState:
    state = start(story).state
    for key in keys:
        state = choose(story, state, key).state
    return state


def save(store: SaveStore, slot: str, state: GameState, game: str = "g1", when: float = NOW) -> str:
    return store.write(slot, state, game, NOW - 100, when, 95.0)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


BOAT = "shore:search-the-boat"
WADE = "shore:wade-out-to-the-rocks"


# --- round trips -----------------------------------------------------------------------


def test_a_saved_game_loads_at_the_same_scene_with_the_same_state(tmp_path: Path, story: Story) -> None:
    store = SaveStore(str(tmp_path), story)
    state = played(story, BOAT, WADE)
    save(store, "mine", state)
    loaded = store.load("mine")
    assert loaded.state == state
    assert loaded.notes == ()


def test_a_save_records_story_identity_place_and_times(tmp_path: Path, story: Story) -> None:
    store = SaveStore(str(tmp_path), story)
    path = save(store, "mine", played(story, BOAT))
    data = json.loads(Path(path).read_text())
    assert (data["format"], data["version"]) == ("ifengine-save", 1)
    assert data["story"] == {"id": "lighthouse", "version": 1, "fingerprint": story.fingerprint, "title": story.title}
    assert data["where"] == {"scene": "shore", "title": "On the shore", "episode": 1}
    assert data["state"]["history"] == [BOAT]
    meta = store.read("mine").meta
    assert (meta.created, meta.saved, meta.play_seconds) == (NOW - 100, NOW, 95.0)


def test_saves_live_in_a_folder_per_story_created_on_first_use(tmp_path: Path, story: Story) -> None:
    root = tmp_path / "deep" / "saves"
    store = SaveStore(str(root), story)
    assert not root.exists()
    path = save(store, "mine", played(story))
    assert Path(path) == root / "lighthouse" / "mine.json"


def test_listing_is_newest_first(tmp_path: Path, story: Story) -> None:
    store = SaveStore(str(tmp_path), story)
    save(store, "old", played(story), when=NOW - 50)
    save(store, "new", played(story, BOAT), when=NOW)
    assert [item.slot for item in store.listing()] == ["new", "old"]


def test_latest_is_the_most_recent_save(tmp_path: Path, story: Story) -> None:
    store = SaveStore(str(tmp_path), story)
    save(store, "old", played(story), when=NOW - 50)
    save(store, "new", played(story, BOAT), when=NOW)
    latest = store.latest()
    assert latest is not None and latest.save.slot == "new"


def test_latest_is_none_without_saves(tmp_path: Path, story: Story) -> None:
    assert SaveStore(str(tmp_path), story).latest() is None


def test_autosave_of_another_game_is_kept_as_previous(tmp_path: Path, story: Story) -> None:
    store = SaveStore(str(tmp_path), story)
    store.autosave(played(story, BOAT), "first", NOW, NOW, 1.0)
    store.autosave(played(story), "second", NOW, NOW + 1, 1.0)
    assert store.read(PREVIOUS).meta.game == "first"
    assert store.read(AUTOSAVE).meta.game == "second"


def test_autosave_of_the_same_game_is_replaced_in_place(tmp_path: Path, story: Story) -> None:
    store = SaveStore(str(tmp_path), story)
    store.autosave(played(story), "g", NOW, NOW, 1.0)
    store.autosave(played(story, BOAT), "g", NOW, NOW + 1, 2.0)
    assert store.slots() == [AUTOSAVE]
    assert store.load(AUTOSAVE).state.history == (BOAT,)


# --- slot names --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "",
        ".",
        "..",
        "../escape",
        "/etc/passwd",
        "a/b",
        "a\\b",
        "-rf",
        "_endings",
        ".hidden",
        "mine.json",
        "a b",
        "café",
        "x" * 41,
        "evil\x1b[2J",
        "nul\x00byte",
        "CON:",
    ],
)
def test_hostile_slot_names_are_refused_in_one_line(tmp_path: Path, story: Story, name: str) -> None:
    store = SaveStore(str(tmp_path), story)
    with pytest.raises(SaveError) as info:
        save(store, name, played(story))
    message = str(info.value)
    assert "cannot be a slot name" in message and "\n" not in message and "\x1b" not in message
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("name", ["a", "Mine", "before-the-door", "slot_2", "9", "x" * 40])
def test_good_slot_names_are_accepted(name: str) -> None:
    assert check_slot(name) == name


# --- damaged files -----------------------------------------------------------------------


def damage(store: SaveStore, story: Story, content: bytes | str) -> Path:
    path = Path(save(store, "bad", played(story, BOAT)))
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    return path


def valid_text(store: SaveStore, story: Story) -> str:
    return Path(save(store, "good", played(story, BOAT))).read_text()


@pytest.mark.parametrize(
    ("mutate", "problem"),
    [
        (lambda text: text[: len(text) // 2], "the file is truncated"),
        (lambda text: "", "it is empty; the file is truncated"),
        (lambda text: "\x89PNG\r\n\x1a\n\x00\x00garbage", "not valid JSON"),
        (lambda text: text.replace('"format"', '"format" ::'), "not valid JSON (line 2"),
        (lambda text: "[1, 2, 3]", "it is not an ifengine save"),
        (lambda text: text.replace('"version": 1', '"version": 7'), "save format 7 by a newer ifengine"),
        (lambda text: text.replace('"version": 1', '"version": "1"'), "save format version is '1'"),
        (lambda text: text.replace('"courage": 2', '"courage": 99'), "variable 'courage' is 99, outside 0..5"),
        (lambda text: text.replace('"courage": 2', '"courage": NaN'), "NaN is not a number a save can hold"),
        (lambda text: text.replace('"lamp"', '"crown"', 1), "holds 'crown', which the story no longer declares"),
        (lambda text: text.replace('"play_seconds": 95.0', '"play_seconds": -1'), "play_seconds' should be"),
        (lambda text: text.replace('"saved": "', '"saved": "yesterday'), "times.saved is not a date and time"),
        (lambda text: text.replace('"id": "lighthouse"', '"id": "other"'), "belongs to the story 'other'"),
        (lambda text: text.replace('"scene": "shore",\n  "values"', '"scene": "rocks",\n  "values"'), "disagree"),
        (lambda text: text.replace('"game":', '"game": "x", "game":'), "the key 'game' appears twice"),
        (lambda text: "[" * 100_000 + "]" * 100_000, "nested too deeply"),
    ],
)
def test_a_damaged_save_gets_one_line_naming_the_file_and_stays_untouched(
    tmp_path: Path, story: Story, mutate, problem: str
) -> None:  # type: ignore[no-untyped-def]
    store = SaveStore(str(tmp_path), story)
    path = damage(store, story, mutate(valid_text(store, story)))
    before = path.read_bytes()
    with pytest.raises(SaveError) as info:
        store.load("bad")
    message = str(info.value)
    assert message.startswith(f"{path}: ") and problem in message, message
    assert "\n" not in message
    assert path.read_bytes() == before


def test_non_utf8_bytes_are_reported_as_damage(tmp_path: Path, story: Story) -> None:
    store = SaveStore(str(tmp_path), story)
    damage(store, story, b'{"format": "\xff\xfe"}')
    with pytest.raises(SaveError, match="not UTF-8 text"):
        store.load("bad")


def test_an_oversized_file_is_refused_without_reading_it_all(tmp_path: Path, story: Story) -> None:
    store = SaveStore(str(tmp_path), story)
    path = damage(store, story, "")
    with path.open("wb") as handle:
        handle.truncate(5 * 1024 * 1024)
    with pytest.raises(SaveError, match="too large to be a save"):
        store.load("bad")


def test_a_missing_slot_says_so(tmp_path: Path, story: Story) -> None:
    with pytest.raises(SaveError, match="there is no save in this slot"):
        SaveStore(str(tmp_path), story).load("nothing")


def test_a_bad_file_does_not_stop_the_others_listing_or_loading(tmp_path: Path, story: Story) -> None:
    store = SaveStore(str(tmp_path), story)
    save(store, "good", played(story, BOAT))
    damage(store, story, "{")
    items = store.listing()
    assert [type(i) for i in items] == [SaveFile, BadSave]
    bad = items[1]
    assert isinstance(bad, BadSave) and bad.slot == "bad" and "truncated" in bad.problem
    assert store.load("good").state.history == (BOAT,)


def test_temporary_and_foreign_files_are_not_listed(tmp_path: Path, story: Story) -> None:
    store = SaveStore(str(tmp_path), story)
    save(store, "good", played(story))
    folder = tmp_path / "lighthouse"
    (folder / ".tmp-abc.json").write_text("{")
    (folder / "notes.txt").write_text("hello")
    (folder / "bad name.json").write_text("{}")
    assert store.slots() == ["good"]


# --- edited stories ----------------------------------------------------------------------

EDITABLE = """\
id: tiny
title: Tiny
start: a
state:
  n: {type: int, min: 0, max: 3}
  mood: {type: enum, values: [calm, angry]}
endings:
  win: {title: Win, theme: joy}
"""

SCENES = """\
scenes:
  a:
    text: Start.
    choices:
      - text: Go on
        do: [n += 1]
        goto: b
  b:
    text: Middle.
    choices:
      - text: Finish
        goto: won
  won:
    text: Done.
    ending: win
"""


def saved_tiny(make_story: StoryFactory, tmp_path: Path) -> tuple[Path, Path]:
    root = make_story(EDITABLE, scenes=SCENES)
    story = load_story(str(root))
    store = SaveStore(str(tmp_path / "saves"), story)
    path = Path(save(store, "mine", played(story, "a:go-on")))
    return root, path


def test_an_edited_story_that_still_fits_loads_and_says_what_changed(make_story: StoryFactory, tmp_path: Path) -> None:
    root, _ = saved_tiny(make_story, tmp_path)
    (root / "story.yaml").write_text(
        EDITABLE.replace("  mood: {type: enum, values: [calm, angry]}\n", "  brave: {type: flag}\n")
    )
    story = load_story(str(root))
    loaded = SaveStore(str(tmp_path / "saves"), story).load("mine")
    assert loaded.state.scene == "b" and loaded.state.value(story, "n") == 1
    assert loaded.notes == (
        "new variable 'brave' starts at its default",
        "variable 'mood' is no longer in the story and was dropped",
    )


def test_an_edited_story_with_only_new_prose_says_the_game_still_fits(make_story: StoryFactory, tmp_path: Path) -> None:
    root, _ = saved_tiny(make_story, tmp_path)
    (root / "scenes.yaml").write_text(SCENES.replace("Middle.", "The middle of it all."))
    loaded = SaveStore(str(tmp_path / "saves"), load_story(str(root))).load("mine")
    assert loaded.notes == ("the story has been edited since this save; the game still fits it",)


def test_a_raised_story_version_is_mentioned(make_story: StoryFactory, tmp_path: Path) -> None:
    root, _ = saved_tiny(make_story, tmp_path)
    (root / "story.yaml").write_text(EDITABLE.replace("start: a", "version: 2\nstart: a"))
    loaded = SaveStore(str(tmp_path / "saves"), load_story(str(root))).load("mine")
    assert loaded.notes[0] == "saved with version 1 of the story; this is version 2"


@pytest.mark.parametrize(
    ("edit", "reason"),
    [
        (
            lambda m, s: (m, s.replace("  b:\n", "  c:\n").replace("goto: b", "goto: c")),
            "scene 'b' is not in the story",
        ),
        (lambda m, s: (m.replace("max: 3", "max: 0"), s), "variable 'n' is 1, outside 0..0"),
        (lambda m, s: (m.replace("[calm, angry]", "[sad, glad]"), s), "variable 'mood' is 'calm'"),
    ],
)
def test_an_edited_story_that_no_longer_fits_is_refused_and_the_file_kept(
    make_story: StoryFactory, tmp_path: Path, edit, reason: str
) -> None:  # type: ignore[no-untyped-def]
    root, path = saved_tiny(make_story, tmp_path)
    before = path.read_bytes()
    manifest, scenes = edit(EDITABLE, SCENES)
    (root / "story.yaml").write_text(manifest)
    (root / "scenes.yaml").write_text(scenes)
    with pytest.raises(SaveError) as info:
        SaveStore(str(tmp_path / "saves"), load_story(str(root))).load("mine")
    message = str(info.value)
    assert "the story has changed since this save and it no longer fits" in message and reason in message
    assert message.endswith("the file is left as it is")
    assert path.read_bytes() == before


# --- failed writes -----------------------------------------------------------------------


def test_a_write_interrupted_midway_leaves_the_previous_save_whole(
    tmp_path: Path, story: Story, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = SaveStore(str(tmp_path), story)
    save(store, "mine", played(story, BOAT))
    folder = tmp_path / "lighthouse"
    before = snapshot(folder)

    def crash(fd: int) -> None:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(os, "fsync", crash)
    with pytest.raises(SaveError) as info:
        save(store, "mine", played(story, BOAT, WADE))
    assert (
        str(info.value)
        == f"{folder}/mine.json: cannot write the save: Input/output error; the previous file is unchanged"
    )
    assert snapshot(folder) == before  # no temporary file left behind either
    monkeypatch.undo()
    assert store.load("mine").state.history == (BOAT,)


def test_a_process_killed_before_the_rename_leaves_only_an_ignored_temporary_file(
    tmp_path: Path, story: Story, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = SaveStore(str(tmp_path), story)
    save(store, "mine", played(story, BOAT))

    class Killed(BaseException):
        pass

    def killed(src: str, dst: str) -> None:
        raise Killed

    monkeypatch.setattr(os, "replace", killed)
    with pytest.raises(Killed):
        save(store, "mine", played(story, BOAT, WADE))
    monkeypatch.undo()
    assert store.slots() == ["mine"]
    assert store.load("mine").state.history == (BOAT,)


def test_a_saves_path_that_is_a_file_gives_one_line(tmp_path: Path, story: Story) -> None:
    blocker = tmp_path / "saves"
    blocker.write_text("not a folder")
    with pytest.raises(SaveError) as info:
        save(SaveStore(str(blocker), story), "mine", played(story))
    assert str(info.value).startswith(f"cannot create the saves folder {blocker}/lighthouse: ")
    assert "--saves DIR" in str(info.value)


@contextlib.contextmanager
def read_only(folder: Path) -> Iterator[None]:
    """Make a folder really read-only: by its mode, or for root (whom modes do not stop) by a read-only bind mount."""
    if not (hasattr(os, "geteuid") and os.geteuid() == 0):
        folder.chmod(0o500)
        try:
            yield
        finally:
            folder.chmod(0o700)
        return
    mount = shutil.which("mount")
    bound = (
        mount is not None
        and subprocess.run([mount, "--bind", str(folder), str(folder)], capture_output=True).returncode == 0
    )
    if not bound or subprocess.run([mount, "-o", "remount,bind,ro", str(folder)], capture_output=True).returncode:
        if bound:
            subprocess.run(["umount", str(folder)], capture_output=True)
        pytest.skip("running as root without permission to mount: the simulated test below covers this")
    try:
        yield
    finally:
        subprocess.run(["umount", str(folder)], capture_output=True, check=True)


def test_a_read_only_folder_gives_one_line_and_keeps_the_old_save(tmp_path: Path, story: Story) -> None:
    store = SaveStore(str(tmp_path), story)
    save(store, "mine", played(story, BOAT))
    folder = tmp_path / "lighthouse"
    before = snapshot(folder)
    with read_only(folder):
        with pytest.raises(
            SaveError, match=r"cannot write the save: (Permission denied|Read-only file system); the previous"
        ):
            save(store, "mine", played(story, BOAT, WADE))
        assert snapshot(folder) == before
        assert store.load("mine").state == played(story, BOAT)
    assert snapshot(folder) == before


def test_a_read_only_folder_as_seen_by_the_system_call(
    tmp_path: Path, story: Story, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same failure as above, simulated so it is tested even when running as root."""
    store = SaveStore(str(tmp_path), story)
    save(store, "mine", played(story, BOAT))
    before = snapshot(tmp_path / "lighthouse")

    def denied(*args: object, **kwargs: object) -> tuple[int, str]:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("tempfile.mkstemp", denied)
    with pytest.raises(SaveError, match="cannot write the save: Permission denied; the previous file is unchanged"):
        save(store, "mine", played(story, BOAT, WADE))
    assert snapshot(tmp_path / "lighthouse") == before


# --- the endings gallery -----------------------------------------------------------------


def test_the_gallery_remembers_endings_across_stores(tmp_path: Path, story: Story) -> None:
    SaveStore(str(tmp_path), story).record_ending("dark", NOW)
    seen = SaveStore(str(tmp_path), story).record_ending("light", NOW + 1)
    assert sorted(seen) == ["dark", "light"]


def test_a_damaged_gallery_is_reported_and_never_overwritten(tmp_path: Path, story: Story) -> None:
    store = SaveStore(str(tmp_path), story)
    store.record_ending("dark", NOW)
    gallery = Path(store.gallery_path)
    gallery.write_text('{"format": "ifengine-endings", "seen": {"dark": ')
    with pytest.raises(SaveError, match=r"_endings\.json: it ends in the middle"):
        store.record_ending("light", NOW)
    assert gallery.read_text() == '{"format": "ifengine-endings", "seen": {"dark": '
