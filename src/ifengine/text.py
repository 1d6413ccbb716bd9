"""Prose templates: `{expr}` interpolation, `{if}` blocks, paragraphs and emphasis.

A template is parsed and type-checked once when the story loads; rendering is a
pure function of the state. Emphasis (`*i*`, `**b**`) is split into styled
spans here so front ends only map styles to looks and never parse prose.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from .chance import variant
from .expr import Atom, Condition, Env, ExprError, Type, compile_condition, compile_value

MAX_NESTING = 16

# What an {if} that shows nothing renders as. The loader refuses control
# characters in stories, so this cannot clash with an author's text; a line
# holding nothing else disappears with its line break (see `tidy`).
EMPTY = "\x00"

# A template renders from the values, the visit counts and the moment: how many
# times its scene has been entered (1 the first time) and the game's seed, which
# decide the variant a {seq}, {cycle}, {once} or {shuffle} tag shows.
Moment = tuple[int, int]
FIRST: Moment = (1, 0)
Render = Callable[[tuple, Mapping[str, int], Moment], str]

# What a {glue} tag renders as: `paragraphs` joins the paragraphs on either side of it.
GLUE = "\x01"
VARIATIONS = ("seq", "cycle", "once", "shuffle")


# The {if}/{elif} tests around a tag, each with the outcome that renders the tag's branch.
When = tuple[tuple[Condition, bool], ...]


@dataclass(frozen=True, slots=True)
class AssumeTag:
    """An `{assume EXPR}` tag: a condition the author claims holds wherever this text is shown.

    It renders nothing; `offset` is where the tag starts in the template's source.
    `when` is what must hold for a render to pass it: each enclosing `{if}` or
    `{elif}` test with the outcome its branch needs (False for the branches
    before it, True for its own). `reads` adds to the condition's reads what
    those tests read.
    """

    condition: Condition
    source: str
    offset: int
    reads: frozenset[Atom] = frozenset()
    when: When = ()


# Which assume tags (by index in Template.assumes) are active for a state.
Active = Callable[[tuple, Mapping[str, int]], list[int]]


def _none_active(values: tuple, visits: Mapping[str, int]) -> list[int]:
    return []


@dataclass(frozen=True, slots=True)
class Template:
    """Compiled prose. `reads` lists the state its tags depend on (display only, never control flow).

    `assumes` are its `{assume}` tags in source order; `active` tells which of
    them a render with the given state passes through, without rendering.
    """

    source: str
    parts: Render
    static: bool
    reads: frozenset[Atom] = frozenset()
    assumes: tuple[AssumeTag, ...] = ()
    active: Active = _none_active
    varies: bool = False  # it holds a {seq}, {cycle}, {once} or {shuffle}: its scene's visits are counted

    def render(self, values: tuple, visits: Mapping[str, int], moment: Moment = FIRST) -> str:
        return self.parts(values, visits, moment)


# A whole tag with its inside (group 1), or an escaped brace, or a stray one.
_TAG = re.compile(r"\{\{|\}\}|\{([^}]*)\}|[{}]")
# Control characters (C0 but tab and newline, DEL, C1), line separators and
# bidirectional overrides: what a terminal would act on, or show misleadingly.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def find_control(text: str) -> int:
    """Offset of the first control character (other than tab and newline), or -1."""
    if text.isprintable():  # no control, separator or format character at all: the common case
        return -1
    m = _CONTROL.search(text)
    return m.start() if m else -1


def _formatter(type_: Type, env: Env) -> Callable[[Any], str]:
    if type_.kind == "set":
        members = env.variables[type_.var].members

        def fmt_set(value: Any) -> str:
            labels = [members[m].label for m in members if m in value]
            return ", ".join(labels) if labels else "nothing"

        return fmt_set
    if type_.kind == "bool":
        return lambda value: "yes" if value else "no"
    return str


def _escape(text: str) -> str:
    return text.replace("*", "\\*")


def compile_template(source: str, env: Env) -> Template:
    """Parse prose with `{...}` tags into a render function; raises ExprError with an offset."""
    return env.once("template", source, _compile_template)


def _ink_glue_and_diverts(source: str) -> None:
    """ink's glue `<>` and diverts `->` are written another way here: a located hint."""
    at = source.find("<>")
    if at != -1:
        raise ExprError("ink's glue <> is written {glue} here", at, "write {glue} where the text should join")
    m = _DIVERT.search(source) if "->" in source else None
    if m:
        raise ExprError(
            "ink's divert -> is not prose here", m.end() - 2, "end the scene with goto: (or a choice's goto:) instead"
        )


