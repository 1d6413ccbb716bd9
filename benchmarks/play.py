"""The `play` section of run.py: does one choice, undo step, autosave or load cost more late in a game?

Games are played on the synthetic story (`synthetic.py`, three conditional
choices a scene) with a random open choice each time. A story of n scenes
gives games of exactly n - 3 choices, so 49, 473 and 4,703 scenes give 46,
470 and 4,700. bink plays the same story compiled from ink (`ink.py`), in the
same run, interleaved: each round plays every engine at every length in turn,
and the table gives the median of the rounds.
"""

from __future__ import annotations

import os
import random
import statistics
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import ink
from synthetic import write_loop_story, write_story

from ifengine import load_story, start
from ifengine.model import Story
from ifengine.play.session import Session
from ifengine.runtime import advance, choose, open_choices
from ifengine.saves import SaveStore

GAME_SIZES = (49, 473, 4_703)  # scenes; games of 46, 470 and 4,700 choices
Row = Callable[[str, str, str], None]


def play_ifengine(story: Story, rng: random.Random) -> int:
    """One whole game, text rendered (prose, replies, every choice's words); returns its length."""
    turn = start(story)
    steps = 0
    while turn.ending is None:
        options = turn.open_options
        turn = choose(story, turn.state, options[rng.randrange(len(options))].choice.key)
        steps += 1
    return steps


def play_bink(story: Any, rng: random.Random) -> int:
    """One whole game in bink, text rendered: the prose and every choice's words."""
    story.reset_state()
    story.continue_maximally()
    steps = 0
    while True:
        choices = story.get_current_choices()
        if not choices:
            return steps
        list(choices)
        story.choose_choice_index(rng.randrange(len(choices)))
        story.continue_maximally()
        steps += 1


def rate(play: Callable[[random.Random], int], budget: float) -> float:
    """Choices per second over whole games for about `budget` seconds (at least one game)."""
    rng = random.Random(5)
    steps = 0
    started = time.perf_counter()
    while True:
        steps += play(rng)
        took = time.perf_counter() - started
        if took >= budget:
            return steps / took


def choice_rates(row: Row, folder: Path, sizes: tuple[int, ...], rounds: int, budget: float) -> None:
    engines: dict[str, dict[int, Callable[[random.Random], int]]] = {"ifengine": {}, "bink": {}}
    why_not = ink.unavailable()
    for size in sizes:
        write_story(folder / f"s{size}", size)
        story = load_story(str(folder / f"s{size}"))
        engines["ifengine"][size] = lambda rng, s=story: play_ifengine(s, rng)  # type: ignore[misc]
        if not why_not:
            compiled = ink.new_story(ink.compile_story(size, folder))
            engines["bink"][size] = lambda rng, s=compiled: play_bink(s, rng)  # type: ignore[misc]
    if why_not:
        del engines["bink"]
    rates: dict[tuple[str, int], list[float]] = {}
    for _ in range(rounds):
        for size in sizes:
            for name, plays in engines.items():
                rates.setdefault((name, size), []).append(rate(plays[size], budget))
    median = {k: statistics.median(v) for k, v in rates.items()}
    for size in sizes:
        ours = median[("ifengine", size)]
        if why_not:
            note = f"bink: not measured: {why_not}"
        else:
            theirs = median[("bink", size)]
            note = f"bink {theirs:,.0f}/s; ifengine/bink {ours / theirs:.2f}x"
        row(f"choices/s, text rendered, {size - 3:,}-choice games", f"{ours:,.0f}", note)
    first, last = median[("ifengine", sizes[0])], median[("ifengine", sizes[-1])]
    note = f"median of {rounds} interleaved rounds"
    if not why_not:
        bink_flat = median[("bink", sizes[-1])] / median[("bink", sizes[0])]
        note += f"; bink {bink_flat:.2f}"
    row(f"choices/s at {sizes[-1] - 3:,} / at {sizes[0] - 3:,} choices a game", f"{last / first:.2f}", note)


