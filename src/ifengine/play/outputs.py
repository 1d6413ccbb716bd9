"""What a session asks a renderer to draw: plain values, so every renderer shows the same content.

Named tuples: immutable values like the model's dataclasses, at a third of
the cost to define (this module is on the way to the first prompt).
"""

from __future__ import annotations

from typing import NamedTuple

from ..model import Ending, Episode
from ..runtime import Turn


class Show(NamedTuple):
    """A turn to draw; `cards` maps a passage's index to the episode that begins with it;
    `status` is the quiet line of counts shown under the choices."""

    turn: Turn
    cards: tuple[tuple[int, Episode], ...] = ()
    status: tuple[str, ...] = ()

    def card_before(self, index: int) -> Episode | None:
        for at, episode in self.cards:
            if at == index:
                return episode
        return None


AFTER_THE_END = "Type undo to take back your last choice, restart to play again, load to go back to a save, or quit."


class Note(NamedTuple):
    """A one-line message: `error` ones explain what to type instead."""

    text: str
    error: bool = False


class Info(NamedTuple):
    """A titled list of (label, value) lines: status, journal, help. An empty label continues the one above."""

    title: str
    rows: tuple[tuple[str, str], ...]


class Table(NamedTuple):
    """A titled table (the saves list); `notes` follow it, one line each."""

    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    notes: tuple[str, ...] = ()


class EndScreen(NamedTuple):
    """After an ending: the path taken, and which of the story's endings this player has seen."""

    ending: Ending
    path: tuple[tuple[str, str], ...]
    endings: tuple[tuple[str, bool], ...]  # every ending's title, and whether it has been seen

    @property
    def seen_count(self) -> int:
        return sum(1 for _, seen in self.endings if seen)


Output = Show | Note | Info | Table | EndScreen
