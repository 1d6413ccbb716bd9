"""YAML text to plain data that remembers where every value came from.

The only module that imports yaml. It reads the event stream of the safe
loader (libyaml's when present) and builds dicts, lists and scalars itself, so
that it can refuse hostile input early and cheaply: deep nesting, alias
expansion bombs, tags that name Python objects, oversized files and numbers.
Scalars are resolved with YAML 1.2 core rules, so `No` and `on` stay text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import yaml

from .diagnostics import Diagnostic, Pos, error

try:
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - pure Python fallback
    _Loader = yaml.SafeLoader

MAX_FILE_BYTES = 16 * 1024 * 1024
MAX_DEPTH = 64
MAX_NODES = 2_000_000
MAX_INT_DIGITS = 15


@dataclass(frozen=True, slots=True)
class Loc:
    """Where a value starts, and enough to find a character inside a string scalar."""

    pos: Pos
    style: str | None = None
    lines: tuple[str, ...] | None = None

    def at(self, offset: int, text: str = "") -> Pos:
        """The file position of character `offset` of this scalar's value."""
        if self.style in ("'", '"'):
            return self.pos.offset(1 + offset)
        if self.style in ("|", ">") and self.lines is not None:
            row = text.count("\n", 0, offset)
            line_start = text.rfind("\n", 0, offset) + 1
            first = self.pos.line  # the indicator's line (1-based) = index of first content line
            index = first + row
            indent = 0
            for candidate in self.lines[first:]:
                if candidate.strip():
                    indent = len(candidate) - len(candidate.lstrip(" "))
                    break
            return Pos(self.pos.path, index + 1, indent + offset - line_start + 1)
        return self.pos.offset(offset)


class Map(dict[str, Any]):
    """A mapping with the location of itself, of each key and of each value."""

    loc: Loc
    key_locs: dict[str, Loc]
    value_locs: dict[str, Loc]


class Seq(list[Any]):
    """A sequence with the location of itself and of each item."""

    loc: Loc
    item_locs: list[Loc]


class SourceError(Exception):
    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(diagnostic.format())
        self.diagnostic = diagnostic


_INT = re.compile(r"[-+]?[0-9]+\Z")
_HEX = re.compile(r"0x[0-9a-fA-F]+\Z")
_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?\Z")
_STANDARD_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:seq",
    "!",
}


def _resolve(value: str, style: str | None, tag: str | None, pos: Pos) -> Any:
    if style is not None or tag in ("tag:yaml.org,2002:str", "!"):
        return value
    if value in ("", "~", "null", "Null", "NULL"):
        return None
    if value in ("true", "True", "TRUE"):
        return True
    if value in ("false", "False", "FALSE"):
        return False
    if _INT.match(value) or _HEX.match(value):
        digits = value.lstrip("+-")
        if len(digits) > MAX_INT_DIGITS:
            raise SourceError(error(pos, f"number has more than {MAX_INT_DIGITS} digits", "quote it if it is text"))
        return int(value, 16) if _HEX.match(value) else int(value)
    if _FLOAT.match(value) and any(c.isdigit() for c in value):
        if len(value) > 32:
            raise SourceError(error(pos, "number is too long", "quote it if it is text"))
        return float(value)
    return value


def _mark_pos(path: str, mark: Any) -> Pos:
    if mark is None:
        return Pos(path)
    return Pos(path, mark.line + 1, mark.column + 1)


def _yaml_error(path: str, exc: yaml.YAMLError, lines: tuple[str, ...]) -> Diagnostic:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    context = getattr(exc, "context", None)
    hint = context or ""
    line = lines[mark.line] if mark is not None and mark.line < len(lines) else ""
    if (mark is not None and line[mark.column : mark.column + 1] == "\t") or "\t" in problem:
        problem = "a tab character is used for indentation"
        hint = "YAML indents with spaces only; replace the tabs"
    elif "nesting depth" in problem:
        return error(
            _mark_pos(path, mark), f"nesting is deeper than {MAX_DEPTH} levels", "a story never needs this; flatten it"
        )
    if "could not find expected ':'" in problem:
        hint = "a line may be missing its 'key:' or a quote may not be closed"
    if problem.startswith("invalid YAML") or problem.startswith("a tab"):
        return error(_mark_pos(path, mark), problem, hint)
    return error(_mark_pos(path, mark), f"invalid YAML: {problem}", hint)


