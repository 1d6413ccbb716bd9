"""Seeded, budgeted random play: ending shares when the state graph loops, witnesses when the search stopped.

A game that hits its step cap has reached no ending: it is counted apart,
never as reaching what it did not reach. Random play can only show items
reachable (with the path it took); it never shows anything unreachable.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field

from .budget import StopReason
from .model import Choice, Story
from .runtime import GameError, advance, begin, open_choices, start, step
from .state import GameState

MAX_STEPS = 10_000  # steps in one game
MAX_TOTAL_STEPS = 1_000_000  # steps in one sample, whatever the time budget
CHECK_EVERY = 256  # steps between budget checks


def random_playthrough(story: Story, rng: random.Random, max_steps: int = MAX_STEPS) -> GameState:
    """One game with every choice picked uniformly at random among the open ones."""
    state = start(story, seed=rng.getrandbits(53)).state
    for _ in range(max_steps):
        if state.ending is not None:
            return state
        choices: list[Choice] = open_choices(story, state)
        if not choices:
            return state
        state = advance(story, state, rng.choice(choices))
    return state


@dataclass
class Sample:
    """What a run of random games found."""

    games: int = 0
    ended: dict[str, int] = field(default_factory=dict)  # games ending at each ending
    stuck: int = 0  # games with no open choice
    capped: int = 0  # games that hit the step cap: they reached no ending
    stopped: str | None = None  # the budget that ended sampling early, if any
    scenes: dict[str, tuple[str, ...]] = field(default_factory=dict)  # first path seen to each
    choices: dict[str, tuple[str, ...]] = field(default_factory=dict)
    endings: dict[str, tuple[str, ...]] = field(default_factory=dict)


def _keep(table: dict[str, tuple[str, ...]], item: str, path: list[str]) -> None:
    old = table.get(item)
    if old is None or len(path) < len(old):
        table[item] = tuple(path)


def _over(steps: int) -> str | None:
    return f"step budget of {MAX_TOTAL_STEPS:,} random-play steps" if steps >= MAX_TOTAL_STEPS else None


def sample(
    story: Story,
    games: int,
    seed: int,
    stop_reason: StopReason,
    max_steps: int = MAX_STEPS,
) -> Sample:
    """Play up to `games` random games, checking the budget every few hundred steps.

    A game stopped by the budget is not counted; one that hits `max_steps` is, as capped.
    """
    rng = random.Random(seed)
    found = Sample()

    def draw(weights: Sequence[int]) -> int:
        return rng.choices(range(len(weights)), weights)[0]

    steps = 0
    for _ in range(games):
        try:
            # Every scene entered is counted here (a game state counts only the scenes the
            # story reads), so the visits say which scenes this game reached.
            state = GameState(*begin(story, None, draw))
        except GameError:
            return found
        path: list[str] = []
        for sid in state.visits:
            _keep(found.scenes, sid, path)
        outcome = "capped"
        for _ in range(max_steps):
            if state.ending is not None:
                outcome = state.ending
                break
            choices = open_choices(story, state)
            if not choices:
                outcome = "stuck"
                break
            choice = rng.choice(choices)
            known = len(state.visits)
            try:
                parts = step(
                    story, choice, state.values, state.visits, state.taken, (), (), None, None, state.stack, draw
                )
                state = GameState(*parts)
            except GameError:
                outcome = "stuck"
                break
            path.append(choice.key)
            _keep(found.choices, choice.key, path)
            if len(state.visits) != known:
                for sid in list(state.visits)[known:]:
                    _keep(found.scenes, sid, path)
            steps += 1
            if steps % CHECK_EVERY == 0 and (reason := stop_reason() or _over(steps)):
                found.stopped = reason
                return found
        found.games += 1
        if outcome == "capped":
            found.capped += 1
        elif outcome == "stuck":
            found.stuck += 1
        else:
            found.ended[outcome] = found.ended.get(outcome, 0) + 1
            _keep(found.endings, outcome, path)
    return found
