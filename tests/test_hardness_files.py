"""Story folders that hold what a story folder should not: odd files, odd names, odd locales.

Each case gets one located line naming the file (escaped), never a traceback,
and no byte a terminal would act on reaches the output of any command.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import LIGHTHOUSE, REPO

Cli = Callable[..., tuple[int, str, str]]
ESC = "\x1b"


@pytest.fixture
def story(tmp_path: Path) -> Path:
    root = tmp_path / "lighthouse"
    shutil.copytree(LIGHTHOUSE, root)
    return root


def listing(root: Path, extra: str) -> None:
    with (root / "story.yaml").open("a", encoding="utf-8") as f:
        f.write(f"files: [shore.yaml, tower.yaml, {extra}]\n")


@pytest.mark.parametrize(
    ("make", "says"),
    [
        (lambda p: os.mkfifo(p), "is a pipe, not a plain file"),
        (lambda p: p.mkdir(), "is a folder, not a plain file"),
        (lambda p: p.symlink_to(p.parent / "nowhere.yaml"), "is a link to a file that does not exist"),
    ],
    ids=["fifo", "folder", "dangling link"],
)
def test_a_listed_scene_file_that_is_not_a_file_says_what_it_is(
    story: Path, cli: Cli, make: Callable[[Path], None], says: str
) -> None:
    listing(story, "extra.yaml")
    make(story / "extra.yaml")
    code, out, err = cli("check", str(story))
    assert code == 1 and f"story.yaml:33:33: error: file 'extra.yaml' {says}" in out + err
    assert "does not exist (did you mean" not in out + err


def test_a_scene_file_name_that_is_not_utf8_is_shown_escaped(story: Path, cli: Cli) -> None:
    name = os.fsdecode(b"bad\xff" + ESC.encode() + b"[31m.yaml")
    shutil.copy(story / "shore.yaml", story / name)
    code, out, err = cli("check", str(story))
    assert code == 1 and "internal error" not in out + err
    assert "bad\\udcff\\x1b[31m.yaml" in out and ESC not in out + err


def test_a_folder_that_cannot_be_listed_is_one_located_line(
    story: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = os.listdir

    def refuse(path: str | os.PathLike[str] = ".") -> list[str]:
        if Path(path) == story:
            raise PermissionError(13, "Permission denied")
        return real(path)

    monkeypatch.setattr(os, "listdir", refuse)
    code, out, err = cli("check", str(story))
    assert code == 1
    assert "story.yaml:1:1: error: cannot list the story folder: Permission denied" in out + err


def test_a_scene_id_over_1024_characters_gets_its_own_message(story: Path, cli: Cli) -> None:
    with (story / "tower.yaml").open("a", encoding="utf-8") as f:
        f.write("\n  " + "s" * 1100 + ":\n    ending: light\n")
    code, out, err = cli("check", str(story))
    assert code == 1 and "a key (such as a scene id) longer than 1,024 characters" in out + err
    assert "could not find expected" not in out + err


def test_a_control_character_in_the_list_form_of_do_is_refused_like_the_scalar(story: Path, cli: Cli) -> None:
    with (story / "tower.yaml").open("a", encoding="utf-8") as f:
        f.write('\n  x:\n    do: ["courage += 1\\e[2J"]\n    ending: light\n')
    code, out, err = cli("check", str(story))
    assert code == 1 and "control character U+001B in 'do'" in out + err


HOSTILE = "shore" + ESC + "[31m" + ESC + "]8;;http:\a"


@pytest.mark.parametrize("command", ["stats", "graph"])
def test_tools_print_a_hostile_scene_file_name_escaped(story: Path, cli: Cli, command: str) -> None:
    """A file name is the one thing of a story's that is not refused on loading: it must print escaped."""
    # Without an episode, stats and graph name the scenes' file; no files: list, so every .yaml is read.
    lines = (story / "shore.yaml").read_text(encoding="utf-8").splitlines()
    scenes = lines.index("scenes:")
    (story / f"{HOSTILE}.yaml").write_text("\n".join(lines[scenes:]) + "\n", encoding="utf-8")
    (story / "shore.yaml").unlink()
    code, out, err = cli(command, str(story))
    assert code in (0, 1, 3) and "shore\\x1b[31m" in out, out
    assert ESC not in out + err


def test_explore_prints_a_hostile_path_escaped_in_a_finding(story: Path, cli: Cli) -> None:
    name = f"{HOSTILE}.yaml"
    (story / "tower.yaml").rename(story / name)
    with (story / name).open("a", encoding="utf-8") as f:
        f.write("\n  orphan:\n    text: Nobody comes here.\n    ending: light\n")
    code, out, err = cli("explore", str(story))
    assert code == 1 and "orphan" in out and ESC not in out + err


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX locales")
@pytest.mark.parametrize("command", [["check"], ["play", "--plain"]])
def test_a_non_utf8_locale_degrades_and_never_crashes(command: list[str]) -> None:
    """The bundled story is full of accents and dashes; an ISO-8859-1 or ASCII terminal must not crash."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "LANG", "PYTHONIOENCODING", "PYTHONUTF8"))}
    locales = subprocess.run(["locale", "-a"], capture_output=True, text=True, check=False).stdout.split()
    latin = next((loc for loc in locales if loc.lower().replace("-", "") in ("en_us.iso88591", "c")), "C")
    env.update(LC_ALL=latin, PYTHONUTF8="0", PYTHONCOERCECLOCALE="0")
    bundled = str(REPO / "story" / "no-one-saw-us-leave")
    result = subprocess.run(
        [sys.executable, "-m", "ifengine", *command, bundled],
        input=b"1\n2\nquit\n",
        capture_output=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert b"Traceback" not in result.stderr and b"internal error" not in result.stderr + result.stdout
    assert result.returncode in (0, 1), result.stderr[-500:]
    assert len(result.stdout) > (30 if command == ["check"] else 500)
