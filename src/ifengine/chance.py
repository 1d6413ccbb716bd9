"""Chance without a hidden random source: every pick is a pure function of the game.

A game carries a seed. The n-th pick made while playing the k-th choice is
decided by (seed, k, n) alone, so undo, saves, replay and recordings meet the
same luck again, and nothing outside the state is consulted. The explorer does
not pick at all: it follows every outcome (`Forced`), each with its exact odds.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fractions import Fraction

# Given the weights of the open outcomes, the index of the one that happens.
Draw = Callable[[Sequence[int]], int]

MASK = (1 << 64) - 1
# Seeds stay below 2**53 so a save's JSON holds them exactly in any language.
MAX_SEED = (1 << 53) - 1


def new_seed(bits: int) -> int:
    """A seed from random bits (from whatever source the caller trusts), kept within MAX_SEED."""
    return bits & MAX_SEED


def _mix(x: int) -> int:
    """SplitMix64's finaliser: a well-spread 64-bit hash of a 64-bit number."""
    x = (x + 0x9E3779B97F4A7C15) & MASK
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & MASK
    return x ^ (x >> 31)


def pick(weights: Sequence[int], number: int) -> int:
    """The outcome a 64-bit number selects, each with odds exactly weight / total.

    Numbers past the largest multiple of the total are refused by the caller
    drawing again (see `seeded`), so no outcome is favoured by the remainder.
    """
    total = sum(weights)
    for index, weight in enumerate(weights):
        if number < weight:
            return index
        number -= weight
    raise ValueError(f"number outside 0..{total - 1}")


def seeded(seed: int, moment: int, salt: int = 0) -> Draw:
    """The draws for one moment of a game (the choice count), in order."""
    state = _mix(seed ^ _mix(moment * 2 + 1) ^ _mix(salt * 2))

    def draw(weights: Sequence[int]) -> int:
        nonlocal state
        total = sum(weights)
        limit = (1 << 64) - (1 << 64) % total  # rejection keeps the odds exact
        while True:
            state = _mix(state)
            if state < limit:
                return pick(weights, state % total)

    return draw


def variant(seed: int, count: int, salt: int, options: int) -> int:
    """Which of `options` text variants a shuffle shows the `count`-th time, fixed for a game."""
    return _mix(seed ^ _mix(count * 2 + 1) ^ _mix(salt * 2)) % options


class Forced:
    """A Draw that follows given outcomes, then the first; it records every pick it was asked for.

    The explorer plays a step once with no outcomes given, then once more for
    each alternative at each pick, so it meets every outcome exactly once.
    """

    def __init__(self, given: Sequence[int] = ()) -> None:
        self.given = given
        self.made: list[int] = []
        self.weights: list[Sequence[int]] = []

    def __call__(self, weights: Sequence[int]) -> int:
        index = self.given[len(self.made)] if len(self.made) < len(self.given) else 0
        self.made.append(index)
        self.weights.append(weights)
        return index

    def odds(self) -> Fraction:
        """The probability of the outcomes made, exactly."""
        from fractions import Fraction  # imported here: only the explorer asks, and it pulls in `decimal`

        p = Fraction(1)
        for index, weights in zip(self.made, self.weights, strict=True):
            p *= Fraction(weights[index], sum(weights))
        return p

    def alternatives(self) -> list[tuple[int, ...]]:
        """The outcome lists that differ from this one first at a pick it made beyond those given."""
        out = []
        for at in range(len(self.given), len(self.made)):
            for other in range(1, len(self.weights[at])):
                out.append((*self.made[:at], other))
        return out
