"""Keeping terminals safe: nothing from a story, a save or the file system reaches one raw.

Control characters (escape sequences start with one, and bidi controls
reorder what a reader sees) are shown visibly as `\\x1b` and the like, never
sent. Every front end and every command's output goes through `safe`; the rich
page also wraps it in a `Text` (page.outside) so it is never read as markup.
"""

from __future__ import annotations

import re
from typing import Any, TextIO

_UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def _visible(match: re.Match[str]) -> str:
    return match.group().encode("unicode_escape").decode("ascii")


def safe(text: str) -> str:
    """Show control characters as escapes (`\\x1b`); keep newlines and tabs."""
    return _UNSAFE.sub(_visible, text)


_JSON_UNSAFE = re.compile(r"[\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def safe_json(text: str) -> str:
    """JSON text with the controls json.dumps leaves raw written as \\uXXXX escapes: the same data, inert."""
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


class SafeStream:
    """A text stream whose writes pass through `safe`: the output layer of every command but `play`,
    whose front ends escape their content themselves (rich must send its own styling)."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def write(self, text: str) -> int:
        return self.stream.write(safe(text))

    def __getattr__(self, name: str) -> Any:
        return getattr(self.stream, name)
