"""Keeping terminals safe: nothing from a story or a save reaches one raw."""

from __future__ import annotations

import re

_UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def safe(text: str) -> str:
    """Drop control characters (escape sequences start with one); keep newlines and tabs."""
    return _UNSAFE.sub("", text)
