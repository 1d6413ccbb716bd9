"""`stats --play`: how much a playthrough's prose varies (conditional text, text shared between endings)."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable

import pytest

from conftest import LIGHTHOUSE, MANIFEST, StoryFactory
from ifengine import load_story
from ifengine.stats import fixed_words
from ifengine.variation import ALL, measure

Cli = Callable[..., tuple[int, str, str]]

# Every game shows 11 words: 4 fixed at the start, 5 in `b` (4 of them conditional), 2 at the ending.
BRANCHING = """\
scenes:
  a:
    text: Four words of start.
    choices:
      - text: Take the coin
        do: [bag += coin]
        goto: b
      - text: Leave
        goto: b
  b:
    text: "Here {if coin in bag}you hold the coin{else}your hands are empty{/if}."
    choices:
      - text: Go on
        goto: c
  c:
    route:
      - if: coin in bag
        goto: won
      - goto: lost
  won:
    text: You won.
    ending: win
  lost:
    text: You lost.
    ending: lose
"""


def test_fixed_words_leave_out_if_blocks_tags_and_interpolations() -> None:
    source = "A *bold* {if n > 1}maybe{elif f}perhaps{else}never{/if} word {n} {seq: one|two} end."
    assert fixed_words(source) == Counter({"A": 1, "bold": 1, "word": 1, "end.": 1})


def test_fixed_words_of_nested_blocks() -> None:
    assert fixed_words("x {if f}a {if g}b{/if} c{/if} y") == Counter({"x": 1, "y": 1})


def test_conditional_share_counts_the_words_an_if_block_showed(make_story: StoryFactory) -> None:
    story = load_story(str(make_story(MANIFEST, scenes=BRANCHING)))
    result = measure(story, 40, seed=3)
    whole = result.parts[0]
    assert [p.name for p in result.parts] == [ALL, "scenes.yaml"]  # no episode: grouped by file
    assert whole.words is not None and whole.words.low == whole.words.high == 11
    assert whole.conditional is not None and whole.conditional.median == 4 / 11


def test_identical_share_compares_only_games_with_different_endings(make_story: StoryFactory) -> None:
    story = load_story(str(make_story(MANIFEST, scenes=BRANCHING)))
    result = measure(story, 40, seed=3)
    assert set(result.endings) == {"win", "lose"}
    assert result.pairs == result.endings["win"] * result.endings["lose"]
    # Only the opening paragraph (4 of 11 words) is the same in a won and a lost game.
    whole = result.parts[0]
    assert whole.identical is not None and whole.identical.low == whole.identical.high == 4 / 11


def test_the_scenes_that_read_the_same_are_named_with_their_place(cli: Cli, make_story: StoryFactory) -> None:
    root = make_story(MANIFEST, scenes=BRANCHING)
    result = measure(load_story(str(root)), 40, seed=3)
    assert [(s.scene, s.words, s.pos.line) for s in result.shared] == [("a", 4.0, 2)]
    _, out, _ = cli("stats", root, "--play", "40", "--seed", "3")
    assert out.splitlines()[-1] == f"        4  a ({root / 'scenes.yaml'}:2:3)"


def test_one_ending_gives_no_pairs_and_says_so(cli: Cli, make_story: StoryFactory) -> None:
    one_way = BRANCHING.replace("if: coin in bag", "if: false")
    code, out, _ = cli("stats", make_story(MANIFEST, scenes=one_way), "--play", "5")
    assert code == 0
    assert "compared over 0 pairs" in out
    assert "identical between different endings: unknown" in out


def test_games_that_never_end_are_counted_apart(cli: Cli, make_story: StoryFactory) -> None:
    loop = """\
    scenes:
      a:
        text: Round and round.
        choices:
          - text: Again
            goto: a
          - text: Stop
            if: false
            goto: done
      done:
        text: Done.
        ending: win
    """
    manifest = MANIFEST.replace("  lose: {title: Lose, theme: grief}\n", "")
    code, out, _ = cli("stats", make_story(manifest, scenes=loop), "--play", "2")
    assert code == 0
    assert "2 reached no ending (stuck, or cut at 2,000 choices)." in out


def test_json_holds_the_playthrough_figures(cli: Cli) -> None:
    code, out, _ = cli("stats", LIGHTHOUSE, "--play", "30", "--seed", "7", "--json")
    assert code == 0
    data = json.loads(out)["playthroughs"]
    assert data["games"] == 30 and data["seed"] == 7
    assert sum(data["endings"].values()) + data["unended"] == 30
    assert [p["name"] for p in data["parts"]] == ["all", "episode 1", "episode 2"]
    assert 0 < data["parts"][0]["conditional_share"]["median"] < 1


def test_the_same_seed_gives_the_same_figures(cli: Cli) -> None:
    first = cli("stats", LIGHTHOUSE, "--play", "20", "--seed", "5")
    again = cli("stats", LIGHTHOUSE, "--play", "20", "--seed", "5")
    assert first == again


def test_play_must_be_a_positive_number(cli: Cli, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        cli("stats", LIGHTHOUSE, "--play", "0")
    assert info.value.code == 2
    assert (
        capsys.readouterr().err.splitlines()[-1] == "ifengine stats: error: argument --play: must be at least 1, got 0"
    )