def _compile_template(source: str, env: Env) -> Template:
    _ink_glue_and_diverts(source)
    reads: set[Atom] = set()
    guards: list[Guard] = []
    parts, _pos, closer = _parse(source, 0, env, 0, reads, guards, ())
    if closer is not None:
        raise ExprError(f"'{{{closer[0]}}}' without a matching {{if}}", closer[1])
    tags = tuple(_tags(guards))
    active = _active(guards, {id(t): i for i, t in enumerate(tags)}) if tags else _none_active
    static = all(isinstance(p, str) for p in parts)
    if static:
        text = "".join(parts)
        return Template(source, lambda v, s, m: text, True, frozenset(), tags, active)
    varies = _VARIATION.search(source) is not None if ":" in source else False
    return Template(source, _join(parts), False, frozenset(reads), tags, active, varies)


# The skeleton of a template that `active` walks: assume tags, and {if} blocks
# as (condition or None for else, guards inside) branches.
Guard = Any  # AssumeTag | tuple[tuple[Condition | None, list[Guard]], ...]


def _tags(guards: list[Guard]) -> list[AssumeTag]:
    found: list[AssumeTag] = []
    for guard in guards:
        if isinstance(guard, AssumeTag):
            found.append(guard)
        else:
            for _cond, inner in guard:
                found.extend(_tags(inner))
    found.sort(key=lambda t: t.offset)
    return found


# `_active`'s compiled skeleton: a tag's index, or an {if} block as its branches,
# each (test or None for else, inner plan, the inner tags' indices when it holds no {if}, else None).
Plan = tuple[Any, ...]


def _plan(guards: list[Guard], index: dict[int, int]) -> Plan:
    items: list[Any] = []
    for guard in guards:
        if isinstance(guard, AssumeTag):
            items.append(index[id(guard)])
            continue
        branches = []
        for cond, inner in guard:
            plan = _plan(inner, index)
            flat = plan if all(type(item) is int for item in plan) else None
            branches.append((cond.test if cond is not None else None, plan, flat))
        items.append(tuple(branches))
    return tuple(items)


def _active(guards: list[Guard], index: dict[int, int]) -> Active:
    """Which tags a render passes, from the skeleton compiled once: the explorer asks for every state it meets.

    The common shapes (tags outside any {if}; one {if} block with tags but no
    {if} inside) get closures of their own; the rest walk the plan.
    """
    plan = _plan(guards, index)
    if all(type(item) is int for item in plan):
        return lambda values, visits: list(plan)
    if len(plan) == 1 and all(flat is not None for _, _, flat in plan[0]):
        branches = plan[0]

        def one_block(values: tuple, visits: Mapping[str, int]) -> list[int]:
            for test, _, flat in branches:  # the branch an {if} block renders, as render_if picks it
                if test is None or test(values, visits):
                    return list(flat)
            return []

        return one_block

    def walk(items: Plan, values: tuple, visits: Mapping[str, int], out: list[int]) -> None:
        for item in items:
            if type(item) is int:
                out.append(item)
                continue
            for test, inner, flat in item:
                if test is None or test(values, visits):
                    if flat is not None:
                        out.extend(flat)
                    else:
                        walk(inner, values, visits, out)
                    break

    def active(values: tuple, visits: Mapping[str, int]) -> list[int]:
        out: list[int] = []
        walk(plan, values, visits, out)
        return out

    return active


Part = Any  # str | Callable[[tuple, Mapping], str]


def _join(parts: list[Part]) -> Render:
    fns = [(lambda v, s, m, t=p: t) if isinstance(p, str) else p for p in parts]
    if len(fns) == 1:
        return fns[0]
    return lambda v, s, m: "".join([f(v, s, m) for f in fns])


def _next_tag(src: str, pos: int) -> re.Match[str] | None:
    """The first `_TAG` at or after `pos`: found with `str.find`, which skips prose far faster than a regex scan.

    Every form of the tag starts at a brace, and a lone brace is one, so the
    tag starts at the first brace: the same match `_TAG.search` would give.
    """
    opening = src.find("{", pos)
    closing = src.find("}", pos, opening if opening != -1 else len(src))
    at = closing if closing != -1 else opening
    return None if at == -1 else _TAG.match(src, at)


