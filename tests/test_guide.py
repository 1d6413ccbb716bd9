"""The author's guide (src/ifengine/guide/authoring.md) is tested: every YAML snippet loads and checks, and broken ones fail as the guide says.

Each ```yaml block in the guide starts with a marker line:

- `# file: STORY/NAME` is a whole file of the story STORY; a later block for the same
  file replaces it (the tutorial grows a story). At the end of each section, every
  story changed in it must load and check with no diagnostics at all.
- `# broken: STORY/NAME` is that file with a mistake, swapped in for one check only.
  The ```text block right after it holds exactly the diagnostics `ifengine check` prints.
- `# recording: STORY/NAME` is a recorded playthrough, saved under STORY/recordings/,
  that must replay to its ending.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import REPO
from ifengine import load_story, read_story, schema
from ifengine.check import check_story
from ifengine.diagnostics import has_errors, sort_key
from ifengine.recording import read
from ifengine.replaying import replay_recording

Cli = Callable[..., tuple[int, str, str]]
GUIDE = REPO / "src" / "ifengine" / "guide" / "authoring.md"
FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.MULTILINE | re.DOTALL)
MARKER = re.compile(r"# (file|broken|recording): ([\w-]+)/([\w./-]+)\n")


@dataclass
class Block:
    section: str
    language: str
    text: str
    line: int


def blocks() -> list[Block]:
    source = GUIDE.read_text(encoding="utf-8")
    found = []
    for match in FENCE.finditer(source):
        before = source[: match.start()]
        headings = re.findall(r"^#{2,3} (.+)$", before, re.MULTILINE)
        found.append(Block(headings[-1] if headings else "", match.group(1), match.group(2), before.count("\n") + 1))
    return found


def diagnostics_text(root: Path, story_dir: Path) -> list[str]:
    story, diagnostics = read_story(str(story_dir))
    if story is not None and not has_errors(diagnostics):
        diagnostics = diagnostics + check_story(story)
    prefix = str(root) + "/"
    return [d.format().replace(prefix, "") for d in sorted(diagnostics, key=sort_key)]


def test_every_yaml_block_has_a_marker() -> None:
    unmarked = [b.line for b in blocks() if b.language == "yaml" and not MARKER.match(b.text)]
    assert unmarked == [], f"yaml blocks without '# file:', '# broken:' or '# recording:' at lines {unmarked}"


def test_every_snippet_loads_checks_and_fails_as_the_guide_says(tmp_path: Path) -> None:
    items = blocks()
    touched: set[str] = set()
    checked = broken = replayed = 0

    def check_touched(section: str) -> None:
        nonlocal checked
        for story in sorted(touched):
            assert diagnostics_text(tmp_path, tmp_path / story) == [], f"story '{story}' after section '{section}'"
            checked += 1
        touched.clear()

    for i, block in enumerate(items):
        if i and block.section != items[i - 1].section:
            check_touched(items[i - 1].section)
        match = MARKER.match(block.text) if block.language == "yaml" else None
        if match is None:
            continue
        kind, story, name = match.groups()
        folder = tmp_path / story
        folder.mkdir(exist_ok=True)
        if kind == "file":
            (folder / name).write_text(block.text, encoding="utf-8")
            touched.add(story)
        elif kind == "recording":
            path = folder / "recordings" / name
            path.parent.mkdir(exist_ok=True)
            path.write_text(block.text, encoding="utf-8")
            outcome = replay_recording(load_story(str(folder)), str(path), read(str(path)))
            assert outcome.ok, f"guide line {block.line}: {outcome.format()}"
            replayed += 1
        else:
            expected = items[i + 1] if i + 1 < len(items) else None
            assert expected is not None and expected.language == "text", f"guide line {block.line}: no text block"
            path = folder / name
            original = path.read_text(encoding="utf-8") if path.exists() else None
            path.write_text(block.text, encoding="utf-8")
            try:
                got = diagnostics_text(tmp_path, folder)
            finally:
                if original is None:
                    path.unlink()
                else:
                    path.write_text(original, encoding="utf-8")
            assert got == expected.text.strip().splitlines(), f"guide line {block.line}"
            broken += 1
    check_touched(items[-1].section)
    assert checked >= 5 and broken >= 15 and replayed >= 1


@pytest.mark.parametrize("kind", sorted(schema.KINDS))
def test_the_reference_lists_every_key(kind: str) -> None:
    text = GUIDE.read_text(encoding="utf-8")
    for key in schema.KINDS[kind]:
        assert f"| `{key}`" in text, f"{kind}: `{key}` has no row in a reference table"


def test_the_guide_shows_the_editor_schema_line() -> None:
    assert "# yaml-language-server: $schema=story.schema.json" in GUIDE.read_text(encoding="utf-8")


# --- `ifengine guide`: the guide ships with the package ------------------------------------


def test_the_installed_package_carries_the_guide() -> None:
    # importlib.resources reads from the installed package, as a wheel install does.
    from importlib import resources

    shipped = resources.files("ifengine.guide").joinpath("authoring.md")
    assert shipped.is_file()
    assert shipped.read_text(encoding="utf-8") == GUIDE.read_text(encoding="utf-8")


def test_the_wheel_config_ships_the_whole_package_folder() -> None:
    import tomllib

    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    assert config["tool"]["hatch"]["build"]["targets"]["wheel"]["packages"] == ["src/ifengine"]
    assert GUIDE.is_relative_to(REPO / "src" / "ifengine")


def test_guide_prints_the_whole_guide_when_not_a_terminal(cli: Cli) -> None:
    code, out, _ = cli("guide")
    assert code == 0
    assert out == GUIDE.read_text(encoding="utf-8")


def test_guide_topic_prints_only_the_matching_section(cli: Cli) -> None:
    code, out, _ = cli("guide", "routes")
    assert code == 0
    assert out.startswith("### Routes\n")
    assert "### Prose" not in out


def test_guide_topic_of_a_top_section_includes_its_subsections(cli: Cli) -> None:
    _, out, _ = cli("guide", "Reference:", "the", "MANIFEST")
    assert out.startswith("## Reference: the manifest, `story.yaml`\n")
    assert "### State variables" in out and "### Endings" in out
    assert "## Reference: scene files" not in out


def test_yaml_comments_in_examples_are_not_headings(cli: Cli) -> None:
    code, _, err = cli("guide", "file: orchard")
    assert code == 1
    assert "no section of the guide is about 'file: orchard'" in err


def test_guide_unknown_topic_suggests_a_close_heading_word(cli: Cli) -> None:
    code, out, err = cli("guide", "routs")
    assert (code, out) == (1, "")
    assert err == "ifengine: no section of the guide is about 'routs' (did you mean 'routes'?)\n"


def test_guide_topics_lists_the_headings(cli: Cli) -> None:
    code, out, _ = cli("guide", "--topics")
    assert code == 0
    assert "Reference: scene files\n  Scenes\n  Choices\n" in out


def test_new_points_to_the_guide_command(cli: Cli, tmp_path: Path) -> None:
    _, out, _ = cli("new", tmp_path / "tale")
    assert "The author's guide: ifengine guide" in out
    manifest = (tmp_path / "tale" / "story.yaml").read_text(encoding="utf-8")
    assert "`ifengine guide` is the full guide" in manifest
    assert "docs/authoring.md" not in manifest


def test_guide_in_a_terminal_goes_through_the_pager(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    import pydoc

    paged: list[str] = []
    monkeypatch.setattr(pydoc, "pager", paged.append)
    monkeypatch.setattr("sys.stdout.isatty", lambda: True)
    code, out, _ = cli("guide", "routes")
    assert (code, out) == (0, "")
    assert paged and paged[0].startswith("### Routes\n")
