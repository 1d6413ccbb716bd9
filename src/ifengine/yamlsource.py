"""YAML text to plain data that remembers where every value came from.

The only module that imports yaml. It reads the event stream of the safe
loader (libyaml's when present) and builds dicts, lists and scalars itself, so
that it can refuse hostile input early and cheaply: deep nesting, alias
expansion bombs, tags that name Python objects, oversized files and numbers.
Scalars are resolved with YAML 1.2 core rules, so `No` and `on` stay text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any, NamedTuple

import yaml
from yaml.events import (
    AliasEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)

from .diagnostics import Diagnostic, Pos, error
from .regularfile import NotRegular, read_regular

try:
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - pure Python fallback
    _Loader = yaml.SafeLoader

MAX_FILE_BYTES = 16 * 1024 * 1024
MAX_DEPTH = 64
MAX_NODES = 2_000_000
# Characters all aliases together may expand to: a scalar alias is one value, however long.
MAX_ALIAS_CHARS = 4 * MAX_FILE_BYTES
MAX_INT_DIGITS = 15


_new_tuple = tuple.__new__


class Loc(NamedTuple):
    """Where a value starts, and enough to find a character inside a string scalar.

    A named tuple, with its Pos built only when asked for. The parser makes
    one for each container and quoted or block scalar; a plain scalar keeps
    the parser's mark instead, and `Map`/`Seq` turn it into a Loc on request.
    """

    path: str
    line: int
    col: int
    style: str | None = None
    text: str | None = None  # the whole file, for block scalars: split into lines only when asked

    @property
    def pos(self) -> Pos:
        return _new_tuple(Pos, self[:3])  # Pos(path, line, col), without Python-level __new__

    def at(self, offset: int, text: str = "") -> Pos:
        """The file position of character `offset` of this scalar's value."""
        if self.style in ("'", '"'):
            return Pos(self.path, self.line, self.col + 1 + offset)
        if self.style in ("|", ">") and self.text is not None:
            lines = self.text.split("\n")
            row = text.count("\n", 0, offset)
            line_start = text.rfind("\n", 0, offset) + 1
            first = self.line  # the indicator's line (1-based) = index of first content line
            index = first + row
            indent = 0
            for candidate in lines[first:]:
                if candidate.strip():
                    indent = len(candidate) - len(candidate.lstrip(" "))
                    break
            return Pos(self.path, index + 1, indent + offset - line_start + 1)
        return Pos(self.path, self.line, self.col + offset)


# Where a value is, as the builder keeps it: a Loc, or for a plain scalar the
# parser's own mark (line and column from 0), which costs nothing to keep and
# becomes a Loc only when someone asks where the value is.
Where = Any


def _as_loc(where: Where, path: str) -> Loc:
    if type(where) is Loc:
        return where
    return _new_tuple(Loc, (path, where.line + 1, where.column + 1, None, None))


class Map(dict[str, Any]):
    """A mapping that remembers where it, each key and each value came from."""

    __slots__ = ("_keys", "_values", "loc")
    loc: Loc
    _keys: dict[str, Where]
    _values: dict[str, Where]

    def key_loc(self, key: str) -> Loc:
        return _as_loc(self._keys[key], self.loc.path)

    def value_loc(self, key: str) -> Loc:
        return _as_loc(self._values[key], self.loc.path)

    def value_pos(self, key: str) -> Pos:
        where = self._values[key]
        if type(where) is Loc:
            return where.pos
        return _new_tuple(Pos, (self.loc.path, where.line + 1, where.column + 1))


class Seq(list[Any]):
    """A sequence that remembers where it and each item came from."""

    __slots__ = ("_items", "loc")
    loc: Loc
    _items: list[Where]

    def item_loc(self, index: int) -> Loc:
        return _as_loc(self._items[index], self.loc.path)

    def located(self) -> Iterator[tuple[Any, Loc]]:
        """Each item with its location."""
        path = self.loc.path
        for item, where in zip(self, self._items, strict=True):
            yield item, _as_loc(where, path)


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


_SPECIAL_START = frozenset("~nNtTfF0123456789+-.")


def _resolve(value: str, tag: str | None, path: str, mark: Any) -> Any:
    """A plain scalar's value under YAML 1.2 core rules (quoted and block scalars stay text)."""
    if tag in ("tag:yaml.org,2002:str", "!"):
        return value
    if value and value[0] not in _SPECIAL_START:  # words: the common case, and never special
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
            raise _refuse(path, mark, f"number has more than {MAX_INT_DIGITS} digits", "quote it if it is text")
        return int(value, 16) if _HEX.match(value) else int(value)
    if _FLOAT.match(value) and any(c.isdigit() for c in value):
        if len(value) > 32:
            raise _refuse(path, mark, "number is too long", "quote it if it is text")
        return float(value)
    return value


