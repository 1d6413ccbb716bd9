"""Numbers and values in the words a reader expects: '1 choice', '2 choices', 'an enum', 'false'."""

from __future__ import annotations

from typing import Any


def count(n: int, noun: str, plural: str = "") -> str:
    """'1 choice', '2 choices', '12,000 states': the noun agrees with the number."""
    return f"{n:,} {noun if n == 1 else plural or noun + 's'}"


def article(word: str) -> str:
    """'a set', 'an enum', 'an int'."""
    return f"{'an' if word[:1].lower() in 'aeiou' else 'a'} {word}"


def story_value(value: Any) -> str:
    """A value as the story language writes it: true and false, text in quotes, sets as [a, b]."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, frozenset):
        return "[" + ", ".join(sorted(value)) + "]"
    return str(value)
