"""Reading a save-like file with suspicion: regular files only, one handle, strict JSON.

Everything a save file holds is untrusted. A file is opened without blocking and
without following a symlink, checked to be a regular file and sized from the
same handle it is read from (so a concurrent replacement is seen whole, old or
new). The JSON is strict: no NaN or Infinity, no number too long to convert, no
repeated key, no lone surrogate, no deep nesting; each refusal is a `Damaged`
with a one-line reason.
"""

from __future__ import annotations

import json
import math
import os
import re
import stat
from typing import Any

from .regularfile import NotRegular, kind_of, read_regular

MAX_BYTES = 4 * 1024 * 1024  # far above any real save; a bigger file is not one of ours
MAX_DIGITS = 18  # enough for any count or time a save holds; a longer number is not one of ours
MAX_DEPTH = 16  # a save nests four levels deep; far deeper is not one of ours
_CONTAINERS = frozenset({dict, list})  # what json.loads builds that can nest
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


class Damaged(Exception):
    """One thing about a file is wrong; the message is the one-line reason, without the file's name."""


def shown(text: str, limit: int = 200) -> str:
    """Text from outside (a path, a key, a name) made safe to print: repr-style when unprintable, cut when long."""
    cut = text[:limit]
    body = cut if cut.isprintable() else repr(cut)[1:-1]
    return body + ("..." if len(text) > limit else "")


def read_text(path: str) -> str:
    """The UTF-8 text of a regular file, read through one handle; Damaged says why not."""
    try:
        raw = read_regular(path, MAX_BYTES)
    except FileNotFoundError:
        raise Damaged("there is no save in this slot (type saves to list them)") from None
    except NotRegular as exc:
        raise Damaged(f"it is {exc.kind}, not a save file; move it away") from None
    except OSError as exc:
        raise Damaged(_open_problem(path, exc)) from None
    if len(raw) > MAX_BYTES:
        raise Damaged(f"it is more than {MAX_BYTES:,} bytes, too large to be a save")
    if not raw.strip():
        raise Damaged("it is empty; the file is truncated")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise Damaged("it is not UTF-8 text; the file is damaged") from None


def _open_problem(path: str, exc: OSError) -> str:
    try:
        mode = os.lstat(path).st_mode
    except OSError:
        mode = 0
    if stat.S_ISLNK(mode):
        return "it is a symbolic link, which a save slot may not be; move it away"
    if mode and not stat.S_ISREG(mode):
        return f"it is {kind_of(mode)}, not a save file; move it away"
    return f"it cannot be read ({exc.strerror or exc})"


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for key, value in pairs:
        if key in data:
            raise Damaged(f"the key '{shown(key, 40)}' appears twice")
        data[key] = value
    return data


def _no_constants(name: str) -> Any:
    raise Damaged(f"{name} is not a number a save can hold")


def _whole_number(text: str) -> int:
    if len(text.lstrip("-")) > MAX_DIGITS:
        raise Damaged(f"it holds a number of {len(text.lstrip('-')):,} digits, more than a save can hold")
    return int(text)


def _finite_number(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise Damaged(f"the number {shown(text, 40)} is too large for a save to hold")
    return value


def _unfinished(text: str) -> bool:
    """True when the text stops inside a string or before its brackets close: a cut-off file."""
    depth, in_string, escaped = 0, False, False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
        elif char in "]}":
            depth -= 1
    return in_string or depth > 0


def _check_nesting(data: Any) -> None:
    """Refuse nesting deeper than any save has (repr and friends recurse), without recursing here."""
    stack: list[tuple[Any, int]] = [(data, 0)]
    while stack:
        value, depth = stack.pop()
        if depth >= MAX_DEPTH:
            raise Damaged("it is nested too deeply to be a save")
        children = list(value.values()) if isinstance(value, dict) else value
        if _CONTAINERS.isdisjoint(map(type, children)):  # a long list of strings: checked at C speed
            continue
        stack.extend((child, depth + 1) for child in children if type(child) in _CONTAINERS)


def _has_lone_surrogate(text: str, data: Any) -> bool:
    """True if some string is not valid Unicode; only a \\uD800-\\uDFFF escape can make one, so look for those first."""
    if not _SURROGATE_ESCAPE.search(text):
        return False
    try:
        json.dumps(data, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def parse_json(text: str) -> Any:
    """Strict JSON as described above; Damaged names the first thing wrong."""
    if text.startswith("\ufeff"):
        raise Damaged("it starts with a byte order mark, which a save never has; the file was edited")
    try:
        data = json.loads(
            text,
            object_pairs_hook=_unique_keys,
            parse_constant=_no_constants,
            parse_int=_whole_number,
            parse_float=_finite_number,
        )
    except json.JSONDecodeError as exc:
        if _unfinished(text):
            raise Damaged("it ends in the middle of the data; the file is truncated") from None
        raise Damaged(f"it is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from None
    except RecursionError:
        raise Damaged("it is nested too deeply to be a save") from None
    except ValueError as exc:  # a conversion limit the hooks above did not see first
        raise Damaged(f"it holds a value a save cannot: {shown(str(exc), 80)}") from None
    if isinstance(data, dict | list):
        _check_nesting(data)
    if _has_lone_surrogate(text, data):
        raise Damaged("it holds text that is not valid Unicode (a lone surrogate such as \\ud800)")
    return data