def _mark_pos(path: str, mark: Any) -> Pos:
    if mark is None:
        return Pos(path)
    return Pos(path, mark.line + 1, mark.column + 1)


def _reader_error(path: str, exc: yaml.reader.ReaderError, lines: tuple[str, ...]) -> Diagnostic:
    """A character YAML does not accept: locate it from its offset in the text."""
    offset, line = exc.position, 0
    while line < len(lines) - 1 and offset > len(lines[line]):
        offset -= len(lines[line]) + 1
        line += 1
    char = exc.character if isinstance(exc.character, int) else ord(str(exc.character)[:1] or "\0")
    return error(
        Pos(path, line + 1, offset + 1),
        f"control character U+{char:04X} in the file",
        "remove it; terminals would act on it",
    )


MAX_KEY = 1024


_KEY_VALUE = re.compile(r"^(\s*(?:-\s+)?)([A-Za-z_][\w-]*):[ \t]+(\S.*?)\s*$")
_PROSE_STARTS = {
    "*": "a value that starts with * is read as a YAML alias, not emphasis",
    "&": "a value that starts with & is read as a YAML anchor",
    "!": "a value that starts with ! is read as a YAML tag",
    "@": "a value cannot start with @ in YAML",
    "`": "a value cannot start with ` in YAML",
    "%": "a value cannot start with % in YAML",
    "-": "a value that starts with '- ' is read as a list",
    "{": "a value that starts with { is read as a YAML mapping",
    "[": "a value that starts with [ is read as a YAML list",
    "|": "a value that starts with | is a block of text that must begin on the next line",
    ">": "a value that starts with > is a folded block that must begin on the next line",
}


def prose_trouble(line: str) -> tuple[int, str] | None:
    """Why a `key: value` line of prose trips the YAML parser, in an author's words, and where the value starts.

    Prose is where YAML surprises writers: dialogue that opens with a quote, a
    colon followed by a space, *emphasis* at the start, a leading dash.
    """
    m = _KEY_VALUE.match(line)
    if m is None:
        return None
    value, at = m.group(3), m.start(3)
    if value[0] in "\"'":
        quote = value[0]
        end = value.find(quote, 1)
        while quote == "'" and end != -1 and value[end + 1 : end + 2] == "'":
            end = value.find(quote, end + 2)
        if end != -1 and value[end + 1 :].strip() and not value[end + 1 :].strip().startswith("#"):
            if quote == "'":
                return at, "an apostrophe inside text in single quotes ends the quotes (write it as '')"
            return at, f"the text starts with a quote that closes before the line ends ({value[: end + 1]}...)"
        return None
    if value[0] in _PROSE_STARTS and (value[0] != "-" or value[1:2] in (" ", "")):
        return at, _PROSE_STARTS[value[0]]
    if ": " in value or value.endswith(":"):
        return at, "': ' inside text reads as a new key"
    return None


def _prose_error(path: str, mark: Any, line: str) -> Diagnostic | None:
    found = prose_trouble(line)
    if found is None or mark is None:
        return None
    at, why = found
    return error(
        Pos(path, mark.line + 1, at + 1),
        f"invalid YAML: {why}",
        "put the whole text in single quotes (writing any ' inside as ''), or start a block with | and"
        " put the text on the lines below it",
    )


