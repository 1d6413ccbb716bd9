"""`ifengine replay`: recorded playthroughs as a regression suite, with the failing step located."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import LIGHTHOUSE, REPO, SCENES, StoryFactory
from ifengine import load_story
from ifengine.recording import Recording, write
from ifengine.replaying import replay_recording

Cli = Callable[..., tuple[int, str, str]]
BUNDLED = REPO / "story" / "no-one-saw-us-leave"

SEARCH = "shore:search-the-boat"
WADE = "shore:wade-out-to-the-rocks"
CLIMB = "shore:climb-the-path-to-the-lighthouse"
DOOR = "cottage:try-the-tower-door"
TO_THE_LIGHT = [SEARCH, WADE, CLIMB, DOOR]


def recording(path: Path, choices: list[str], ending: str | None = None, story: str = "lighthouse") -> Path:
    """A recording file: one choice a line from line 4 (or 3 without an ending)."""
    lines = [f"story: {story}"] + ([f"ending: {ending}"] if ending else []) + ["choices:"]
    lines += [f"  - {key}" for key in choices]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n")
    return path


def test_a_recording_that_still_plays_passes(cli: Cli, tmp_path: Path) -> None:
    rec = recording(tmp_path / "light.yaml", TO_THE_LIGHT, "light")
    code, out, _ = cli("replay", "--story", LIGHTHOUSE, rec)
    assert code == 0
    assert out == f"{rec}: ok: 4 steps, ending 'light' (The Light Returns)\n"


def test_a_choice_that_no_longer_exists_is_located_with_a_suggestion(cli: Cli, tmp_path: Path) -> None:
    rec = recording(tmp_path / "r.yaml", [SEARCH, "shore:wade-out-to-the-rock", CLIMB])
    code, out, _ = cli("replay", "--story", LIGHTHOUSE, rec)
    assert code == 1
    assert out == (
        f"{rec}:4:5: FAILED: step 2 of 3: choice 'shore:wade-out-to-the-rock' no longer exists "
        f"(did you mean '{WADE}'?)\n"
    )


def test_a_locked_choice_reports_its_reason(cli: Cli, tmp_path: Path) -> None:
    rec = recording(tmp_path / "r.yaml", [CLIMB])
    _, out, _ = cli("replay", "--story", LIGHTHOUSE, rec)
    assert out == (
        f"{rec}:3:5: FAILED: step 1 of 1: choice '{CLIMB}' is locked: The path is too dark to find without a light.\n"
    )


def test_a_hidden_choice_reports_its_condition(cli: Cli, tmp_path: Path) -> None:
    rec = recording(tmp_path / "r.yaml", [WADE, WADE])
    _, out, _ = cli("replay", "--story", LIGHTHOUSE, rec)
    assert out.endswith(f"step 2 of 2: choice '{WADE}' is hidden: its condition 'not soaked' is false\n")


def test_a_once_only_choice_taken_twice_is_reported(cli: Cli, tmp_path: Path) -> None:
    rec = recording(tmp_path / "r.yaml", [SEARCH, SEARCH])
    _, out, _ = cli("replay", "--story", LIGHTHOUSE, rec)
    assert out.endswith(f"step 2 of 2: choice '{SEARCH}' is once-only and was already taken\n")


def test_a_choice_of_another_scene_names_both_scenes(cli: Cli, tmp_path: Path) -> None:
    rec = recording(tmp_path / "r.yaml", ["cottage:read-the-letter"])
    _, out, _ = cli("replay", "--story", LIGHTHOUSE, rec)
    assert out.endswith(
        "step 1 of 1: choice 'cottage:read-the-letter' belongs to scene 'cottage', but the game is in scene 'shore'\n"
    )


def test_a_fallback_offered_only_when_nothing_else_is_open(cli: Cli, tmp_path: Path) -> None:
    rec = recording(tmp_path / "r.yaml", [SEARCH, CLIMB, "cottage:sit-by-the-cold-stove-and-wait-for"])
    _, out, _ = cli("replay", "--story", LIGHTHOUSE, rec)
    assert out.endswith("is a fallback, offered only when no other choice is open\n")


def test_steps_after_the_ending_are_reported(cli: Cli, tmp_path: Path) -> None:
    rec = recording(tmp_path / "r.yaml", [*TO_THE_LIGHT, SEARCH])
    _, out, _ = cli("replay", "--story", LIGHTHOUSE, rec)
    assert out.endswith(f"step 5 of 5: the game had already ended ('light') before choice '{SEARCH}'\n")


def test_the_wrong_ending_is_located_at_the_recorded_ending(cli: Cli, tmp_path: Path) -> None:
    rec = recording(tmp_path / "r.yaml", TO_THE_LIGHT, "dark")
    code, out, _ = cli("replay", "--story", LIGHTHOUSE, rec)
    assert code == 1
    assert out == f"{rec}:2:9: FAILED: reached ending 'light', not 'dark'\n"


def test_expect_ending_overrides_the_recorded_one(cli: Cli, tmp_path: Path) -> None:
    rec = recording(tmp_path / "r.yaml", TO_THE_LIGHT, "dark")
    assert cli("replay", "--story", LIGHTHOUSE, "--expect-ending", "light", rec)[0] == 0
    code, out, _ = cli("replay", "--story", LIGHTHOUSE, "--expect-ending", "letter", rec)
    assert code == 1 and out == f"{rec}: FAILED: reached ending 'light', not 'letter'\n"


def test_a_recording_that_stops_short_of_its_ending_fails(cli: Cli, tmp_path: Path) -> None:
    rec = recording(tmp_path / "r.yaml", [SEARCH], "light")
    _, out, _ = cli("replay", "--story", LIGHTHOUSE, rec)
    assert out == f"{rec}:2:9: FAILED: after 1 step the game is in scene 'shore', not at ending 'light'\n"


def test_a_partial_recording_without_an_ending_passes(cli: Cli, tmp_path: Path) -> None:
    rec = recording(tmp_path / "r.yaml", [SEARCH, WADE])
    code, out, _ = cli("replay", "--story", LIGHTHOUSE, rec)
    assert code == 0 and out == f"{rec}: ok: 2 steps, stops in scene 'shore' (no ending expected)\n"


def test_an_unknown_expected_ending_is_reported(cli: Cli, tmp_path: Path) -> None:
    rec = recording(tmp_path / "r.yaml", TO_THE_LIGHT)
    code, out, _ = cli("replay", "--story", LIGHTHOUSE, "--expect-ending", "lite", rec)
    assert code == 1 and out == f"{rec}: FAILED: there is no ending 'lite' in the story (did you mean 'light'?)\n"


def test_a_recording_of_another_story_is_refused(cli: Cli, tmp_path: Path) -> None:
    rec = recording(tmp_path / "r.yaml", TO_THE_LIGHT, story="tiny")
    code, out, _ = cli("replay", "--story", LIGHTHOUSE, rec)
    assert code == 1 and out == f"{rec}: FAILED: recorded for story 'tiny', but this story is 'lighthouse'\n"


def test_a_malformed_recording_is_one_located_line(cli: Cli, tmp_path: Path) -> None:
    rec = tmp_path / "r.yaml"
    rec.write_text("story: lighthouse\nchoices: shore:search-the-boat\n")
    code, out, err = cli("replay", "--story", LIGHTHOUSE, rec)
    assert code == 1 and err == ""
    assert out == f"{rec}:2:10: FAILED: choices: must be a list of choice keys such as shore:search-the-boat\n"


def test_a_recording_that_is_not_yaml_is_one_located_line(cli: Cli, tmp_path: Path) -> None:
    rec = tmp_path / "r.yaml"
    rec.write_text("story: [lighthouse\n")
    code, out, _ = cli("replay", "--story", LIGHTHOUSE, rec)
    assert code == 1 and out.startswith(f"{rec}:2:1: FAILED: invalid YAML") and out.count("\n") == 1


def test_a_folder_is_a_regression_suite_with_a_summary(cli: Cli, tmp_path: Path) -> None:
    recording(tmp_path / "suite" / "a-light.yaml", TO_THE_LIGHT, "light")
    recording(tmp_path / "suite" / "b-broken.yaml", [CLIMB])
    recording(tmp_path / "suite" / "more" / "c-start.yaml", [SEARCH])
    (tmp_path / "suite" / "notes.txt").write_text("not a recording")
    code, out, _ = cli("replay", "--story", LIGHTHOUSE, tmp_path / "suite")
    assert code == 1
    lines = out.splitlines()
    assert [line.split(": ")[1] for line in lines[:3]] == ["ok", "FAILED", "ok"]
    assert lines[0].startswith(f"{tmp_path}/suite/a-light.yaml")
    assert lines[2].startswith(f"{tmp_path}/suite/more/c-start.yaml")
    assert lines[3] == "3 recordings: 2 passed, 1 failed."


def test_a_suite_that_passes_exits_0(cli: Cli, tmp_path: Path) -> None:
    recording(tmp_path / "suite" / "a.yaml", TO_THE_LIGHT, "light")
    code, out, _ = cli("replay", "--story", LIGHTHOUSE, tmp_path / "suite")
    assert code == 0 and out.splitlines()[-1] == "1 recording: 1 passed, 0 failed."


def test_the_story_is_found_in_the_nearest_folder_above(cli: Cli, tmp_path: Path) -> None:
    story = tmp_path / "lighthouse"
    shutil.copytree(LIGHTHOUSE, story)
    rec = recording(story / "recordings" / "light.yaml", TO_THE_LIGHT, "light")
    code, out, _ = cli("replay", story / "recordings")
    assert code == 0, out
    assert out.splitlines()[0] == f"{rec}: ok: 4 steps, ending 'light' (The Light Returns)"


def test_an_edit_to_the_story_breaks_the_recording_that_relied_on_it(cli: Cli, tmp_path: Path) -> None:
    story = tmp_path / "lighthouse"
    shutil.copytree(LIGHTHOUSE, story)
    rec = recording(story / "recordings" / "light.yaml", TO_THE_LIGHT, "light")
    shore = story / "shore.yaml"
    shore.write_text(shore.read_text().replace("Search the boat", "Look in the boat"))
    code, out, _ = cli("replay", rec)
    assert code == 1
    assert out.startswith(f"{rec}:4:5: FAILED: step 1 of 4: choice '{SEARCH}' no longer exists")


def test_a_bundled_story_is_found_by_its_id(cli: Cli, tmp_path: Path) -> None:
    rec = recording(tmp_path / "r.yaml", TO_THE_LIGHT, "light")
    code, out, _ = cli("replay", rec)
    assert code == 0, out


def test_no_story_to_be_found_says_to_pass_one(cli: Cli, tmp_path: Path) -> None:
    rec = recording(tmp_path / "r.yaml", TO_THE_LIGHT, story="nowhere")
    code, out, _ = cli("replay", rec)
    assert code == 1
    assert out == (
        f"{rec}: FAILED: no story folder above this recording, and no bundled story 'nowhere' (pass --story FOLDER)\n"
    )


def test_a_story_that_does_not_load_fails_each_recording(cli: Cli, tmp_path: Path, make_story: StoryFactory) -> None:
    root = make_story(scenes=SCENES.replace("goto: won", "goto: wno"))
    rec = recording(tmp_path / "r.yaml", ["a:leave"], story="tiny")
    code, out, _ = cli("replay", "--story", root, rec)
    assert code == 1
    assert out == (
        f"{root}/scenes.yaml:13:15: FAILED: the story does not load: unknown scene 'wno' (run ifengine check)\n"
    )


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("missing", "{tmp}/missing: no such file or folder"),
        ("empty", "no recordings (.yaml files) in {tmp}/empty"),
        ("story", "{tmp}/story is a story folder; give a recording or a folder of recordings"),
    ],
)
def test_bad_targets_are_one_line(
    cli: Cli, tmp_path: Path, make_story: StoryFactory, target: str, message: str
) -> None:
    make_story()
    (tmp_path / "empty").mkdir()
    code, out, err = cli("replay", tmp_path / target)
    assert code == 1 and out == ""
    assert err == "ifengine: " + message.format(tmp=tmp_path) + "\n"


def test_a_missing_story_folder_is_one_line(cli: Cli, tmp_path: Path) -> None:
    rec = recording(tmp_path / "r.yaml", TO_THE_LIGHT)
    code, _, err = cli("replay", "--story", tmp_path / "nope", rec)
    assert code == 1 and err == f"ifengine: {tmp_path}/nope: no such story folder\n"


def test_a_recording_written_by_the_recording_module_replays(tmp_path: Path) -> None:
    from ifengine.recording import read

    path = tmp_path / "r.yaml"
    write(str(path), Recording("lighthouse", tuple(TO_THE_LIGHT), "light"))
    outcome = replay_recording(load_story(str(LIGHTHOUSE)), str(path), read(str(path)))
    assert outcome.ok and outcome.message == "4 steps, ending 'light' (The Light Returns)"


def test_a_playthrough_recorded_by_play_replays(cli: Cli, tmp_path: Path) -> None:
    rec = tmp_path / "light.yaml"
    code, _, err = cli("play", LIGHTHOUSE, "--record", rec, stdin="1\n1\n1\n2\n")
    assert code == 0, err
    code, out, _ = cli("replay", "--story", LIGHTHOUSE, "--expect-ending", "light", rec)
    assert code == 0 and out == f"{rec}: ok: 4 steps, ending 'light' (The Light Returns)\n"


def test_a_playthrough_of_the_bundled_story_replays(cli: Cli, tmp_path: Path) -> None:
    import random

    from ifengine.explorer import random_playthrough

    story = load_story(str(BUNDLED))
    final = random_playthrough(story, random.Random(5))
    assert final.ending is not None
    rec = tmp_path / "run.yaml"
    write(str(rec), Recording(story.id, final.history, final.ending))
    code, out, _ = cli("replay", "--story", BUNDLED, rec)
    assert code == 0
    assert out.startswith(f"{rec}: ok: {len(final.history)} steps, ending '{final.ending}'")


def test_a_locked_fallback_reports_its_reason(tmp_path: Path, make_story: StoryFactory) -> None:
    scenes = SCENES.replace(
        "      - text: Take the coin\n",
        "      - text: Wait\n        fallback: true\n        requires: n > 2\n        locked: Too weak.\n        goto: b\n"
        "      - text: Take the coin\n        if: f\n",
    ).replace("      - text: Leave\n", "      - text: Leave\n        if: f\n")
    story = load_story(str(make_story(scenes=scenes)))
    outcome = replay_recording(story, "r.yaml", Recording("tiny", ("a:wait",)))
    assert outcome.format() == "r.yaml: FAILED: step 1 of 1: choice 'a:wait' is locked: Too weak."
