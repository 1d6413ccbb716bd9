"""The `ifengine` command: exit codes, messages, piped play, and no tracebacks."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import LIGHTHOUSE, REPO, SCENES, StoryFactory

LIGHT = ["1", "1", "1", "2"]  # search the boat, wade out, climb, try the door


def test_check_clean_story_exits_0(cli) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = cli("check", LIGHTHOUSE)
    assert code == 0
    assert out == "The Lighthouse: 7 scenes, 3 endings; no problems found.\n"


def test_check_broken_story_exits_1_with_located_lines(cli, make_story: StoryFactory) -> None:  # type: ignore[no-untyped-def]
    root = make_story(scenes=SCENES.replace("goto: won", "goto: wno"))
    code, out, err = cli("check", root)
    assert code == 1 and err == ""
    assert out.splitlines()[0] == f"{root}/scenes.yaml:13:15: error: unknown scene 'wno' (did you mean 'won'?)"
    assert out.splitlines()[-1] == "1 error, 0 warnings."


def test_check_json(cli, make_story: StoryFactory) -> None:  # type: ignore[no-untyped-def]
    root = make_story(scenes=SCENES.replace("goto: won", "goto: wno"))
    code, out, _ = cli("check", "--json", root)
    data = json.loads(out)
    # 'won' is cut off by the typo: its "never reached" warning waits until the link is fixed.
    assert code == 1 and data["errors"] == 1 and data["warnings"] == 0
    first = data["diagnostics"][0]
    assert (first["line"], first["col"], first["severity"]) == (13, 15, "error")
    assert first["hint"] == "did you mean 'won'?"


def test_explore_exits_0_when_everything_is_reachable(cli) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = cli("explore", LIGHTHOUSE)
    assert code == 0
    assert "Endings (3 of 3 reachable; shares exact" in out
    assert out.rstrip().endswith("OK: every ending, scene and choice is reachable.")


def test_explore_exits_1_on_unreachable_ending(cli, make_story: StoryFactory) -> None:  # type: ignore[no-untyped-def]
    root = make_story(scenes=SCENES.replace("if: coin in bag", "if: n > 5 and coin in bag"))
    code, out, _ = cli("explore", root)
    assert code == 1
    assert "UNREACHABLE  win: Win" in out
    assert f"{root}/scenes.yaml:15:3: scene 'won' is never reached in real play" in out


def test_explore_json(cli) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = cli("explore", "--json", LIGHTHOUSE)
    data = json.loads(out)
    assert code == 0 and data["ok"] and data["endings"]["dark"]["reachable"]


def test_explore_on_a_broken_story_reports_the_errors(cli, make_story: StoryFactory) -> None:  # type: ignore[no-untyped-def]
    root = make_story(scenes=SCENES.replace("goto: won", "goto: wno"))
    code, out, err = cli("explore", root)
    assert code == 1 and out == ""
    assert err.startswith(f"{root}/scenes.yaml:13:15: error: unknown scene 'wno'")


def test_piped_play_reaches_an_ending_and_exits_0(cli) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = cli("play", LIGHTHOUSE, stdin="\n".join(LIGHT) + "\n")
    assert code == 0
    assert "THE END: The Light Returns (hope)" in out
    assert "\x1b" not in out


def test_piped_play_explains_bad_input_and_goes_on(cli) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = cli("play", LIGHTHOUSE, stdin="9\nfly\n3\n" + "\n".join(LIGHT) + "\n")
    assert code == 0
    assert "! There is no choice 9; type a number from 1 to 3." in out
    assert "! 'fly' is not a choice or a command; type a choice's number, or help." in out
    assert "! That choice is locked: The path is too dark to find without a light." in out


def test_piped_play_accepts_the_start_of_a_choice(cli) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = cli("play", LIGHTHOUSE, stdin="search\nwade\nclimb\ntry\n")
    assert code == 0 and "THE END: The Light Returns" in out


def test_piped_play_that_runs_out_of_input_exits_1(cli) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = cli("play", LIGHTHOUSE, stdin="1\n")
    assert code == 1
    assert out.endswith("! Input ended before the story did.\n")


def test_quit_exits_0(cli) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = cli("play", LIGHTHOUSE, stdin="quit\n")
    assert code == 0 and out.endswith("Goodbye.\n")


def test_play_of_a_broken_story_exits_1_without_traceback(cli, make_story: StoryFactory) -> None:  # type: ignore[no-untyped-def]
    root = make_story(scenes="scenes:\n  a: [1, 2\n")
    code, _, err = cli("play", root)
    assert code == 1
    assert err.count("\n") == 1 and "Traceback" not in err


def test_usage_errors_exit_2(cli) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(SystemExit) as info:
        cli("check")
    assert info.value.code == 2


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("alias bomb", None, "alias bomb"),
        ("tabs", "id: x\nstate:\n\tn: 1\n", "a tab character is used for indentation"),
        ("empty", "", "file is empty"),
        ("list", "- id: x\n- title: y\n", "must be a mapping of keys, not a list"),
    ],
)
def test_hostile_manifests_get_one_located_line_fast(
    tmp_path: Path, name: str, content: str | None, message: str
) -> None:
    if content is None:
        content = 'a: &a ["x","x","x","x","x","x","x","x","x"]\n'
        for i in range(ord("b"), ord("l")):
            content += f"{chr(i)}: &{chr(i)} [{','.join(['*' + chr(i - 1)] * 9)}]\n"
    (tmp_path / "story.yaml").write_text(content)
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "ifengine", "check", str(tmp_path)], capture_output=True, text=True, timeout=30
    )
    elapsed = time.perf_counter() - started
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert len(lines) == 2 and lines[1].startswith("1 error"), result.stdout
    assert lines[0].startswith(f"{tmp_path}/story.yaml:") and message in lines[0]
    assert "Traceback" not in result.stderr
    assert elapsed < 5  # includes interpreter start-up; the refusal itself is measured in test_yamlsource


def test_python_m_ifengine_plays_the_bundled_story_from_another_directory(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    result = subprocess.run(
        [sys.executable, "-m", "ifengine"],
        input="quit\n",
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=30,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == "No One Saw Us Leave"


def test_a_mistyped_command_is_a_usage_error_with_a_suggestion(cli, capsys) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(SystemExit) as info:
        cli("chek", "story")
    assert info.value.code == 2
    assert "'chek' is neither a command nor a story folder (did you mean 'check'?)" in capsys.readouterr().err