def _yaml_error(path: str, exc: yaml.YAMLError, lines: tuple[str, ...]) -> Diagnostic:
    if isinstance(exc, yaml.reader.ReaderError):
        return _reader_error(path, exc, lines)
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    context = getattr(exc, "context", None)
    hint = context or ""
    line = lines[mark.line] if mark is not None and mark.line < len(lines) else ""
    prose = _prose_error(path, mark, line)
    if prose is not None and "nesting depth" not in problem and "\t" not in line[: len(line) - len(line.lstrip())]:
        return prose
    if (mark is not None and line[mark.column : mark.column + 1] == "\t") or "\t" in problem:
        problem = "a tab character is used for indentation"
        hint = "YAML indents with spaces only; replace the tabs"
    elif "nesting depth" in problem:
        return error(
            _mark_pos(path, mark), f"nesting is deeper than {MAX_DEPTH} levels", "a story never needs this; flatten it"
        )
    if "could not find expected ':'" in problem:
        start = len(line) - len(line.lstrip(" -"))
        if mark is not None and mark.column - start > MAX_KEY:  # YAML reads no longer plain key
            return error(
                Pos(path, mark.line + 1, start + 1),
                f"a key (such as a scene id) longer than {MAX_KEY:,} characters",
                "shorten it: YAML reads at most 1,024 characters as a key",
            )
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
                f"file is too large: the limit is {MAX_FILE_BYTES // (1024 * 1024)} MiB",
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
    try:
        return _build(path, text)
    except yaml.YAMLError as exc:
        raise SourceError(_yaml_error(path, exc, tuple(text.split("\n")))) from None
    except RecursionError:  # pragma: no cover - libyaml is not recursive, the fallback is
        raise SourceError(error(Pos(path), f"nesting is deeper than {MAX_DEPTH} levels")) from None


def _refuse(path: str, mark: Any, message: str, hint: str = "") -> SourceError:
    return SourceError(error(_mark_pos(path, mark), message, hint))


def _build(path: str, text: str) -> Any:
    """Build the document from the parser's events, one at a time.

    This runs for every value of every story file, so the open container and
    its pending key live in local variables, the common event (a scalar) is
    handled first and inline, and a container's weight (values inside it,
    aliases expanded) is the growth of one running count while it is open.
    """
    # The open containers above the current one, each as its local state:
    # (container, is a map, pending key, where the key is, count at its start, anchor).
    parents: list[tuple[Any, bool, Any, Where, int, str | None]] = []
    top: Any = None  # the open container; None at the top level
    top_is_map = False
    top_key: str | None = None  # a map's key waiting for its value
    top_key_where: Where = None
    top_start = 0
    top_anchor: str | None = None
    anchors: dict[str, tuple[Any, int, int]] = {}  # anchor: (value, values inside, characters inside)
    anchor_chars: dict[str, int] = {}  # an open container's anchor: `chars` at its start
    chars = 0  # characters of all scalars so far, aliases expanded
    alias_chars = 0  # characters the aliases so far expanded to
    root: Any = None
    root_seen = False
    documents = 0
    nodes = 0
    standard_tags = _STANDARD_TAGS
    special_start = _SPECIAL_START
    new_loc = tuple.__new__  # Loc(...) without the Python-level __new__ of a named tuple
    parser = _Loader(text)
    get_event = parser.get_event
    try:
        while True:
            event = get_event()
            kind = type(event)
            if kind is ScalarEvent:
                mark = event.start_mark
                tag = event.tag
                if tag is not None and tag not in standard_tags:
                    raise _refuse(
                        path, mark, f"YAML tag {tag} is not allowed", "stories are plain data; remove the tag"
                    )
                nodes += 1
                style = event.style  # "" when plain
                value = event.value
                chars += len(value)
                if not style:
                    where = mark  # made into a Loc only if asked for
                    # Keys stay text as written, and a plain word (the common case) is never special.
                    is_key = top_is_map and top_key is None
                    if not is_key and (tag is not None or not value or value[0] in special_start):
                        value = _resolve(value, tag, path, mark)
                else:
                    where = new_loc(
                        Loc, (path, mark.line + 1, mark.column + 1, style, text if style in ("|", ">") else None)
                    )
                if top_is_map:
                    if top_key is None:
                        # A mapping key: always text, exactly as written.
                        if value in top:
                            raise _refuse(
                                path,
                                mark,
                                f"duplicate key '{value}' (first at line {top.key_loc(value).line})",
                                "remove or rename one of them",
                            )
                        top_key, top_key_where = value, mark
                        continue
                    if top_key == "<<":
                        _put_in_map(top, top_key, top_key_where, value, where)
                    top[top_key] = value
                    top._keys[top_key] = top_key_where
                    top._values[top_key] = where
                    top_key = None
                elif top is not None:
                    top.append(value)
                    top._items.append(where)
                else:
                    root, root_seen = value, True
                if event.anchor:
                    anchors[event.anchor] = (value, 1, len(event.value))
                continue
            if kind is MappingEndEvent or kind is SequenceEndEvent:
                value = top
                if top_anchor:
                    anchors[top_anchor] = (value, nodes - top_start, chars - anchor_chars.pop(top_anchor))
                top, top_is_map, top_key, top_key_where, top_start, top_anchor = parents.pop()
                if top is None:
                    root, root_seen = value, True
                elif top_is_map:
                    _put_in_map(top, top_key, top_key_where, value, value.loc)
                    top_key = None
                else:
                    top.append(value)
                    top._items.append(value.loc)
                continue
            if kind is MappingStartEvent or kind is SequenceStartEvent:
                mark = event.start_mark
                tag = event.tag
                if tag is not None and tag not in standard_tags:
                    raise _refuse(
                        path, mark, f"YAML tag {tag} is not allowed", "stories are plain data; remove the tag"
                    )
                if len(parents) >= MAX_DEPTH:
                    raise _refuse(
                        path, mark, f"nesting is deeper than {MAX_DEPTH} levels", "a story never needs this; flatten it"
                    )
                if top_is_map and top_key is None:
                    raise _refuse(path, mark, "a key must be plain text, not a list or mapping")
                container: Map | Seq
                if kind is MappingStartEvent:
                    container = Map()
                    container._keys, container._values = {}, {}
                else:
                    container = Seq()
                    container._items = []
                container.loc = new_loc(Loc, (path, mark.line + 1, mark.column + 1, None, None))
                parents.append((top, top_is_map, top_key, top_key_where, top_start, top_anchor))
                top, top_is_map, top_key, top_key_where = container, kind is MappingStartEvent, None, None
                top_start, top_anchor = nodes, event.anchor
                if top_anchor:
                    anchor_chars[top_anchor] = chars
                nodes += 1
                continue
            if kind is AliasEvent:
                mark = event.start_mark
                if event.anchor not in anchors:
                    raise _refuse(path, mark, f"unknown alias *{event.anchor}")
                value, weight, size = anchors[event.anchor]
                nodes += weight
                chars += size
                alias_chars += size
                if alias_chars > MAX_ALIAS_CHARS:
                    raise _refuse(
                        path,
                        mark,
                        f"aliases expand to more than {MAX_ALIAS_CHARS:,} characters",
                        "repeat long text less often, or write it out where it is needed",
                    )
                if nodes > MAX_NODES:
                    raise _refuse(
                        path,
                        mark,
                        f"aliases expand to more than {MAX_NODES:,} values",
                        "this looks like an alias bomb; remove the aliases",
                    )
                loc = Loc(path, mark.line + 1, mark.column + 1)
                if top is None:
                    root, root_seen = value, True
                elif top_is_map:
                    _put_in_map(top, top_key, top_key_where, value, loc)
                    top_key = None
                else:
                    top.append(value)
                    top._items.append(loc)
                continue
            if kind is DocumentStartEvent:
                documents += 1
                if documents > 1:
                    raise _refuse(
                        path,
                        event.start_mark,
                        "file holds more than one YAML document",
                        "put each part in a file of its own",
                    )
                continue
            if kind is StreamEndEvent:
                break
    finally:
        parser.dispose()
    if not root_seen:
        return None
    return root


