"""A story checked clean before starts with its scenes compiled on first use, and plays exactly as a full load."""

from __future__ import annotations

import io
import itertools
import json
import shutil
from pathlib import Path

import pytest

from conftest import LIGHTHOUSE, REPO, StoryFactory
from ifengine import checked
from ifengine.diagnostics import StoryError
from ifengine.loader import load_story
from ifengine.model import Story
from ifengine.ondemand import ScenesOnDemand
from ifengine.play.launch import PlayOptions, load, play, remember
from ifengine.recording import read
from ifengine.runtime import GameError, choose, start
from ifengine.saves import SaveStore
from ifengine.state import counted_scenes
from test_weave import CALLS, MANIFEST, NESTED

BUNDLED = REPO / "story" / "no-one-saw-us-leave"


def _recorded(saves: Path, story: Story) -> None:
    SaveStore(str(saves), story).write_own(checked.RECORD_NAME, checked.record_text(story))


def _on_demand(path: Path, saves: Path) -> Story:
    return load_story(str(path), lambda sid, fp: checked.recalled(str(saves), sid, fp))


def _record_file(saves: Path, story: Story) -> Path:
    return saves / story.id / checked.RECORD_NAME


def _played(story: Story, keys: tuple[str, ...], seed: int) -> list[tuple[str, ...]]:
    """Every passage and option text a replay of `keys` shows, turn by turn."""
    turn = start(story, seed=seed)
    shown = []
    for key in (*keys, None):
        shown.append(tuple(p for passage in turn.passages for p in passage.paragraphs))
        shown.append(tuple(f"{o.text} {o.locked} {o.reason}" for o in turn.options))
        if key is not None:
            turn = choose(story, turn.state, key)
    shown.append((str(turn.state.ending), str(sorted(turn.state.visits.items()))))
    return shown


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Story, Path]:
    """The bundled story loaded in full, and a saves folder that records it checked clean."""
    saves = tmp_path_factory.mktemp("saves")
    full = load_story(str(BUNDLED))
    _recorded(saves, full)
    return full, saves


@pytest.fixture
def bundled_pair(recorded: tuple[Story, Path]) -> tuple[Story, Story]:
    full, saves = recorded
    return full, _on_demand(BUNDLED, saves)


def test_a_story_recorded_as_checked_compiles_scenes_only_as_play_reaches_them(
    bundled_pair: tuple[Story, Story],
) -> None:
    full, quick = bundled_pair
    assert full.summary is None and quick.summary is not None
    scenes = quick.scenes
    assert isinstance(scenes, ScenesOnDemand)
    assert scenes.compiled() == 0
    start(quick)
    assert 0 < scenes.compiled() < 5


def test_every_walkthrough_shows_the_same_words_from_a_story_compiled_on_first_use(
    recorded: tuple[Story, Path],
) -> None:
    full, saves = recorded
    walkthroughs = sorted((BUNDLED / "walkthroughs").rglob("*.yaml"))
    assert len(walkthroughs) >= 10  # the story's own: every ending, and the calls of ep4
    for path in walkthroughs:
        rec = read(str(path))
        quick = _on_demand(BUNDLED, saves)  # nothing compiled yet for each
        assert quick.summary is not None
        assert _played(quick, rec.choices, rec.seed) == _played(full, rec.choices, rec.seed), path.name


def test_compiled_on_first_use_the_story_holds_the_same_scenes_in_the_same_order(
    bundled_pair: tuple[Story, Story],
) -> None:
    full, quick = bundled_pair
    assert list(quick.scenes) == list(full.scenes)
    for sid, scene in full.scenes.items():
        other = quick.scenes[sid]
        assert (other.pos, other.returns_to, other.parent, other.episode) == (
            scene.pos,
            scene.returns_to,
            scene.parent,
            scene.episode,
        ), sid
        assert [c.key for c in other.choices] == [c.key for c in scene.choices]
    assert counted_scenes(quick) == counted_scenes(full)
    assert (quick.uses_chance, quick.uses_calls, quick.fingerprint) == (
        full.uses_chance,
        full.uses_calls,
        full.fingerprint,
    )


@pytest.mark.parametrize("scenes", [CALLS, NESTED], ids=["calls", "nested"])
def test_calls_and_nested_choices_play_the_same_compiled_on_first_use(
    make_story: StoryFactory, tmp_path: Path, scenes: str
) -> None:
    root = make_story(MANIFEST, scenes=scenes)
    full = load_story(str(root))
    _recorded(tmp_path / "saves", full)
    quick = _on_demand(root, tmp_path / "saves")
    assert quick.summary is not None
    keys = [c.key for c in full.all_choices()]
    for length in range(1, 4):
        for walk in itertools.product(keys, repeat=length):
            try:
                expected = _played(full, walk, 0)
            except GameError:
                continue
            assert _played(quick, walk, 0) == expected, walk
    assert [(s.id, s.returns_to) for s in quick.scenes.values()] == [(s.id, s.returns_to) for s in full.scenes.values()]


