"""Located messages for authors: the one currency every check and loader error is paid in."""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import NamedTuple


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


class Pos(NamedTuple):
    """A place in a source file; line and column count from 1.

    A named tuple rather than a dataclass: every scene and choice holds one,
    and tuples are the cheapest immutable, ordered values Python makes.
    """

    path: str
    line: int = 0
    col: int = 0

    def offset(self, chars: int) -> Pos:
        """The position `chars` characters further along the same line."""
        return Pos(self.path, self.line, self.col + chars)

    def __str__(self) -> str:
        if self.line <= 0:
            return self.path
        return f"{self.path}:{self.line}:{self.col}"


NOWHERE = Pos("<story>")


@functools.cache
def _control() -> re.Pattern[str]:
    """Control characters (C0, DEL, C1), the Unicode line and direction overrides, and lone
    surrogates (how Python holds the bytes of a file name that is not valid UTF-8). Compiled
    on first use: a story that loads clean never formats a diagnostic."""
    return re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def _escaped(match: re.Match[str]) -> str:
    return match.group().encode("unicode_escape").decode("ascii")


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One problem found in a story, with where it is and how to fix it."""

    pos: Pos
    severity: Severity
    message: str
    hint: str = ""
    code: str = ""

    def format(self) -> str:
        """One line for a terminal; control characters from the story are shown escaped, never sent raw."""
        text = f"{self.pos}: {self.severity.value}: {self.message}"
        if self.hint:
            text += f" ({self.hint})"
        return _control().sub(_escaped, text)

    def as_dict(self) -> dict[str, object]:
        data = asdict(self)
        data["pos"] = None
        data.update(
            path=self.pos.path,
            line=self.pos.line,
            col=self.pos.col,
            severity=self.severity.value,
        )
        del data["pos"]
        return data


def error(pos: Pos, message: str, hint: str = "", code: str = "") -> Diagnostic:
    return Diagnostic(pos, Severity.ERROR, message, hint, code)


def warning(pos: Pos, message: str, hint: str = "", code: str = "") -> Diagnostic:
    return Diagnostic(pos, Severity.WARNING, message, hint, code)


def has_errors(diagnostics: Iterable[Diagnostic]) -> bool:
    return any(d.severity is Severity.ERROR for d in diagnostics)


def sort_key(d: Diagnostic) -> tuple[int, str, int, int, str]:
    """Errors before warnings (a cause before what it leads to), each kind in file order."""
    return (d.severity is not Severity.ERROR, d.pos.path, d.pos.line, d.pos.col, d.message)


def to_json(diagnostics: Iterable[Diagnostic]) -> str:
    items = [d.as_dict() for d in sorted(diagnostics, key=sort_key)]
    return json.dumps(
        {
            "errors": sum(1 for d in items if d["severity"] == "error"),
            "warnings": sum(1 for d in items if d["severity"] == "warning"),
            "diagnostics": items,
        },
        indent=2,
    )


class StoryError(Exception):
    """Raised when a story cannot be loaded at all; carries every diagnostic found."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        self.diagnostics = sorted(diagnostics, key=sort_key)
        super().__init__("\n".join(d.format() for d in self.diagnostics))


def suggest(name: str, candidates: Iterable[str]) -> str:
    """A 'did you mean' hint, or an empty string when nothing is close."""
    import difflib

    # Short names differ a lot by one letter ('lite' is 0.67 like 'light'); longer ones must be
    # closer: 'cotage' finds 'cottage' (0.92), 'missing_reel' no longer finds 'disagree' (0.6).
    cutoff = 0.6 if len(name) <= 5 else 0.75
    close = difflib.get_close_matches(name, list(candidates), n=1, cutoff=cutoff)
    return f"did you mean '{close[0]}'?" if close else ""
