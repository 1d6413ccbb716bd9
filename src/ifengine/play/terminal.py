"""Keeping terminals safe: nothing from a story, a save or the file system reaches one raw.

Control characters (escape sequences start with one, and bidi controls
reorder what a reader sees) are shown visibly as `\\x1b` and the like, never
sent. Every front end and every command's output goes through `safe`; the rich
page also wraps it in a `Text` (page.outside) so it is never read as markup.
"""

from __future__ import annotations

import re

_UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def _visible(match: re.Match[str]) -> str:
    return match.group().encode("unicode_escape").decode("ascii")


def safe(text: str) -> str:
    """Show control characters as escapes (`\\x1b`); keep newlines and tabs."""
    return _UNSAFE.sub(_visible, text)