def _parse(
    src: str, pos: int, env: Env, depth: int, reads: set[Atom], guards: list[Guard], when: When
) -> tuple[list[Part], int, tuple[str, int, str] | None]:
    """Parse until the end or a closing tag; returns (parts, position, closing tag).

    `guards` collects the assume tags met and the {if} blocks holding some;
    `when` is the enclosing {if} tests, as `AssumeTag.when`.
    """
    parts: list[Part] = []
    while True:
        m = _next_tag(src, pos)
        if m is None:
            if pos < len(src):
                parts.append(src[pos:])
            return parts, len(src), None
        at = m.start()
        if at > pos:
            parts.append(src[pos:at])
        pos = m.end()
        inner = m.group(1)
        if inner is None:  # "{{", "}}", or a brace with no partner
            token = m.group()
            if token == "{{" or token == "}}":
                parts.append(token[0])
                continue
            if token == "}":
                raise ExprError("'}' without a matching '{'", at, "write }} for a literal brace")
            raise ExprError("'{' is not closed", at, "add '}', or write {{ for a literal brace")
        try:
            word, rest = _split_tag(inner)
        except ExprError as exc:
            raise ExprError(exc.message, at, exc.hint) from None
        if word in ("elif", "else", "/if"):
            return parts, pos, (word, at, rest)
        if word == "if":
            if depth >= MAX_NESTING:
                raise ExprError(f"{{if}} blocks nest deeper than {MAX_NESTING}", at)
            fn, pos = _parse_if(
                src,
                pos,
                env,
                depth,
                rest,
                at + 1 + inner.find(rest) if rest else at + 1,
                at,
                reads,
                guards,
                when,
            )
            parts.append(fn)
            continue
        if word == "glue":
            parts.append(GLUE)
            continue
        if word == "do":
            raise ExprError(
                "a {do} tag can stand only in a scene's text, outside every {if} block",
                at,
                "move it there, or use do: (or after:) on the scene or choice",
            )
        if word in VARIATIONS:
            parts.append(_variation(word, rest, inner, at))
            continue
        if word == "assume":
            condition = _condition(rest, at + 1 + inner.find(rest), env, at, "assume", reads)
            guard_reads = frozenset(atom for test, _ in when for atom in test.reads)
            guards.append(AssumeTag(condition, rest, at, condition.reads | guard_reads, when))
            parts.append(EMPTY)  # renders nothing; a line holding only the tag disappears
            continue
        parts.append(_interpolation(inner, at + 1, env, reads))


def _split_tag(inner: str) -> tuple[str, str]:
    stripped = inner.strip()
    if stripped == "glue":
        return "glue", ""
    habit = _IF_HABITS.match(stripped)
    if habit:
        ours = "{/if}" if habit.group(1).replace(" ", "").lower() in ("endif", "fi") else "{elif ...}"
        raise ExprError(f"{{{habit.group(1)}}} is written {ours} here", 0, f"write {ours}")
    if DO_TAG.match(stripped):
        return "do", stripped
    m = _VARIATION_TAG.match(stripped)
    if m:
        return m.group(1), stripped[m.end() :]
    if not stripped.startswith(("if", "el", "/if", "end", "assume")):  # an interpolation: the common case
        return "", stripped
    for word in ("assumes", "assume"):
        if stripped.startswith(word) and len(stripped) > len(word) and stripped[len(word)] in " :\t\n":
            return "assume", stripped[len(word) :].lstrip(" :\t\n").strip()
    for word in ("elif", "if"):
        if stripped.startswith(word) and (len(stripped) == len(word) or stripped[len(word)] in " :\t\n"):
            rest = stripped[len(word) :].lstrip(" :\t\n").strip()
            if len(rest) >= 2 and rest[0] == rest[-1] and rest[0] in "'\"" and rest.count(rest[0]) == 2:
                rest = rest[1:-1]
            return word, rest
    if stripped in ("else", "/if", "end"):
        return ("/if" if stripped == "end" else stripped), ""
    return "", stripped


def _condition(source: str, offset: int, env: Env, tag_at: int, word: str, reads: set[Atom]) -> Condition:
    if not source:
        raise ExprError(f"{{{word}}} needs a condition", tag_at, f"write {{{word} trust >= 2}}")
    try:
        condition = compile_condition(source, env)
    except ExprError as exc:
        raise ExprError(exc.message, offset + exc.offset, exc.hint) from None
    reads.update(condition.reads)
    return condition


