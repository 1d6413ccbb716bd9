"""`ifengine graph`: the story map as DOT, Mermaid and SVG."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import LIGHTHOUSE, REPO, SCENES, StoryFactory
from ifengine import load_story
from ifengine.graph import shorten, story_map, to_dot, to_mermaid

Cli = Callable[..., tuple[int, str, str]]
BUNDLED = REPO / "story" / "no-one-saw-us-leave"


def test_dot_groups_scenes_by_episode(cli: Cli) -> None:
    code, out, _ = cli("graph", LIGHTHOUSE)
    assert code == 0
    assert '  subgraph cluster_1 {\n    label="Episode 1: The Shore";\n    "shore" ' in out
    assert 'label="Episode 2: The Tower";' in out


def test_dot_marks_endings_and_the_start(cli: Cli) -> None:
    _, out, _ = cli("graph", LIGHTHOUSE)
    assert '"lit" [label="The lamp room\\n(lit)\\nEND: The Light Returns", shape="doubleoctagon"' in out
    assert '"shore" [label="On the shore\\n(shore)", penwidth="2.5", URL=' in out


def test_dot_edges_carry_choice_text_and_conditions(cli: Cli) -> None:
    _, out, _ = cli("graph", LIGHTHOUSE)
    assert '"shore" -> "cottage" [label="Climb the path to the lighthouse\\n[requires lamp in items]"' in out
    assert '"shore" -> "rocks" [label="Wade out to the rocks\\n[if not soaked]"];' in out
    assert '"shore" -> "shore" [label="Search the boat\\n[once]"];' in out


def test_dot_route_edges_are_dashed_with_their_conditions(cli: Cli) -> None:
    _, out, _ = cli("graph", LIGHTHOUSE)
    assert '"door" -> "lit" [label="[if key in items]", style="dashed"];' in out
    assert '"door" -> "unlit" [label="[otherwise]", style="dashed"];' in out
    assert '"rocks" -> "shore" [style="dashed"];' in out


def test_long_choice_text_is_shortened_at_a_word() -> None:
    assert shorten("Sit by the cold stove and wait for morning", 34) == "Sit by the cold stove and wait…"
    assert shorten("Short  and\nsweet", 34) == "Short and sweet"


def test_scene_the_explorer_proves_unreachable_is_flagged(cli: Cli, make_story: StoryFactory) -> None:
    root = make_story(scenes=SCENES.replace("if: coin in bag", "if: n > 5 and coin in bag"))
    code, out, _ = cli("graph", root)
    assert code == 0
    assert '"won" [label="Won\\n(won)\\nEND: Win\\nUNREACHABLE"' in out
    assert '"lost" [label="Lost\\n(lost)\\nEND: Lose"' in out
    assert out.startswith("// explored: ")


def test_choice_that_is_never_open_is_drawn_dotted(cli: Cli, make_story: StoryFactory) -> None:
    root = make_story(scenes=SCENES.replace("      - text: Leave\n", "      - text: Leave\n        if: n > 2\n"))
    _, out, _ = cli("graph", root)
    assert '"a" -> "b" [label="Leave\\n[if n > 2]\\n(never open)", color="#c0392b"' in out


def test_without_exploring_only_unlinked_scenes_are_flagged(cli: Cli, make_story: StoryFactory) -> None:
    root = make_story(scenes=SCENES + "  orphan:\n    text: Nobody comes here.\n    goto: lost\n")
    _, out, _ = cli("graph", "--no-explore", root)
    assert out.startswith("// not explored: only scenes that no choice or route leads to are flagged\n")
    assert '"orphan" [label="Orphan\\n(orphan)\\nUNREACHABLE"' in out


def test_exploration_limit_is_stated_and_only_links_are_used(cli: Cli) -> None:
    code, out, _ = cli("graph", "--max-states", "50", BUNDLED)
    assert code == 0
    assert out.startswith(
        "// exploration stopped by the state limit of 50: only scenes that no choice or route leads to"
    )
    assert "UNREACHABLE" not in out


def test_mermaid_has_subgraphs_shapes_and_classes(cli: Cli) -> None:
    code, out, _ = cli("graph", "--format", "mermaid", LIGHTHOUSE)
    assert code == 0
    lines = out.splitlines()
    assert lines[1] == "flowchart TD"
    assert '  subgraph g1["Episode 1: The Shore"]' in lines
    assert '    s_lit(["The lamp room<br/>(lit)<br/>END: The Light Returns"])' in lines
    assert '    s_door{{"Door<br/>(door)"}}' in lines
    assert '  s_cottage -->|"Try the tower door<br/>[requires courage #gt;= 3]"| s_door' in lines
    assert '  s_door -.->|"[if letter in items]"| s_daughter' in lines
    assert "  class s_shore start" in lines


def test_mermaid_escapes_quotes_and_avoids_keywords(make_story: StoryFactory) -> None:
    root = make_story(
        scenes=SCENES.replace("text: Leave", "text: 'Say \"no\" & leave'")
        .replace("won:", "end:")
        .replace("goto: won", "goto: end")
    )
    out = to_mermaid(story_map(load_story(str(root))))
    assert '|"Say #quot;no#quot; #amp; leave"|' in out
    assert "    s_end([" in out


def test_dot_escapes_quotes_and_backslashes(make_story: StoryFactory) -> None:
    root = make_story(scenes=SCENES.replace("text: Leave", "text: 'Say \"no\" \\ leave'"))
    out = to_dot(story_map(load_story(str(root))))
    assert '[label="Say \\"no\\" \\\\ leave"]' in out


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz is not installed")
def test_svg_is_drawn_by_graphviz(cli: Cli) -> None:
    code, out, err = cli("graph", "--format", "svg", LIGHTHOUSE)
    assert code == 0 and err == ""
    assert "<svg" in out and "The lamp room" in out


def test_svg_without_graphviz_says_what_to_do(cli: Cli, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    code, out, err = cli("graph", "--format", "svg", LIGHTHOUSE)
    assert code == 1 and out == ""
    assert err == (
        "ifengine: --format svg needs Graphviz's dot program, which is not installed; nothing was written "
        "(install the graphviz package, or use --format dot or mermaid)\n"
    )


def test_svg_output_file_is_not_created_without_graphviz(
    cli: Cli, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    code, _, _ = cli("graph", "--format", "svg", "-o", tmp_path / "map.svg", LIGHTHOUSE)
    assert code == 1
    assert sorted(tmp_path.iterdir()) == []


def test_output_option_writes_the_map_to_the_file(cli: Cli, tmp_path: Path) -> None:
    code, out, err = cli("graph", "--output", tmp_path / "map.dot", LIGHTHOUSE)
    assert (code, out, err) == (0, "", f"wrote {tmp_path}/map.dot\n")
    assert (tmp_path / "map.dot").read_text(encoding="utf-8").startswith("// explored: ")


def test_output_into_a_missing_folder_is_a_one_line_error(cli: Cli, tmp_path: Path) -> None:
    code, _, err = cli("graph", "-o", tmp_path / "nowhere" / "map.dot", LIGHTHOUSE)
    assert code == 1
    assert err == f"ifengine: cannot write {tmp_path}/nowhere/map.dot: No such file or directory\n"


def test_each_scene_links_to_its_file_and_line(cli: Cli) -> None:
    _, out, _ = cli("graph", LIGHTHOUSE)
    assert 'URL="./shore.yaml#L3", tooltip="shore.yaml:3"' in out


def test_scene_file_named_like_a_url_scheme_stays_a_relative_link(make_story: StoryFactory) -> None:
    root = make_story(scenes=SCENES)
    (root / "scenes.yaml").rename(root / "javascript:x.yaml")
    manifest = (root / "story.yaml").read_text(encoding="utf-8")
    (root / "story.yaml").write_text(manifest.replace("scenes.yaml", "'javascript:x.yaml'"), encoding="utf-8")
    out = to_dot(story_map(load_story(str(root))))
    assert 'URL="./javascript%3Ax.yaml#L' in out


def test_edges_into_another_episode_do_not_rank_it_below(cli: Cli) -> None:
    # Episodes stand side by side instead of one long strip.
    _, out, _ = cli("graph", LIGHTHOUSE)
    assert (
        '"shore" -> "cottage" [label="Climb the path to the lighthouse\\n[requires lamp in items]", constraint="false"];'
        in out
    )
    assert '"door" -> "lit" [label="[if key in items]", style="dashed"];' in out


def test_self_loops_of_a_scene_are_drawn_as_one_with_stacked_labels(make_story: StoryFactory) -> None:
    root = make_story(
        scenes=SCENES.replace(
            "      - text: Leave\n",
            "      - text: Wait\n        goto: a\n      - text: Pace\n        goto: a\n      - text: Leave\n",
        )
    )
    out = to_dot(story_map(load_story(str(root))))
    assert out.count('"a" -> "a"') == 1
    assert '"a" -> "a" [label="Wait\\nPace"];' in out


def test_graph_of_a_broken_story_reports_its_errors(cli: Cli, make_story: StoryFactory) -> None:
    root = make_story(scenes=SCENES.replace("goto: won", "goto: wno"))
    code, out, err = cli("graph", root)
    assert code == 1 and out == ""
    assert err.startswith(f"{root}/scenes.yaml:13:15: error: unknown scene 'wno'")


def test_graph_of_the_bundled_story_has_every_scene_and_episode(cli: Cli) -> None:
    story = load_story(str(BUNDLED))
    code, out, _ = cli("graph", "--no-explore", BUNDLED)
    assert code == 0
    assert out.count("  subgraph cluster_") == len({s.episode.number for s in story.scenes.values() if s.episode})
    for scene_id in story.scenes:
        assert f'    "{scene_id}" [label=' in out
    assert "UNREACHABLE" not in out
