"""The Night Ferry: an original ink story (examples/ink-port) and its port into the format.

The port must check and explore clean, replay its walkthroughs, stay within
1.2 times the ink's lines, and, where node and inkjs are at hand, read word for
word like the ink played by inkjs on the same choices (chance aside: the
sentences that luck picks are set apart before comparing).
"""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import REPO
from ifengine.explorer import explore
from ifengine.loader import load_story, read_story
from ifengine.model import Story
from ifengine.recording import read
from ifengine.replaying import replay_recording
from ifengine.runtime import choose, start

PORT = REPO / "story" / "night-ferry"
INK = REPO / "examples" / "ink-port" / "night-ferry.ink"
PLAYER = REPO / "examples" / "ink-port" / "play.js"

# What luck decides (the shuffled weather, the wave and the lashings it sends you to):
# the two engines draw differently, so these are set aside before comparing.
LUCK = (
    "Rain comes in over the breakwater.",
    "Fog sits on the water like wool.",
    "A thin wind works at the flags.",
    "A wave comes over the bow and the whole ship leans into it.",
    "The sea holds steady for now.",
    "You go below to check the lashings on the lorries.",
    "The lashings again. Your hands know the knots now.",
    "The chains hold.",
)


def lines(path: Path) -> int:
    return sum(1 for line in path.read_text(encoding="utf-8").splitlines() if line.strip())


def test_the_port_checks_and_explores_clean() -> None:
    story, diagnostics = read_story(str(PORT))
    assert story is not None and diagnostics == []
    report = explore(story)
    assert report.complete and not report.errors
    for kind in ("scenes", "choices", "endings"):
        assert report.verdicts.counts(kind)["reachable"] == len(report.verdicts.items[kind]), kind
    assert report.assumptions and all(a.verdict == "proven" for a in report.assumptions)


def test_the_port_replays_a_walkthrough_for_every_ending() -> None:
    story = load_story(str(PORT))
    walks = sorted((PORT / "walkthroughs").glob("*.yaml"))
    assert {read(str(w)).ending for w in walks} == set(story.endings)
    for walk in walks:
        outcome = replay_recording(story, str(walk), read(str(walk)))
        assert outcome.ok, outcome.format()


def test_the_port_is_at_most_1_2_times_the_ink() -> None:
    port = sum(lines(p) for p in PORT.glob("*.yaml"))
    assert port <= 1.2 * lines(INK), (port, lines(INK))


def words(texts: list[str]) -> str:
    joined = " ".join(texts)
    for sentence in LUCK:
        joined = joined.replace(sentence, " ")
    return " ".join(joined.split())


def our_game(
    story: Story, rng: random.Random, keys: tuple[str, ...] = ()
) -> tuple[list[tuple[str, list[str]]], list[str]]:
    """A game (random, or by the given choice keys): each turn's words and menu, and the menu texts chosen."""
    turn = start(story, seed=rng.randrange(1 << 30))
    turns, path = [], []
    while True:
        shown = [p for passage in turn.passages for p in passage.paragraphs]
        turns.append((words(shown), [o.text for o in turn.options]))
        if turn.ending is not None:
            return turns, path
        if keys:
            option = next(o for o in turn.open_options if o.choice.key == keys[len(path)])
        else:
            option = rng.choice(turn.open_options)
        path.append(option.text)
        turn = choose(story, turn.state, option.choice.key)


def inkjs() -> tuple[str, str] | None:
    """The inkjs compiler and its node_modules folder, from INKJS_COMPILER or ./node_modules; None if absent."""
    compiler = os.environ.get("INKJS_COMPILER") or str(REPO / "node_modules" / "inkjs" / "bin" / "inkjs-compiler.js")
    if shutil.which("node") is None or not Path(compiler).is_file():
        return None
    return compiler, str(Path(compiler).resolve().parents[2])


@pytest.mark.skipif(inkjs() is None, reason="needs node and inkjs (npm install inkjs, or set INKJS_COMPILER)")
def test_the_port_reads_like_the_ink_played_by_inkjs(tmp_path: Path) -> None:
    found = inkjs()
    assert found is not None
    compiler, modules = found
    compiled = tmp_path / "night-ferry.json"
    subprocess.run(["node", compiler, str(INK), "-o", str(compiled)], check=True, capture_output=True, timeout=60)
    story = load_story(str(PORT))
    rng = random.Random(2026)
    walks = [read(str(w)).choices for w in sorted((PORT / "walkthroughs").glob("*.yaml"))]
    endings = set()
    for keys in [*walks, *[()] * 12]:  # one game per ending, then random games
        ours, path = our_game(story, rng, keys)
        result = subprocess.run(
            ["node", str(PLAYER), str(compiled), *path],
            capture_output=True,
            text=True,
            timeout=60,
            env={**os.environ, "NODE_PATH": modules},
            check=True,
        )
        theirs = [json.loads(line) for line in result.stdout.splitlines()]
        assert [(words(t["text"]), t["choices"]) for t in theirs] == ours, path
        endings.add(path[-1])
    assert len(endings) == 3
