"""`ifengine stats`: size per episode, endings, and where each variable is read and written."""

from __future__ import annotations

import json
from collections.abc import Callable

from conftest import LIGHTHOUSE, MANIFEST, REPO, SCENES, StoryFactory
from ifengine import load_story
from ifengine.stats import story_stats, words

Cli = Callable[..., tuple[int, str, str]]
BUNDLED = REPO / "story" / "no-one-saw-us-leave"


def test_words_skip_tags_but_count_conditional_prose() -> None:
    assert words("You have {n} coins.") == 3
    assert words("{if n > 2}Rich, *very* rich.{else}Poor.{/if}") == 4
    assert words("A literal {{brace}} -- and a dash") == 6


def test_table_counts_scenes_choices_endings_and_words_per_episode(cli: Cli) -> None:
    code, out, _ = cli("stats", LIGHTHOUSE)
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "The Lighthouse"
    assert lines[3].split() == ["Episode", "1:", "The", "Shore", "2", "3", "0", "96"]
    assert lines[4].split() == ["Episode", "2:", "The", "Tower", "5", "3", "3", "169"]
    assert lines[5].split() == ["All", "7", "6", "3", "265"]


def test_scenes_without_an_episode_are_grouped_by_file(cli: Cli, make_story: StoryFactory) -> None:
    root = make_story()
    _, out, _ = cli("stats", root)
    assert out.splitlines()[3].split() == ["scenes.yaml", "4", "2", "2", "9"]


def test_endings_list_the_scenes_that_end_with_them(cli: Cli) -> None:
    _, out, _ = cli("stats", LIGHTHOUSE)
    assert "  light: The Light Returns (hope); ended by lit" in out.splitlines()


def test_variables_show_where_they_are_read_and_written(cli: Cli) -> None:
    _, out, _ = cli("stats", LIGHTHOUSE)
    lines = out.splitlines()
    at = lines.index("  courage (int 0..5): read in 3 places, written in 1 place")
    assert lines[at + 1] == "    read by: shore, cottage:try-the-tower-door, lit"
    assert lines[at + 2] == "    written by: shore:wade-out-to-the-rocks"


def test_prose_that_shows_a_variable_counts_as_a_read(make_story: StoryFactory) -> None:
    root = make_story(scenes=SCENES.replace("text: You won.", "text: 'You won {n} times. {if f}Again!{/if}'"))
    stats = story_stats(load_story(str(root)))
    assert [(u.where, u.what) for u in stats.variables["n"].reads] == [("won", "text")]
    assert [(u.where, u.what) for u in stats.variables["f"].reads] == [("won", "text")]


def test_an_effect_does_not_read_its_own_target(make_story: StoryFactory) -> None:
    stats = story_stats(load_story(str(make_story())))
    assert stats.variables["n"].reads == []
    assert [u.where for u in stats.variables["n"].writes] == ["a:take-the-coin"]
    assert [(u.where, u.what) for u in stats.variables["bag"].reads] == [("b", "route")]


def test_effects_that_compute_from_other_variables_read_them(make_story: StoryFactory) -> None:
    manifest = MANIFEST.replace("  f: {type: flag}", "  f: {type: flag}\n  m: {type: int, min: 0, max: 9}")
    root = make_story(manifest, scenes=SCENES.replace("do: [bag += coin, n += 1]", "do: [bag += coin, m = n + 1]"))
    stats = story_stats(load_story(str(root)))
    assert [(u.where, u.what) for u in stats.variables["n"].reads] == [("a:take-the-coin", "do")]


def test_json_has_parts_totals_endings_and_located_uses(cli: Cli) -> None:
    code, out, _ = cli("stats", "--json", LIGHTHOUSE)
    data = json.loads(out)
    assert code == 0
    assert data["story"] == {"id": "lighthouse", "title": "The Lighthouse"}
    assert data["episodes"][0] == {
        "title": "Episode 1: The Shore",
        "file": "shore.yaml",
        "episode": 1,
        "scenes": 2,
        "choices": 3,
        "endings": 0,
        "words": 96,
    }
    assert data["total"] == {"scenes": 7, "choices": 6, "endings": 3, "words": 265}
    assert data["endings"][0] == {"id": "light", "title": "The Light Returns", "theme": "hope", "scenes": ["lit"]}
    soaked = next(v for v in data["variables"] if v["name"] == "soaked")
    assert soaked["writes"] == [
        {
            "where": "shore:wade-out-to-the-rocks",
            "what": "do",
            "path": f"{LIGHTHOUSE}/shore.yaml",
            "line": 17,
            "col": 9,
        }
    ]


def test_bundled_story_totals_match_the_model(cli: Cli) -> None:
    story = load_story(str(BUNDLED))
    code, out, _ = cli("stats", "--json", BUNDLED)
    data = json.loads(out)
    assert code == 0
    assert data["total"]["scenes"] == len(story.scenes)
    assert data["total"]["choices"] == len(story.all_choices())
    assert data["total"]["endings"] == sum(1 for s in story.scenes.values() if s.ending)
    assert sum(p["words"] for p in data["episodes"]) == data["total"]["words"] > 10_000
    assert {v["name"] for v in data["variables"]} == set(story.variables)


def test_long_lists_of_places_are_cut_in_text(cli: Cli) -> None:
    _, out, _ = cli("stats", BUNDLED)
    assert "more (--json lists all)" in out


def test_stats_of_a_broken_story_exits_1(cli: Cli, make_story: StoryFactory) -> None:
    root = make_story(scenes=SCENES.replace("goto: won", "goto: wno"))
    code, out, err = cli("stats", root)
    assert code == 1 and out == ""
    assert "unknown scene 'wno'" in err