def test_a_story_edited_since_its_record_loads_in_full_and_reports_its_errors(tmp_path: Path) -> None:
    story_dir = tmp_path / "story"
    shutil.copytree(LIGHTHOUSE, story_dir)
    saves = tmp_path / "saves"
    _recorded(saves, load_story(str(story_dir)))
    assert _on_demand(story_dir, saves).summary is not None
    scene_file = next(p for p in story_dir.glob("*.yaml") if p.name != "story.yaml")
    scene_file.write_text(scene_file.read_text() + "\n  broken_scene:\n    text: Nowhere to go.\n")
    with pytest.raises(StoryError) as raised:
        _on_demand(story_dir, saves)
    assert "scene 'broken_scene' has no way on" in str(raised.value.diagnostics[0])


@pytest.mark.parametrize(
    "damage",
    [
        lambda d: "{not json",
        lambda d: json.dumps({**d, "engine": "another engine"}),
        lambda d: json.dumps({**d, "story": "0" * 16}),
        lambda d: json.dumps({**d, "counted": "start"}),
        lambda d: json.dumps({**d, "counted": [1, 2]}),
        lambda d: json.dumps({**d, "uses_calls": "yes"}),
        lambda d: json.dumps({**d, "returning": ["no_such_scene"]}),
        lambda d: json.dumps({**d, "version": 2}),
        lambda d: json.dumps([d]),
    ],
    ids=[
        "not-json",
        "engine",
        "fingerprint",
        "not-a-list",
        "not-names",
        "not-a-flag",
        "unknown-scene",
        "version",
        "list",
    ],
)
def test_a_damaged_or_foreign_record_means_a_full_load(tmp_path: Path, damage) -> None:  # type: ignore[no-untyped-def]
    full = load_story(str(LIGHTHOUSE))
    _recorded(tmp_path, full)
    path = _record_file(tmp_path, full)
    path.write_text(damage(json.loads(path.read_text())))
    story = _on_demand(LIGHTHOUSE, tmp_path)
    assert story.summary is None
    assert list(story.scenes) == list(full.scenes)


def test_a_record_that_is_a_link_is_not_followed(tmp_path: Path) -> None:
    full = load_story(str(LIGHTHOUSE))
    elsewhere = tmp_path / "elsewhere"
    _recorded(elsewhere, full)
    saves = tmp_path / "saves"
    (saves / full.id).mkdir(parents=True)
    _record_file(saves, full).symlink_to(_record_file(elsewhere, full))
    assert _on_demand(LIGHTHOUSE, saves).summary is None


def _authors_copy(tmp_path: Path) -> Path:
    """The lighthouse as an author's story: a folder of its own, not one that ships with ifengine."""
    root = tmp_path / "mine"
    shutil.copytree(LIGHTHOUSE, root)
    assert (root / checked.SHIPPED_NAME).is_file()  # copied too, and ignored: only bundled stories are trusted
    return root


def test_a_story_remembered_after_a_full_load_starts_on_demand_next_time(tmp_path: Path) -> None:
    root = _authors_copy(tmp_path)
    options = PlayOptions(saves=str(tmp_path / "saves"))
    first = load(str(root), options)
    assert first.summary is None
    remember(first, str(tmp_path / "saves"))
    assert _record_file(tmp_path / "saves", first).is_file()
    second = load(str(root), options)
    assert second.summary is not None
    remember(second, str(tmp_path / "saves"))  # nothing to do: it came from the record


def test_piped_play_writes_no_record(tmp_path: Path) -> None:
    root = _authors_copy(tmp_path)
    story = load(str(root), PlayOptions(saves=str(tmp_path / "saves")))
    assert story.summary is None
    code = play(story, PlayOptions(saves=str(tmp_path / "saves")), stdin=io.StringIO("quit\n"), stdout=io.StringIO())
    assert code == 0 and not (tmp_path / "saves" / story.id / checked.RECORD_NAME).exists()


def test_the_prompt_runs_what_can_wait_once_it_is_live(monkeypatch: pytest.MonkeyPatch) -> None:
    from prompt_toolkit.input import create_pipe_input
    from prompt_toolkit.output import DummyOutput
    from rich.console import Console

    from ifengine.play import fancy
    from ifengine.play.session import Session

    monkeypatch.setattr(fancy, "LATER_DELAY", 0.0)
    story = load_story(str(LIGHTHOUSE))
    ran: list[bool] = []
    console = Console(file=io.StringIO(), width=80, force_terminal=True)
    with create_pipe_input() as pipe:
        pipe.send_text("status\nquit\ny\n")
        pipe.close()
        fancy.run(
            Session(story, None, persist=False),
            console=console,
            prompt_input=pipe,
            prompt_output=DummyOutput(),
            later=lambda: ran.append(True),
        )
    assert ran == [True]


@pytest.mark.parametrize("name", ["no-one-saw-us-leave", "lighthouse", "night-ferry"])
def test_each_bundled_story_ships_the_record_a_full_load_gives(name: str) -> None:
    root = REPO / "story" / name
    expected = checked.record_text(load_story(str(root)), checked.SHIPPED_ENGINE)
    assert (root / checked.SHIPPED_NAME).read_text() == expected, (
        f"story/{name}/{checked.SHIPPED_NAME} is stale: run "
        f"python -c \"from ifengine.checked import ship; ship('story/{name}')\""
    )


