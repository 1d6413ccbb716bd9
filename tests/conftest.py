"""Shared helpers: build small stories in a temporary folder, run the CLI in-process."""

from __future__ import annotations

import os
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from ifengine.cli import main

REPO = Path(__file__).resolve().parent.parent
LIGHTHOUSE = REPO / "story" / "lighthouse"

MANIFEST = """\
id: tiny
title: Tiny
start: a
state:
  n: {type: int, min: 0, max: 3}
  f: {type: flag}
  bag: {type: set, of: {coin: A coin, map: A map}}
endings:
  win: {title: Win, theme: joy}
  lose: {title: Lose, theme: grief}
"""

SCENES = """\
scenes:
  a:
    text: Start.
    choices:
      - text: Take the coin
        do: [bag += coin, n += 1]
        goto: b
      - text: Leave
        goto: b
  b:
    route:
      - if: coin in bag
        goto: won
      - goto: lost
  won:
    text: You won.
    ending: win
    do: [f = true]
  lost:
    text: You lost.
    ending: lose
"""


StoryFactory = Callable[..., Path]


@pytest.fixture
def make_story(tmp_path: Path) -> StoryFactory:
    """Write a story folder: manifest text plus scene files given as name=text."""

    def make(manifest: str = MANIFEST, **files: str) -> Path:
        root = tmp_path / "story"
        root.mkdir(exist_ok=True)
        (root / "story.yaml").write_text(textwrap.dedent(manifest), encoding="utf-8")
        if not files:
            files = {"scenes": SCENES}
        for name, text in files.items():
            (root / f"{name}.yaml").write_text(textwrap.dedent(text), encoding="utf-8")
        return root

    return make


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Callable[..., tuple[int, str, str]]:
    """Run `ifengine ARGS` in-process with the given standard input; returns (code, out, err)."""

    def run(*args: str, stdin: str = "") -> tuple[int, str, str]:
        import io

        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
        monkeypatch.setenv("NO_COLOR", "1")
        code = main([os.fspath(a) for a in args])
        out, err = capsys.readouterr()
        return code, out, err

    return run


def scenes_entered(story, path):  # type: ignore[no-untyped-def]
    """Every scene a game entered along `path` (choice keys from the start).

    A game state counts visits only to scenes the story reads, so witnesses are
    checked by stepping with every scene counted."""
    from ifengine.runtime import begin, step
    from ifengine.state import GameState

    state = GameState(*begin(story))
    for key in path:
        choice = story.choice(key)
        state = GameState(*step(story, choice, state.values, state.visits, state.taken, (), ()))
    return set(state.visits)
