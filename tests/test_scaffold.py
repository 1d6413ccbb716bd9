"""`ifengine new DIR`: a small complete story that passes check, explore and replay."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from ifengine import explore, load_story, read_story
from ifengine.check import check_story
from ifengine.scaffold import SCHEMA_LINE

Cli = Callable[..., tuple[int, str, str]]


@pytest.fixture
def new_story(cli: Cli, tmp_path: Path) -> Path:
    folder = tmp_path / "Night Ferry"
    code, _, err = cli("new", folder)
    assert code == 0, err
    return folder


def test_new_writes_the_files_and_says_what_next(cli: Cli, tmp_path: Path) -> None:
    code, out, _ = cli("new", tmp_path / "tale")
    assert code == 0
    assert sorted(p.relative_to(tmp_path / "tale").as_posix() for p in (tmp_path / "tale").rglob("*.*")) == [
        "1-the-quay.yaml",
        "2-the-crossing.yaml",
        "recordings/far-shore.yaml",
        "story.schema.json",
        "story.yaml",
    ]
    assert out.splitlines()[0] == f"wrote {tmp_path}/tale/story.yaml"
    assert out.splitlines()[-1].startswith(f"Next: ifengine play {tmp_path}/tale")


def test_new_story_checks_with_no_diagnostics_at_all(new_story: Path) -> None:
    story, diagnostics = read_story(str(new_story))
    assert story is not None and diagnostics == []
    assert check_story(story) == []


def test_new_story_explores_with_nothing_to_report(new_story: Path) -> None:
    report = explore(load_story(str(new_story)))
    assert report.ok
    assert report.unreached_scenes == [] and report.never_open == [] and report.dead_ends == []
    assert sorted(report.ending_paths) == ["far_shore", "lit_window"]


def test_new_story_uses_every_variable_type_a_locked_choice_and_two_endings(new_story: Path) -> None:
    story = load_story(str(new_story))
    assert sorted(v.type for v in story.variables.values()) == ["enum", "flag", "int", "set", "string"]
    assert any(c.requirement is not None and c.locked_reason for c in story.all_choices())
    assert len(story.endings) == 2
    assert len(story.files) == 2


def test_story_id_and_title_come_from_the_folder_name(new_story: Path) -> None:
    story = load_story(str(new_story))
    assert (story.id, story.title) == ("night-ferry", "Night Ferry")


def test_every_story_file_starts_with_the_schema_line(new_story: Path) -> None:
    for name in ("story.yaml", "1-the-quay.yaml", "2-the-crossing.yaml"):
        assert (new_story / name).read_text().splitlines()[0] == SCHEMA_LINE
    assert SCHEMA_LINE == "# yaml-language-server: $schema=story.schema.json"


def test_schema_file_is_the_one_ifengine_schema_prints(cli: Cli, new_story: Path) -> None:
    _, out, _ = cli("schema")
    assert (new_story / "story.schema.json").read_text() == out


def test_the_recording_replays_to_its_ending(cli: Cli, new_story: Path) -> None:
    code, out, _ = cli("replay", new_story / "recordings")
    assert code == 0
    assert out.splitlines() == [
        f"{new_story}/recordings/far-shore.yaml: ok: 5 steps, ending 'far_shore' (The Far Shore)",
        "1 recording: 1 passed, 0 failed.",
    ]


def test_stats_and_graph_work_on_the_new_story(cli: Cli, new_story: Path) -> None:
    assert cli("stats", new_story)[0] == 0
    code, out, _ = cli("graph", new_story)
    assert code == 0 and "UNREACHABLE" not in out and "never open" not in out


def test_refuses_to_overwrite_and_writes_nothing(cli: Cli, tmp_path: Path) -> None:
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "story.yaml").write_text("id: precious\n")
    code, out, err = cli("new", folder)
    assert code == 1 and out == ""
    assert err == f"ifengine: {folder}/story.yaml already exists; nothing was written (choose a new folder)\n"
    assert (folder / "story.yaml").read_text() == "id: precious\n"
    assert os.listdir(folder) == ["story.yaml"]


def test_an_existing_empty_folder_is_fine(cli: Cli, tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    assert cli("new", tmp_path / "empty")[0] == 0


def test_a_file_in_the_way_is_refused(cli: Cli, tmp_path: Path) -> None:
    (tmp_path / "taken").write_text("x")
    code, _, err = cli("new", tmp_path / "taken")
    assert code == 1
    assert err == f"ifengine: {tmp_path}/taken is a file, not a folder\n"


def test_a_folder_that_cannot_be_made_is_one_line(cli: Cli, tmp_path: Path) -> None:
    (tmp_path / "afile").write_text("x")
    code, _, err = cli("new", tmp_path / "afile" / "tale")
    assert code == 1
    assert err.startswith("ifengine: cannot write ") and err.count("\n") == 1
    assert (tmp_path / "afile").read_text() == "x"
