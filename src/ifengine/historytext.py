"""The JSON text of a game's history, kept between autosaves so each one encodes only what changed.

A save holds the whole history, so encoding it afresh would make every
autosave cost as much as the game so far. The text of the history last
written is kept with where each choice ends in it: the next autosave appends
the new choices (after a choice) or cuts the text short (after an undo).
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from .state import Trail


class HistoryText:
    """The JSON array text of the last history asked for, and how to get the next one cheaply."""

    def __init__(self) -> None:
        self._tip: Sequence[str] = ()
        self._text = ""  # the items, comma-separated, without the brackets
        self._ends: list[int] = []  # where each item's text ends in _text

    def json(self, history: Sequence[str]) -> str:
        """`history` as a JSON array, equal to json.dumps(list(history), ensure_ascii=False)."""
        added = history.since(self._tip) if isinstance(history, Trail) else None
        if added is not None:
            self._append(added)
        elif isinstance(self._tip, Trail) and (dropped := self._tip.since(history)) is not None:
            keep = len(self._ends) - len(dropped)
            del self._ends[keep:]
            self._text = self._text[: self._ends[-1]] if keep else ""
        else:
            self._text, self._ends = "", []
            self._append(history)
        self._tip = history
        return "[" + self._text + "]"

    def _append(self, keys: Sequence[str]) -> None:
        pieces = [self._text] if self._text else []
        end = len(self._text)
        for key in keys:
            piece = json.dumps(key, ensure_ascii=False)
            if pieces:
                piece = ", " + piece
            pieces.append(piece)
            end += len(piece)
            self._ends.append(end)
        self._text = "".join(pieces)
