"""Budgets for exploration: the core asks `stop_reason()`; the shell decides what it means.

The explorer does no I/O, so the clock and the memory gauge are passed in
from the CLI as callables. `stop_reason` returns None to go on, or a short
phrase saying which budget ran out ("time", "memory").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

StopReason = Callable[[], str | None]


def never() -> str | None:
    """No budget but the state limit."""
    return None


@dataclass(frozen=True)
class Limits:
    """What the CLI was asked to allow."""

    max_seconds: float
    max_memory: int  # bytes


# The share of the memory budget at which a phase stops: a check comes only every few
# thousand states, the report still has to be built, and freed memory is not always
# given back, so stopping at the budget itself would end a little past it.
HEADROOM = 0.85
# Likewise for time: the last phase stops this share short of its deadline, so that
# the report is out within the time allowed.
TIME_HEADROOM = 0.98


def budget_check(
    limits: Limits, clock: Callable[[], float], memory_used: Callable[[], int], headroom: float = TIME_HEADROOM
) -> StopReason:
    """A stop test over a clock (seconds) and a memory gauge (bytes), both supplied by the caller.

    It stops `headroom` of `max_seconds` short of it; a caller that has set
    the headroom aside already passes 1.
    """
    deadline = clock() + limits.max_seconds * headroom
    memory_stop = limits.max_memory * HEADROOM

    def stop_reason() -> str | None:
        if clock() > deadline:
            return f"time budget of {limits.max_seconds:g} s"
        if memory_used() > memory_stop:
            return f"memory budget of {limits.max_memory / 2**20:,.0f} MiB (stopped at {HEADROOM:.0%}, to leave room for the report)"
        return None

    return stop_reason