def decode(path: str, data: bytes) -> str:
    """UTF-8 bytes to text, with a located error for anything else."""
    if len(data) > MAX_FILE_BYTES:
        raise SourceError(
            error(
                Pos(path),
                f"file is {len(data) // (1024 * 1024)} MiB; the limit is {MAX_FILE_BYTES // (1024 * 1024)} MiB",
                "split the story into several scene files",
            )
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line = before.count(b"\n") + 1
        col = exc.start - (before.rfind(b"\n") + 1) + 1
        raise SourceError(error(Pos(path, line, col), "file is not valid UTF-8 text", "save it as UTF-8")) from None
    return text.removeprefix("\ufeff")


def load_text(path: str, text: str) -> Any:
    """Parse one YAML document into Map/Seq/scalars; raises SourceError with a position."""
    lines = tuple(text.split("\n"))
    stack: list[tuple[Any, Any, Loc | None]] = []  # (container, pending key, key loc)
    anchors: dict[str, tuple[Any, int]] = {}
    weights: list[int] = []
    root: Any = None
    root_seen = False
    documents = 0
    nodes = 0
    try:
        events: Iterable[Any] = yaml.parse(text, Loader=_Loader)
        for event in events:
            kind = type(event).__name__
            if kind in ("StreamStartEvent", "StreamEndEvent", "DocumentEndEvent"):
                continue
            if kind == "DocumentStartEvent":
                documents += 1
                if documents > 1:
                    raise SourceError(
                        error(
                            _mark_pos(path, event.start_mark),
                            "file holds more than one YAML document",
                            "put each part in a file of its own",
                        )
                    )
                continue
            pos = _mark_pos(path, event.start_mark)
            tag = getattr(event, "tag", None)
            if tag is not None and tag not in _STANDARD_TAGS:
                raise SourceError(
                    error(pos, f"YAML tag {tag} is not allowed", "stories are plain data; remove the tag")
                )
            if kind in ("MappingEndEvent", "SequenceEndEvent"):
                value, _, _ = stack.pop()
                weight = weights.pop()
                if weights:
                    weights[-1] += weight
                anchor = getattr(value, "_anchor", None)
                if anchor:
                    anchors[anchor] = (value, weight)
                _attach(stack, value, value.loc, path)
                if not stack:
                    root, root_seen = value, True
                continue
            if kind == "AliasEvent":
                if event.anchor not in anchors:
                    raise SourceError(error(pos, f"unknown alias *{event.anchor}"))
                value, weight = anchors[event.anchor]
                nodes += weight
                if nodes > MAX_NODES:
                    raise SourceError(
                        error(
                            pos,
                            f"aliases expand to more than {MAX_NODES:,} values",
                            "this looks like an alias bomb; remove the aliases",
                        )
                    )
                if weights:
                    weights[-1] += weight
                loc = Loc(pos)
                if not stack:
                    root, root_seen = value, True
                _attach(stack, value, loc, path)
                continue
            nodes += 1
            if kind == "ScalarEvent":
                style = event.style or None
                loc = Loc(pos, style, lines if style in ("|", ">") else None)
                if stack and isinstance(stack[-1][0], Map) and stack[-1][1] is None:
                    # A mapping key: always text, exactly as written.
                    _set_key(stack, event.value, loc, path)
                    continue
                value = _resolve(event.value, style, tag, pos)
                if weights:
                    weights[-1] += 1
                if event.anchor:
                    anchors[event.anchor] = (value, 1)
                if not stack:
                    root, root_seen = value, True
                _attach(stack, value, loc, path)
                continue
            # Start of a mapping or a sequence.
            if len(stack) >= MAX_DEPTH:
                raise SourceError(
                    error(pos, f"nesting is deeper than {MAX_DEPTH} levels", "a story never needs this; flatten it")
                )
            if stack and isinstance(stack[-1][0], Map) and stack[-1][1] is None:
                raise SourceError(error(pos, "a key must be plain text, not a list or mapping"))
            container: Map | Seq
            if kind == "MappingStartEvent":
                container = Map()
                container.key_locs, container.value_locs = {}, {}
            else:
                container = Seq()
                container.item_locs = []
            container.loc = Loc(pos)
            if event.anchor:
                container._anchor = event.anchor  # type: ignore[union-attr]
            stack.append((container, None, None))
            weights.append(1)
    except yaml.YAMLError as exc:
        raise SourceError(_yaml_error(path, exc, lines)) from None
    except RecursionError:  # pragma: no cover - libyaml is not recursive, the fallback is
        raise SourceError(error(Pos(path), f"nesting is deeper than {MAX_DEPTH} levels")) from None
    if not root_seen:
        return None
    return root


_PENDING_VALUE = object()


def _set_key(stack: list[tuple[Any, Any, Loc | None]], key: str, loc: Loc, path: str) -> None:
    container, _, _ = stack[-1]
    if key in container.key_locs:
        first = container.key_locs[key].pos
        raise SourceError(
            error(loc.pos, f"duplicate key '{key}' (first at line {first.line})", "remove or rename one of them")
        )
    stack[-1] = (container, key, loc)


def _attach(stack: list[tuple[Any, Any, Loc | None]], value: Any, loc: Loc, path: str) -> None:
    if not stack:
        return
    container, key, key_loc = stack[-1]
    if isinstance(container, Map):
        if key is None:
            raise SourceError(error(loc.pos, "a key must be plain text, not a list or mapping"))
        if key == "<<":
            raise SourceError(
                error(key_loc.pos if key_loc else loc.pos, "merge keys (<<) are not supported", "write the keys out")
            )
        container[key] = value
        assert key_loc is not None
        container.key_locs[key] = key_loc
        container.value_locs[key] = loc
        stack[-1] = (container, None, None)
    else:
        container.append(value)
        container.item_locs.append(loc)


def load_file(path: str, display: str | None = None) -> Any:
    """Read and parse one file; errors name it by `display` (default: the path)."""
    shown = display or path
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise SourceError(error(Pos(shown), f"cannot read file: {exc.strerror or exc}")) from None
    return load_text(shown, decode(shown, data))
