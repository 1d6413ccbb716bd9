"""Hostile story files: each is refused quickly, through the CLI, with one located line and exit 1.

Time limits here are generous sanity bounds (a hang or a blow-up would take
minutes), not benchmarks.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import MANIFEST

Cli = Callable[..., tuple[int, str, str]]
SANITY_SECONDS = 10


def story_with(tmp_path: Path, scenes: bytes) -> Path:
    root = tmp_path / "hostile"
    root.mkdir()
    (root / "story.yaml").write_text(MANIFEST, encoding="utf-8")
    (root / "scenes.yaml").write_bytes(scenes)
    return root


def refused(cli: Cli, root: Path) -> str:
    """Run `ifengine check`; the one error line about scenes.yaml, after checking the shape of the output."""
    started = time.perf_counter()
    code, out, err = cli("check", root)
    assert time.perf_counter() - started < SANITY_SECONDS
    assert code == 1
    assert "Traceback" not in out + err and "internal error" not in out + err
    errors = [line for line in out.splitlines() if ": error: " in line]
    assert len(errors) == 1, out
    assert errors[0].startswith(f"{root / 'scenes.yaml'}:")
    return errors[0]


def alias_bomb() -> bytes:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 12):
        prev, name = chr(ord("a") + i - 1), chr(ord("a") + i)
        lines.append(f"{name}: &{name} [{', '.join(['*' + prev] * 9)}]")
    return ("\n".join(lines) + "\n").encode()


def test_an_alias_bomb_is_refused(cli: Cli, tmp_path: Path) -> None:
    line = refused(cli, story_with(tmp_path, alias_bomb()))
    assert "alias bomb" in line


def test_ten_thousand_deep_nesting_is_refused(cli: Cli, tmp_path: Path) -> None:
    line = refused(cli, story_with(tmp_path, b"scenes: " + b"[" * 10_000 + b"]" * 10_000 + b"\n"))
    assert "nesting is deeper than" in line


def test_ten_thousand_deep_mappings_are_refused(cli: Cli, tmp_path: Path) -> None:
    deep = b"scenes: " + b"{a: " * 10_000 + b"}" * 10_000 + b"\n"
    assert "nesting is deeper than" in refused(cli, story_with(tmp_path, deep))


def test_a_fifty_megabyte_file_is_refused_without_parsing_it(cli: Cli, tmp_path: Path) -> None:
    root = story_with(tmp_path, b"")
    with open(root / "scenes.yaml", "wb") as handle:
        handle.write(b"scenes:\n  a:\n    text: '" + b"x" * (50 * 1024 * 1024) + b"'\n")
    line = refused(cli, root)
    assert line.endswith("error: file is too large: the limit is 16 MiB (split the story into several scene files)")


def test_non_utf8_bytes_are_located(cli: Cli, tmp_path: Path) -> None:
    line = refused(cli, story_with(tmp_path, b"scenes:\n  a:\n    text: caf\xe9\n    ending: win\n"))
    assert line.startswith(f"{tmp_path / 'hostile' / 'scenes.yaml'}:3:14: error: file is not valid UTF-8")


def test_duplicate_keys_are_refused(cli: Cli, tmp_path: Path) -> None:
    line = refused(cli, story_with(tmp_path, b"scenes:\n  a: {ending: win}\n  a: {ending: lose}\n"))
    assert line.endswith("error: duplicate key 'a' (first at line 2) (remove or rename one of them)")


@pytest.mark.parametrize(
    "tag",
    [
        "!!python/object/apply:os.system ['touch {marker}']",
        "!!python/object/new:os.system ['touch {marker}']",
        "!!python/name:os.system",
        "!!python/module:os",
        "!!binary aGVsbG8=",
        "!!set {{a: null}}",
        "!include {marker}",
    ],
)
def test_tags_that_construct_objects_are_refused_and_never_run(cli: Cli, tmp_path: Path, tag: str) -> None:
    marker = tmp_path / "ran"
    text = f"scenes:\n  a:\n    text: {tag.format(marker=marker)}\n    ending: win\n"
    line = refused(cli, story_with(tmp_path, text.encode()))
    assert ":3:11: error: YAML tag" in line and "is not allowed" in line
    assert not marker.exists()


def test_a_tag_on_a_key_is_refused(cli: Cli, tmp_path: Path) -> None:
    line = refused(cli, story_with(tmp_path, b"scenes:\n  !!python/name:os.system a: {ending: win}\n"))
    assert "YAML tag tag:yaml.org,2002:python/name:os.system is not allowed" in line


def test_a_huge_number_is_refused(cli: Cli, tmp_path: Path) -> None:
    line = refused(cli, story_with(tmp_path, b"scenes:\n  a: {ending: win, x: " + b"9" * 100_000 + b"}\n"))
    assert "more than 15 digits" in line