def _parse_if(
    src: str,
    pos: int,
    env: Env,
    depth: int,
    cond_src: str,
    cond_offset: int,
    tag_at: int,
    reads: set[Atom],
    guards: list[Guard],
    when: When,
) -> tuple[Part, int]:
    branches: list[tuple[Condition | None, Render]] = []
    guarded: list[tuple[Condition | None, list[Guard]]] = []
    condition: Condition | None = _condition(cond_src, cond_offset, env, tag_at, "if", reads)
    passed: When = ()  # the earlier branches' tests, each false where a later branch is shown
    while True:
        inner: list[Guard] = []
        here = when + passed + (((condition, True),) if condition is not None else ())
        parts, pos, closer = _parse(src, pos, env, depth + 1, reads, inner, here)
        if condition is not None:
            passed += ((condition, False),)
        branches.append((condition, _join(parts) if parts else (lambda v, s, m: "")))
        guarded.append((condition, inner))
        if closer is None:
            raise ExprError("{if} is not closed", tag_at, "add {/if}")
        word, at, rest = closer
        if word == "/if":
            break
        if condition is None:
            raise ExprError(f"{{{word}}} after {{else}}", at, "{else} must be the last branch")
        if word == "else":
            condition = None
        else:
            inner_start = src.find(rest, at) if rest else at
            condition = _condition(rest, inner_start, env, at, "elif", reads)
    if any(inner for _cond, inner in guarded):
        guards.append(tuple(guarded))
    frozen = tuple(branches)

    def render_if(v: tuple, s: Mapping[str, int], m: Moment) -> str:
        for cond, body in frozen:
            if cond is None or cond.test(v, s):
                return body(v, s, m) or EMPTY
        return EMPTY

    return render_if, pos


DO_TAG = re.compile(r"do\s*:\s*|do\s+(?=\S)")
_DIVERT = re.compile(r"(?m)^[ \t]*->")
_IF_HABITS = re.compile(r"(elseif|else\s+if|elsif|end\s*if|fi)\b", re.IGNORECASE)
_VARIATION_TAG = re.compile(r"(seq|cycle|once|shuffle)\s*:\s*")
_VARIATION = re.compile(r"\{\s*(seq|cycle|once|shuffle)\s*:")


def _variation(word: str, rest: str, inner: str, at: int) -> Part:
    """A `{seq: a | b}` tag (or cycle, once, shuffle): which words show depends on the visit.

    seq shows each in turn and then keeps the last; cycle starts again; once
    shows each in turn and then nothing; shuffle picks one by the game's seed.
    """
    options = [o.strip() for o in rest.split("|")]
    if len(options) < 2 and word != "once":
        raise ExprError(
            f"{{{word}:}} needs at least two variants separated by |",
            at,
            f"write {{{word}: first words | later words}}",
        )
    salt = zlib.crc32(inner.encode("utf-8"))
    last = len(options) - 1

    def pick(v: tuple, s: Mapping[str, int], m: Moment) -> str:
        count, seed = m
        if word == "seq":
            text = options[min(count - 1, last)]
        elif word == "cycle":
            text = options[(count - 1) % len(options)]
        elif word == "once":
            text = options[count - 1] if count - 1 <= last else ""
        else:
            text = options[variant(seed, count, salt, len(options))]
        return text or EMPTY

    return pick


_INK_VARIATION = {"&": "cycle", "~": "shuffle", "!": "once"}


def _ink_habit(source: str, at: int) -> None:
    """ink's `{&a|b}`, `{~a|b}`, `{!a|b}` and `{a|b}` name variations another way here: say how."""
    if source[0] in _INK_VARIATION:
        word, rest = _INK_VARIATION[source[0]], source[1:]
    elif "|" in source:
        word, rest = "seq", source
    else:
        return
    variants = " | ".join(part.strip() for part in rest.split("|"))
    raise ExprError(f"ink's {{{source[:12]}...}} is written {{{word}: ...}} here", at, f"write {{{word}: {variants}}}")


def _interpolation(inner: str, offset: int, env: Env, reads: set[Atom]) -> Part:
    source = inner.strip()
    if not source:
        raise ExprError("empty {}", offset - 1, "write {{}} for literal braces")
    _ink_habit(source, offset - 1)
    try:
        part, part_reads = env.once("interpolation", source, _compile_interpolation)
    except ExprError as exc:
        lead = len(inner) - len(inner.lstrip())
        raise ExprError(exc.message, offset + lead + exc.offset, exc.hint) from None
    reads.update(part_reads)
    return part