def test_a_bundled_story_starts_on_demand_from_its_first_start(tmp_path: Path) -> None:
    story = load(str(BUNDLED), PlayOptions(saves=str(tmp_path)))
    assert story.summary is not None
    assert not tmp_path.joinpath(story.id).exists()  # nothing to record: the story came checked


def test_a_shipped_record_is_only_used_for_the_story_as_shipped(tmp_path: Path) -> None:
    story = load_story(str(BUNDLED))
    assert checked.shipped(str(BUNDLED), story.fingerprint) is not None
    assert checked.shipped(str(BUNDLED), "0" * 16) is None  # an edited story
    root = _authors_copy(tmp_path)
    assert checked.shipped(str(root), load_story(str(root)).fingerprint) is None  # not a bundled story


def test_the_engine_key_changes_when_a_module_changes(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "a.py").write_text("x = 1\n")
    monkeypatch.setattr(checked, "__file__", str(package / "checked.py"))
    monkeypatch.setattr(checked, "_engine", None)
    before = checked.engine_key()
    (package / "a.py").write_text("x = 22\n")
    monkeypatch.setattr(checked, "_engine", None)
    assert checked.engine_key() != before


def test_a_story_with_scene_local_values_is_read_whole_and_still_plays_the_same(
    make_story: StoryFactory, tmp_path: Path
) -> None:
    from test_constants_and_locals import MANIFEST as LOCALS_MANIFEST
    from test_constants_and_locals import SCENES as LOCALS_SCENES

    root = make_story(LOCALS_MANIFEST, scenes=LOCALS_SCENES)
    full = load_story(str(root))
    _recorded(tmp_path / "saves", full)
    assert json.loads(_record_file(tmp_path / "saves", full).read_text())["files"] is None
    quick = _on_demand(root, tmp_path / "saves")
    assert quick.summary is not None
    assert quick.variables == full.variables  # the locals are in the state from the start
    keys = [c.key for c in full.all_choices()]
    for walk in itertools.product(keys, repeat=2):
        try:
            expected = _played(full, walk, 0)
        except GameError:
            continue
        assert _played(quick, walk, 0) == expected, walk


def test_only_the_files_play_reaches_are_parsed(recorded: tuple[Story, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    import ifengine.loader as loader

    parsed: list[str] = []
    real = loader.load_bytes

    def counting(path: str, data: bytes) -> object:
        parsed.append(Path(path).name)
        return real(path, data)

    monkeypatch.setattr(loader, "load_bytes", counting)
    full, saves = recorded
    quick = _on_demand(BUNDLED, saves)
    start(quick)
    assert parsed[0] == "story.yaml"
    assert 1 <= len(parsed) - 1 < len(full.files)  # the start scene's file, not every episode


def test_a_record_listing_other_scenes_for_a_file_is_a_one_line_error_not_a_wrong_game(tmp_path: Path) -> None:
    full = load_story(str(LIGHTHOUSE))
    _recorded(tmp_path, full)
    path = _record_file(tmp_path, full)
    data = json.loads(path.read_text())
    name, ids = data["files"][0]
    data["files"][0] = [name, [*ids, "zz_not_in_the_file"]]
    path.write_text(json.dumps(data))
    story = _on_demand(LIGHTHOUSE, tmp_path)
    with pytest.raises(StoryError) as raised:
        story.scenes[full.start]
    assert "the file's scenes are not those recorded" in str(raised.value.diagnostics[0])


def test_a_record_that_puts_a_scene_in_another_file_is_a_one_line_error(tmp_path: Path) -> None:
    full = load_story(str(BUNDLED))
    _recorded(tmp_path, full)
    path = _record_file(tmp_path, full)
    data = json.loads(path.read_text())
    moved = data["files"][0][1].pop()  # the first file's last scene, recorded as the second file's
    data["files"][1][1].append(moved)
    path.write_text(json.dumps(data))
    story = _on_demand(BUNDLED, tmp_path)
    with pytest.raises(StoryError) as raised:
        story.scenes[moved]
    assert "not those recorded" in raised.value.diagnostics[0].format()


def test_a_record_for_other_files_means_a_full_load(tmp_path: Path) -> None:
    full = load_story(str(LIGHTHOUSE))
    _recorded(tmp_path, full)
    path = _record_file(tmp_path, full)
    data = json.loads(path.read_text())
    data["files"] = [["other.yaml", list(data["files"][0][1])]]
    path.write_text(json.dumps(data))
    assert _on_demand(LIGHTHOUSE, tmp_path).summary is None


def test_asking_whether_a_scene_exists_compiles_nothing(bundled_pair: tuple[Story, Story]) -> None:
    full, quick = bundled_pair
    scenes = quick.scenes
    assert isinstance(scenes, ScenesOnDemand)
    top_level = [sid for sid, scene in full.scenes.items() if not scene.parent]
    assert all(sid in scenes for sid in top_level) and "no_such_scene" not in scenes
    assert scenes.compiled() == 0
