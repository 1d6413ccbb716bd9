"""A returning player never loses a game: the autosaves of the last five games are kept, the shortest let go first."""

from __future__ import annotations

from pathlib import Path

import pytest

from ifengine.loader import load_story
from ifengine.model import Story
from ifengine.play.session import Session
from ifengine.saves import KEPT_SLOTS, SaveStore

LOOP = """\
scenes:
  a:
    choices:
      - {text: Again, goto: a}
      - {text: Stop, goto: end}
  end:
    ending: win
"""


@pytest.fixture
def loop(make_story) -> Story:  # type: ignore[no-untyped-def]
    return load_story(str(make_story(scenes=LOOP)))


def play(story: Story, tmp_path: Path, game: str, choices: int) -> None:
    session = Session(story, SaveStore(str(tmp_path / "saves"), story), game=game)
    for _ in range(choices):
        session.pick(1)


def kept(story: Story, tmp_path: Path) -> dict[str, tuple[str, int]]:
    store = SaveStore(str(tmp_path / "saves"), story)
    out = {}
    for slot in KEPT_SLOTS:
        if slot in store.slots():
            save = store.read(slot)
            out[slot] = (save.meta.game, len(save.state["history"]))
    return out


def test_the_last_five_games_are_kept_newest_first(loop: Story, tmp_path: Path) -> None:
    for n, game in enumerate(["g1", "g2", "g3", "g4", "g5"], 1):
        play(loop, tmp_path, game, n)
    assert kept(loop, tmp_path) == {
        "autosave": ("g5", 5),
        "autosave-previous": ("g4", 4),
        "autosave-3": ("g3", 3),
        "autosave-4": ("g2", 2),
        "autosave-5": ("g1", 1),
    }


def test_a_long_game_is_never_pushed_out_by_one_choice_games(loop: Story, tmp_path: Path) -> None:
    play(loop, tmp_path, "long", 6)
    for k in range(8):  # accidental new games, one choice each
        play(loop, tmp_path, f"oops{k}", 1)
    games = kept(loop, tmp_path)
    assert ("long", 6) in games.values() and len(games) == 5
    assert games["autosave"] == ("oops7", 1)


def test_the_shortest_of_the_older_games_is_let_go(loop: Story, tmp_path: Path) -> None:
    for game, n in [("a", 9), ("b", 2), ("c", 7), ("d", 2), ("e", 5)]:
        play(loop, tmp_path, game, n)
    play(loop, tmp_path, "f", 3)
    games = {g for g, _ in kept(loop, tmp_path).values()}
    assert games == {"a", "c", "d", "e", "f"}  # b and d had two choices each: b, the older, went