def _compile_interpolation(source: str, env: Env) -> tuple[Part, frozenset[Atom]]:
    """A `{...}` tag's render function; the same tag text recurs, so it is compiled once per story."""
    value = compile_value(source, env)
    fmt = _formatter(value.type, env)
    get = value.get
    return (lambda v, s, m: _escape(fmt(get(v, s)))), value.reads


# --- after rendering: paragraphs and emphasis ---------------------------------------

_BLANK = re.compile(r"\n[ \t]*\n\s*")
_SPACE = re.compile(r"\s+")


_EMPTY_LINE = re.compile(r"^[ \t]*\x00[\x00 \t]*(\n|\Z)", re.MULTILINE)


def tidy(text: str) -> str:
    """Drop lines that only held {if} blocks showing nothing, so they break no paragraph."""
    if EMPTY not in text:
        return text
    return _EMPTY_LINE.sub("", text).replace(EMPTY, "")


def paragraphs(text: str, keep_glue: bool = False) -> list[str]:
    """Blank lines separate paragraphs; other line breaks fold into spaces; {glue} joins paragraphs.

    With `keep_glue`, glue at the very end stays on the last paragraph, so the
    runtime can join it to the next passage (see `glued`).
    """
    out: list[str] = []
    for chunk in _BLANK.split(tidy(text)):
        folded = _SPACE.sub(" ", chunk).strip()
        if not folded:
            continue
        if out and (out[-1].endswith(GLUE) or folded.startswith(GLUE)):
            out[-1] = _join_glued(out[-1], folded)
        else:
            out.append(folded)
    if out and not keep_glue:
        out = [p.replace(GLUE, " ").strip() for p in out]
        out = [_SPACE.sub(" ", p) for p in out if p]
    return out


def _join_glued(before: str, after: str) -> str:
    return before.rstrip(GLUE + " ") + " " + after.lstrip(GLUE + " ")


def glued(earlier: list[str], later: list[str]) -> list[str]:
    """Two runs of paragraphs as one: glue at the end of `earlier` joins its last to `later`'s first."""
    if earlier and later and earlier[-1].endswith(GLUE):
        return [*earlier[:-1], _join_glued(earlier[-1], later[0]), *later[1:]]
    return [*earlier, *later]


def unglued(paragraphs_: list[str]) -> list[str]:
    """Paragraphs with any glue left over (nothing came after it) removed."""
    out = [_SPACE.sub(" ", p.replace(GLUE, " ")).strip() for p in paragraphs_]
    return [p for p in out if p]


Span = tuple[str, str]  # (text, style) with style "", "i", "b" or "bi"

_EMPHASIS = re.compile(r"\\\*|\*\*|\*")


def spans(paragraph: str) -> list[Span]:
    """Split a paragraph at `*`/`**` markers; unmatched markers are kept as text."""
    tokens = _EMPHASIS.split(paragraph)
    marks = _EMPHASIS.findall(paragraph)
    # Pair each opening marker with the next identical one; unpaired ones stay literal.
    live: list[bool] = [False] * len(marks)
    open_at: dict[str, int] = {}
    for i, mark in enumerate(marks):
        if mark == "\\*":
            continue
        if mark in open_at:
            live[open_at.pop(mark)] = True
            live[i] = True
        else:
            open_at[mark] = i
    result: list[Span] = []
    italic = bold = False
    for i, chunk in enumerate(tokens):
        if chunk:
            style = ("b" if bold else "") + ("i" if italic else "")
            if result and result[-1][1] == style:
                result[-1] = (result[-1][0] + chunk, style)
            else:
                result.append((chunk, style))
        if i < len(marks):
            mark = marks[i]
            if mark == "\\*" or not live[i]:
                literal = "*" if mark == "\\*" else mark
                style = ("b" if bold else "") + ("i" if italic else "")
                if result and result[-1][1] == style:
                    result[-1] = (result[-1][0] + literal, style)
                else:
                    result.append((literal, style))
            elif mark == "**":
                bold = not bold
            else:
                italic = not italic
    return result


def plain(paragraph: str) -> str:
    """The paragraph's words without emphasis markers."""
    return "".join(text for text, _ in spans(paragraph))
