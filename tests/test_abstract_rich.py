"""Beyond exhaustive search on the benchmark's rich stories (loops, visit counts): no false verdict."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import MANIFEST, StoryFactory
from ifengine.abstract import prove_unreachable
from ifengine.budget import never
from ifengine.explorer import explore
from ifengine.loader import load_story
from ifengine.model import Story
from ifengine.random_play import sample
from test_richstory import richstory

KINDS = ("scenes", "choices", "endings")


def rich_story(root: Path, size: int, seed: int, ints: int, flags: int) -> Story:
    richstory().write_story(root, size, seed=seed, ints=ints, flags=flags, sets=1, back_edges=True)
    return load_story(str(root))


def search_only(phase: str) -> Callable[[], str | None]:
    """No budget for the search; the phases after it (shares) stop at once: only verdicts matter here."""
    return never if phase == "search" else lambda: "not needed"


@pytest.mark.parametrize("seed", range(30))
def test_nothing_proven_unreachable_in_a_looping_rich_story_is_reached_by_exhaustive_search(
    tmp_path: Path, seed: int
) -> None:
    story = rich_story(tmp_path, 12, seed, ints=1, flags=2)
    report = explore(story, max_states=2000, budget=search_only)
    if not report.complete:
        pytest.skip("too big for exhaustive search: the random-game test covers such stories")
    proof = prove_unreachable(story, never)
    assert proof.complete
    for kind, proven in zip(KINDS, (proof.scenes, proof.choices, proof.endings), strict=True):
        assert proven <= set(report.verdicts.with_status(kind, "unreachable")), kind


def test_nothing_proven_unreachable_in_a_looping_rich_story_is_reached_by_2000_random_games(tmp_path: Path) -> None:
    story = rich_story(tmp_path, 60, seed=1, ints=3, flags=3)
    proof = prove_unreachable(story, never)
    games = sample(story, 2000, seed=5, stop_reason=never, max_steps=60)
    assert games.games == 2000 and proof.choices, "the test needs both games and proofs to mean anything"
    assert not proof.scenes & set(games.scenes)
    assert not proof.choices & set(games.choices)
    assert not proof.endings & set(games.endings)


def corridor(rooms: int) -> str:
    """Rooms in a row, two of each room's three doors losing; in the last, a door only a flag never set opens."""
    lines = ["scenes:", "  a:", "    goto: r0"]
    for i in range(rooms):
        nxt = f"r{i + 1}" if i + 1 < rooms else "won"
        lines += [f"  r{i}:", "    choices:", f"      - {{text: On, goto: {nxt}}}"]
        lines += ["      - {text: Left, goto: lost}", "      - {text: Right, goto: lost}"]
    lines[-2:-2] = ["      - {text: Cheat, if: f, goto: won}"]
    lines += ["  won:", "    ending: win", "  lost:", "    ending: lose"]
    return "\n".join(lines) + "\n"


def test_explore_of_a_story_too_big_for_50_states_gets_verdicts_from_proofs_and_directed_search(
    cli: Callable[..., tuple[int, str, str]], make_story: StoryFactory
) -> None:
    code, out, _ = cli("explore", "--max-states", "50", str(make_story(MANIFEST, scenes=corridor(80))))
    assert "INCOMPLETE: the search was stopped by the state limit of 50" in out
    assert "choice 'r79:cheat' is never open in real play (proven by abstract interpretation)" in out
    assert "win: Win (a path found by directed search: 80 choices)" in out
    verdicts = next(line for line in out.splitlines() if line.startswith("Verdicts: "))
    assert "1 by abstract interpretation" in verdicts and "by directed search" in verdicts
    assert verdicts.endswith("; 0 unknown.")
    assert code == 1  # something is proven unreachable