def _put_in_map(container: Map, key: str | None, key_where: Where, value: Any, where: Where) -> None:
    if key is None:
        raise SourceError(
            error(_as_loc(where, container.loc.path).pos, "a key must be plain text, not a list or mapping")
        )
    if key == "<<":
        raise SourceError(
            error(_as_loc(key_where, container.loc.path).pos, "merge keys (<<) are not supported", "write the keys out")
        )
    container[key] = value
    container._keys[key] = key_where
    container._values[key] = where


def read_bytes(path: str, display: str | None = None, *, follow_links: bool = True) -> bytes:
    """A regular file's bytes, never more than one past the size limit (so `decode` can refuse it).

    One handle serves the type check, the size and the read, so the file cannot be
    swapped in between; O_NONBLOCK keeps a FIFO from hanging the open, and the
    last path component may be a symlink only when `follow_links` says so.
    """
    shown = display or path
    try:
        return read_regular(path, MAX_FILE_BYTES, follow_links=follow_links)
    except NotRegular:
        raise SourceError(
            error(Pos(shown), "not a regular file", "a story file must be a plain file, not a pipe, device or folder")
        ) from None
    except OSError as exc:
        raise SourceError(error(Pos(shown), f"cannot read file: {exc.strerror or exc}")) from None


def load_bytes(shown: str, data: bytes) -> Any:
    """Parse one file's bytes; errors name it `shown`."""
    return load_text(shown, decode(shown, data))


def load_file(path: str, display: str | None = None) -> Any:
    """Read and parse one file; errors name it by `display` (default: the path)."""
    shown = display or path
    return load_bytes(shown, read_bytes(path, shown))