def per_choice_cost(row: Row, folder: Path, size: int, late: int) -> None:
    """Median time of one choice (text rendered) at the start of a game and from choice `late` on."""
    story = load_story(str(folder / f"s{size}"))
    rng = random.Random(11)
    turn = start(story)
    times = []
    while turn.ending is None and len(times) < late + 200:
        options = turn.open_options
        key = options[rng.randrange(len(options))].choice.key
        started = time.perf_counter()
        turn = choose(story, turn.state, key)
        times.append(time.perf_counter() - started)
    early, later = statistics.median(times[:200]), statistics.median(times[late:])
    row(
        f"one choice, text rendered: at the start / from choice {late:,}",
        f"{early * 1e6:.0f} / {later * 1e6:.0f} µs",
        f"median of 200 choices each; late/early {later / early:.2f}",
    )


def undo_memory(row: Row, folder: Path, size: int, choices: int) -> None:
    """What the undo stack alone holds after `choices` choices played through the session."""
    story = load_story(str(folder / f"s{size}"))
    rng = random.Random(13)
    tracemalloc.start()
    try:
        session = Session(story, None, persist=False)
        for _ in range(choices):
            open_numbers = [i for i, o in enumerate(session.turn.options, 1) if not o.locked]
            session.pick(rng.choice(open_numbers))
        with_undo = tracemalloc.get_traced_memory()[0]
        session.past.clear()
        without = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    row(
        f"undo stack after {choices:,} choices",
        f"{(with_undo - without) / 2**20:,.2f} MiB",
        "traced; what clearing it frees",
    )


def autosave_cost(row: Row, folder: Path, sizes: tuple[int, ...], rounds: int) -> None:
    """Median time of the autosave after one choice, at each game length of `sizes`.

    Each timed autosave follows an untimed one of the state a choice before, as in play.
    """
    lengths = [size - 3 for size in sizes]
    story = load_story(str(folder / f"s{sizes[-1]}"))
    rng = random.Random(17)
    states = [start(story).state]
    for _ in range(lengths[-1]):
        states.append(advance(story, states[-1], rng.choice(open_choices(story, states[-1]))))
    store = SaveStore(str(folder / "saves"), story)
    times: dict[int, list[float]] = {n: [] for n in lengths}
    for _ in range(rounds):
        for steps in lengths:
            store.autosave(states[steps - 1], "game", 0.0, 1.0, 1.0)
            started = time.perf_counter()
            store.autosave(states[steps], "game", 0.0, 1.0, 1.0)
            times[steps].append(time.perf_counter() - started)
    cost = {n: statistics.median(t) for n, t in times.items()}
    row(
        "one autosave after a choice at " + " / ".join(f"{n:,}" for n in lengths) + " choices",
        " / ".join(f"{cost[n] * 1000:.2f}" for n in lengths) + " ms",
        f"median of {rounds} interleaved; last/first {cost[lengths[-1]] / cost[lengths[0]]:.2f}; includes fsync",
    )


def long_save_load(row: Row, folder: Path, choices: int) -> None:
    """Loading a save of a `choices`-long game into a session, undo rebuilt: time and traced peak."""
    root = folder / "loop"
    write_loop_story(root)
    story = load_story(str(root))
    round_again = story.choice("hall:go-round-again")
    assert round_again is not None
    state = start(story).state
    for _ in range(choices):
        state = advance(story, state, round_again)
    store = SaveStore(str(folder / "loop-saves"), story)
    path = store.write("long", state, "game", 0.0, 1.0, 1.0)

    def load() -> Session:
        session = Session(story, store, persist=False)
        session.cmd_load("long")
        assert len(session.past) == choices
        return session

    times = []
    for _ in range(3):
        started = time.perf_counter()
        load()
        times.append(time.perf_counter() - started)
    tracemalloc.start()
    try:
        load()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    row(
        f"load a {choices:,}-choice save, undo rebuilt",
        f"{statistics.median(times):,.2f} s",
        f"peak {peak / 2**20:,.0f} MiB traced; file {os.path.getsize(path) / 2**20:.1f} MiB",
    )


def run(
    row: Row,
    rounds: int = 5,
    budget: float = 0.4,
    long_save: int = 40_000,
    sizes: tuple[int, ...] = GAME_SIZES,
    late: int = 4_000,
) -> None:
    """Every measure of the section; the smaller arguments are for the test that it still runs."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        choice_rates(row, folder, sizes, rounds, budget)
        per_choice_cost(row, folder, sizes[-1], late)
        undo_memory(row, folder, sizes[-1], late)
        autosave_cost(row, folder, sizes, rounds=3 * rounds)
        long_save_load(row, folder, long_save)
