"""Calls, chance and local values through sessions, save files, undo, recordings and replay."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from conftest import StoryFactory
from ifengine.loader import load_story
from ifengine.play.session import Session
from ifengine.recording import Recording, read
from ifengine.runtime import replay
from ifengine.saves import SaveStore

MANIFEST = """\
id: luck
title: Luck
start: hall
state:
  coins: {type: int, min: 0, max: 9}
endings:
  rich: {title: Rich, theme: t}
  poor: {title: Poor, theme: t}
"""

SCENES = """\
scenes:
  hall:
    text: "{shuffle: A hall. | A long hall. | A cold hall.}"
    choices:
      - text: Toss a coin
        route:
          - {chance: 1, goto: win}
          - {chance: 1, goto: hall}
      - text: Count them
        call: count
        goto: hall
        once: true
      - {text: Stop, goto: done}
  win:
    do: coins += 1
    goto: hall
  count:
    text: "You count {coins}."
    choices:
      - {text: Done counting, goto: return}
  done:
    route:
      - {if: coins >= 2, goto: rich_end}
      - goto: poor_end
  rich_end:
    ending: rich
  poor_end:
    ending: poor
"""


def session(root: Path, tmp_path: Path, seed: int, recorder: Callable[[Recording], None] | None = None) -> Session:
    story = load_story(str(root))
    return Session(story, SaveStore(str(tmp_path / "saves"), story), seeds=lambda: seed, recorder=recorder)


def test_a_save_taken_inside_a_call_loads_back_into_it(make_story: StoryFactory, tmp_path: Path) -> None:
    root = make_story(MANIFEST, scenes=SCENES)
    first = session(root, tmp_path, 11)
    first.handle("2")  # count: called
    first.handle("save inside")
    second = session(root, tmp_path, 99)
    second.handle("load inside")
    assert second.turn.state == first.turn.state and second.turn.state.stack == ("hall",)
    second.handle("1")  # done counting: returns
    assert second.turn.state.scene == "hall" and second.turn.state.stack == ()


def test_a_loaded_game_keeps_its_luck_and_undo_replays_it(make_story: StoryFactory, tmp_path: Path) -> None:
    root = make_story(MANIFEST, scenes=SCENES)
    first = session(root, tmp_path, 12345)
    for _ in range(6):
        first.handle("1")
    first.handle("save six")
    saved = json.loads((tmp_path / "saves" / "luck" / "six.json").read_text())
    assert saved["state"]["seed"] == 12345
    second = session(root, tmp_path, 1)
    second.handle("load six")
    assert second.turn.state == first.turn.state
    second.handle("undo")
    second.handle("1")
    first.handle("undo")
    first.handle("1")
    assert second.turn.state == first.turn.state
    assert [p.paragraphs for p in second.turn.passages] == [p.paragraphs for p in first.turn.passages]


def test_a_recording_of_a_chance_game_keeps_its_seed_and_replays(
    make_story: StoryFactory, tmp_path: Path, cli: Callable[..., tuple[int, str, str]]
) -> None:
    root = make_story(MANIFEST, scenes=SCENES)
    story = load_story(str(root))
    keys = ["hall:toss-a-coin"] * 4 + ["hall:stop"]
    unlucky = replay(story, keys, 0).state.ending
    seed = next(s for s in range(1, 500) if replay(story, keys, s).state.ending != unlucky)  # luck that matters
    recorded: list[Recording] = []
    game = session(root, tmp_path, seed, recorded.append)
    for line in ["1", "1", "1", "1", "3"]:
        game.handle(line)
    assert recorded and recorded[-1].seed == seed and recorded[-1].ending not in (None, unlucky)
    path = tmp_path / "game.yaml"
    from ifengine.recording import write

    write(str(path), recorded[-1])
    assert read(str(path)) == recorded[-1]
    code, out, _ = cli("replay", "--story", str(root), str(path))
    assert code == 0, out


def test_an_old_save_without_stack_or_seed_still_loads(make_story: StoryFactory, tmp_path: Path) -> None:
    root = make_story(MANIFEST, scenes=SCENES)
    first = session(root, tmp_path, 7)
    first.handle("1")
    first.handle("save old")
    path = tmp_path / "saves" / "luck" / "old.json"
    data = json.loads(path.read_text())
    del data["state"]["stack"], data["state"]["seed"]
    path.write_text(json.dumps(data))
    second = session(root, tmp_path, 8)
    out = second.handle("load old")
    assert second.turn.state.scene == first.turn.state.scene and second.turn.state.seed == 0, out
