"""The expression language of conditions and effects.

Source text is tokenised and parsed by a small Pratt parser (never `eval`), type
checked against the declared variables, and compiled into plain closures so
the runtime only calls functions. Work is bounded: sources are short, nesting
is shallow, numbers are small, and there is no power operator.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple, TypeVar

from .model import Variable

T = TypeVar("T")

MAX_SOURCE = 300
MAX_DEPTH = 32
MAX_DIGITS = 15

# Atoms of state an expression reads; the explorer uses them to know what matters.
Atom = tuple[str, ...]


MAX_STRING = 10_000  # characters a joined string keeps; the rest is cut off


class ExprError(Exception):
    """A problem in an expression: a message, its character offset, and a hint."""

    def __init__(self, message: str, offset: int = 0, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.offset = offset
        self.hint = hint


# --- tokens -----------------------------------------------------------------

_TOKEN = re.compile(
    r"""(?P<ws>\s+)
      | (?P<num>[0-9]+)
      | (?P<str>'[^']*'|"[^"]*")
      | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
      | (?P<op>==|!=|<=|>=|\+=|-=|[-+*/%<>=(),])
    """,
    re.VERBOSE,
)
_KEYWORDS = {"and", "or", "not", "in", "true", "false"}
_BAD_HINTS = {
    "&": "use 'and'",
    "|": "use 'or'",
    "!": "use 'not' (or != to compare)",
    "^": "there is no power operator; multiply instead",
    "[": "sets are tested with 'member in set'",
    ".": "write whole numbers only",
}


class Token(NamedTuple):
    """One word of an expression, with where it starts (for errors that point at it)."""

    kind: str  # num, str, name, op, kw, end
    text: str
    offset: int


def tokenize(source: str) -> list[Token]:
    if len(source) > MAX_SOURCE:
        raise ExprError(
            f"expression is {len(source)} characters long; the limit is {MAX_SOURCE}",
            0,
            "split it, or move part of it into a routing scene",
        )
    tokens: list[Token] = []
    pos = 0
    while pos < len(source):
        m = _TOKEN.match(source, pos)
        if m is None:
            ch = source[pos]
            if ch in "'\"":
                raise ExprError("string is not closed", pos, f"add the closing {ch}")
            hint = "write numbers with the digits 0-9" if ch.isdigit() else _BAD_HINTS.get(ch, "")
            if ch == "." and pos and (source[pos - 1].isalpha() or source[pos - 1] == "_"):
                raise ExprError(
                    "ink's knot.stitch: scene ids here have no dots",
                    pos,
                    "name the scene itself, as in seen(stitch_scene); each ink stitch is a scene of its own",
                )
            raise ExprError(f"unexpected character {ch!r}", pos, hint)
        kind = m.lastgroup or ""
        text = m.group()
        if kind == "name" and text in _KEYWORDS:
            kind = "kw"
        if kind != "ws":
            tokens.append(Token(kind, text, pos))
        pos = m.end()
    tokens.append(Token("end", "", len(source)))
    return tokens


# --- syntax tree ---------------------------------------------------------------
# Tokens, nodes and types are named tuples: immutable values, a third of a dataclass's cost to define at start-up.


class Node(NamedTuple):
    """A parsed expression: a literal, a name, or an operator or call with its arguments."""

    kind: str  # lit, name, unary, binary, call
    offset: int
    value: Any = None  # literal value, name, operator or function name
    args: tuple[Node, ...] = ()


_BINARY_POWER = {
    "or": 1,
    "and": 2,
    "==": 4,
    "!=": 4,
    "<": 4,
    "<=": 4,
    ">": 4,
    ">=": 4,
    "in": 4,
    "not in": 4,
    "+": 5,
    "-": 5,
    "*": 6,
    "/": 6,
    "%": 6,
}
_COMPARISONS = {"==", "!=", "<", "<=", ">", ">=", "in", "not in"}
_MIRROR = {"==": "==", "!=": "!=", "<": ">", "<=": ">=", ">": "<", ">=": "<="}  # c OP x is x MIRROR c
FUNCTIONS = {"seen": 1, "visits": 1, "count": 1}


class _Parser:
    def __init__(self, source: str) -> None:
        self.tokens = tokenize(source)
        self.i = 0
        self.depth = 0

    def peek(self) -> Token:
        return self.tokens[self.i]

    def next(self) -> Token:
        tok = self.tokens[self.i]
        self.i += 1
        return tok

    def expect(self, text: str) -> Token:
        tok = self.next()
        if tok.text != text:
            found = f"'{tok.text}'" if tok.text else "the end"
            raise ExprError(f"expected '{text}' but found {found}", tok.offset)
        return tok

    def binary_op(self) -> str | None:
        tok = self.peek()
        if tok.kind == "kw" and tok.text == "not" and self.tokens[self.i + 1].text == "in":
            return "not in"
        if tok.text in _BINARY_POWER and tok.kind in ("op", "kw"):
            return tok.text
        return None

    def expression(self, min_power: int = 0) -> Node:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ExprError(f"expression nests deeper than {MAX_DEPTH} levels", self.peek().offset)
        left = self.prefix()
        while True:
            op = self.binary_op()
            if op is None:
                break
            power = _BINARY_POWER[op]
            if power <= min_power:
                break
            tok = self.next()
            if op == "not in":
                self.next()
            right = self.expression(power)
            if op in _COMPARISONS and self.binary_op() in _COMPARISONS:
                raise ExprError(
                    "comparisons cannot be chained",
                    self.peek().offset,
                    "join them with 'and': a < b and b < c",
                )
            left = Node("binary", tok.offset, op, (left, right))
        self.depth -= 1
        return left

    def prefix(self) -> Node:
        tok = self.next()
        if tok.kind == "num":
            if len(tok.text) > MAX_DIGITS:
                raise ExprError(f"number has more than {MAX_DIGITS} digits", tok.offset)
            return Node("lit", tok.offset, int(tok.text))
        if tok.kind == "str":
            return Node("lit", tok.offset, tok.text[1:-1])
        if tok.kind == "kw" and tok.text in ("true", "false"):
            return Node("lit", tok.offset, tok.text == "true")
        if tok.kind == "kw" and tok.text == "not":
            return Node("unary", tok.offset, "not", (self.expression(3),))
        if tok.text == "-":
            return Node("unary", tok.offset, "-", (self.expression(6),))
        if tok.text == "(":
            inner = self.expression()
            self.expect(")")
            return inner
        if tok.kind == "name":
            if self.peek().text == "(":
                return self.call(tok)
            return Node("name", tok.offset, tok.text)
        if tok.kind == "end":
            raise ExprError("expression ends too soon", tok.offset, "something is missing here")
        if tok.text == "=":
            raise ExprError("unexpected '='", tok.offset, "use == to compare")
        raise ExprError(f"unexpected '{tok.text}'", tok.offset)

    def call(self, name: Token) -> Node:
        if name.text not in FUNCTIONS:
            from .diagnostics import suggest

            raise ExprError(
                f"unknown function '{name.text}'",
                name.offset,
                suggest(name.text, FUNCTIONS) or "functions are seen(), visits() and count()",
            )
        self.expect("(")
        args: list[Node] = []
        if self.peek().text != ")":
            args.append(self.expression())
            while self.peek().text == ",":
                self.next()
                args.append(self.expression())
        self.expect(")")
        if len(args) != FUNCTIONS[name.text]:
            raise ExprError(f"{name.text}() takes exactly one argument", name.offset)
        return Node("call", name.offset, name.text, tuple(args))

    def finish(self, node: Node) -> Node:
        tok = self.peek()
        if tok.kind != "end":
            hint = "use == to compare" if tok.text == "=" else ""
            hint = hint or ("did you mean 'and' or 'or'?" if tok.kind in ("name", "num", "str") else "")
            raise ExprError(f"unexpected '{tok.text}'", tok.offset, hint)
        return node


def parse(source: str) -> Node:
    parser = _Parser(source)
    if parser.peek().kind == "end":
        raise ExprError("expression is empty", 0, "write a condition such as trust >= 2")
    return parser.finish(parser.expression())


# --- types and compilation -------------------------------------------------------


class Type(NamedTuple):
    """What an expression yields, checked before play: int, bool, str, a set or an enum."""

    kind: str  # int, bool, str, set, enum
    var: str = ""  # the set or enum variable this value belongs to

    def __str__(self) -> str:
        names = {"int": "a number", "bool": "true/false", "str": "text"}
        if self.kind in names:
            return names[self.kind]
        return f"{'an' if self.kind == 'enum' else 'a'} {self.kind} ({self.var})"


INT, BOOL, STR = Type("int"), Type("bool"), Type("str")

Fn = Callable[[tuple, Mapping[str, int]], Any]


@dataclass(frozen=True, slots=True)
class Env:
    """What an expression may name: the story's variables and scene ids.

    `compiled` remembers what was compiled against this Env: stories repeat
    conditions and effects ("trust >= 2", "clues += letter"), and compiled
    ones are immutable, so each distinct text is compiled once.
    """

    variables: Mapping[str, Variable]
    scenes: frozenset[str] | Mapping[str, object]
    compiled: dict[tuple[str, str], Any] = field(default_factory=dict, compare=False, repr=False)
    constants: Mapping[str, int | bool | str] = field(default_factory=dict)  # named values that never change

    def once(self, kind: str, source: str, build: Callable[[str, Env], T]) -> T:
        """`build(source, self)`, compiled the first time and remembered after."""
        key = (kind, source)
        found = self.compiled.get(key)
        if found is None:
            found = self.compiled[key] = build(source, self)
        return found


def var_type(var: Variable) -> Type:
    return {
        "int": INT,
        "flag": BOOL,
        "string": STR,
        "set": Type("set", var.name),
        "enum": Type("enum", var.name),
    }[var.type]


@dataclass(slots=True)
class _Compiled:
    """A compiled expression: the function, its type, and the state it reads."""

    fn: Fn
    type: Type
    reads: set[Atom]
    const: Any = None
    is_const: bool = False


def _const(value: Any, type_: Type) -> _Compiled:
    return _Compiled(lambda v, s: value, type_, set(), value, True)


class _Compiler:
    def __init__(self, env: Env) -> None:
        self.env = env

    def unknown_name(self, node: Node) -> ExprError:
        from .diagnostics import suggest

        hint = suggest(node.value, [*self.env.variables, *self.env.constants])
        if not hint:
            members = [v.name for v in self.env.variables.values() if node.value in v.members]
            if members:
                hint = f"'{node.value}' is a member of {members[0]}: write {node.value} in {members[0]}"
            else:
                hint = "declare it under state: in story.yaml"
        return ExprError(f"unknown variable '{node.value}'", node.offset, hint)

    def member(self, node: Node, set_type: Type) -> _Compiled:
        """A set member, written bare or quoted; checked against the set's declaration."""
        var = self.env.variables[set_type.var]
        if node.kind == "name" and node.value in var.members:
            return _const(node.value, STR)
        if node.kind == "lit" and isinstance(node.value, str):
            if node.value not in var.members:
                from .diagnostics import suggest

                raise ExprError(
                    f"'{node.value}' is not a member of {var.name}",
                    node.offset,
                    suggest(node.value, var.members) or f"declare it under of: in {var.name}",
                )
            return _const(node.value, STR)
        if node.kind == "name" and node.value not in self.env.variables:
            from .diagnostics import suggest

            raise ExprError(
                f"'{node.value}' is not a member of {var.name}",
                node.offset,
                suggest(node.value, var.members) or f"declare it under of: in {var.name}",
            )
        item = self.compile(node)
        self.require(item, STR, node, f"a member of {var.name}")
        return item

    def require(self, item: _Compiled, want: Type, node: Node, what: str = "") -> None:
        if item.type != want:
            raise ExprError(f"expected {what or want} but this is {item.type}", node.offset)

    def compile(self, node: Node) -> _Compiled:
        method = getattr(self, "c_" + node.kind)
        result: _Compiled = method(node)
        return result

    def c_lit(self, node: Node) -> _Compiled:
        value = node.value
        if isinstance(value, bool):
            return _const(value, BOOL)
        if isinstance(value, int):
            return _const(value, INT)
        return _const(value, STR)

    def c_name(self, node: Node) -> _Compiled:
        var = self.env.variables.get(node.value)
        if var is None:
            if node.value in self.env.constants:
                value = self.env.constants[node.value]
                return _const(value, BOOL if isinstance(value, bool) else INT if isinstance(value, int) else STR)
            raise self.unknown_name(node)
        index = var.index
        return _Compiled(lambda v, s: v[index], var_type(var), {("var", var.name)})

    def c_unary(self, node: Node) -> _Compiled:
        (operand_node,) = node.args
        operand = self.compile(operand_node)
        f = operand.fn
        if node.value == "not":
            self.require(operand, BOOL, operand_node, "true/false after 'not'")
            return _Compiled(lambda v, s: not f(v, s), BOOL, operand.reads)
        self.require(operand, INT, operand_node, "a number after '-'")
        if operand.is_const:  # '-3' is a number written in the expression, as '/ -3' needs
            return _const(-operand.const, INT)
        return _Compiled(lambda v, s: -f(v, s), INT, operand.reads)

    def c_call(self, node: Node) -> _Compiled:
        (arg,) = node.args
        if node.value == "count":
            item = self.compile(arg)
            if item.type.kind != "set":
                raise ExprError(f"count() takes a set, not {item.type}", arg.offset)
            f = item.fn
            return _Compiled(lambda v, s: len(f(v, s)), INT, item.reads)
        if arg.kind == "name" or (arg.kind == "lit" and isinstance(arg.value, str)):
            scene = arg.value
        else:
            raise ExprError(f"{node.value}() takes a scene id", arg.offset)
        if scene not in self.env.scenes:
            from .diagnostics import suggest

            raise ExprError(f"unknown scene '{scene}'", arg.offset, suggest(scene, self.env.scenes))
        if node.value == "seen":
            return _Compiled(lambda v, s: scene in s, BOOL, {("seen", scene)})
        return _Compiled(lambda v, s: s.get(scene, 0), INT, {("visits", scene)})

    def c_binary(self, node: Node) -> _Compiled:
        op = node.value
        left_node, right_node = node.args
        if op in ("in", "not in"):
            return self.membership(node)
        left = self.compile(left_node)
        right = self.compile(right_node)
        reads = left.reads | right.reads
        lf, rf = left.fn, right.fn
        if op in ("and", "or"):
            self.require(left, BOOL, left_node, f"true/false before '{op}'")
            self.require(right, BOOL, right_node, f"true/false after '{op}'")
            if op == "and":
                return _Compiled(lambda v, s: lf(v, s) and rf(v, s), BOOL, reads)
            return _Compiled(lambda v, s: lf(v, s) or rf(v, s), BOOL, reads)
        if op in ("==", "!="):
            self.check_equality(left, right, left_node, right_node)
            reads = self.comparison_reads(op, left_node, left, right_node, right, reads, self.env)
            if op == "==":
                return _Compiled(lambda v, s: lf(v, s) == rf(v, s), BOOL, reads)
            return _Compiled(lambda v, s: lf(v, s) != rf(v, s), BOOL, reads)
        if op == "+" and left.type == STR and right.type == STR:
            # Cut, never fail: a loop of `s = s + s` must not exhaust memory in play or explore.
            return _Compiled(lambda v, s: (lf(v, s) + rf(v, s))[:MAX_STRING], STR, reads)
        self.require(left, INT, left_node, f"a number before '{op}'")
        self.require(right, INT, right_node, f"a number after '{op}'")
        if op in ("/", "%"):
            if not right.is_const or right.const == 0:
                raise ExprError(
                    f"'{op}' needs a non-zero number written in the expression",
                    right_node.offset,
                    "division by a variable could divide by zero",
                )
            divisor = right.const
            if op == "/":
                return _Compiled(lambda v, s: lf(v, s) // divisor, INT, reads)
            return _Compiled(lambda v, s: lf(v, s) % divisor, INT, reads)
        ops: dict[str, Callable[[Any, Any], Any]] = {
            "+": lambda a, b: a + b,
            "-": lambda a, b: a - b,
            "*": lambda a, b: a * b,
        }
        if op in ops:
            return self.arith(ops[op], lf, rf, INT, reads)
        compare: dict[str, Callable[[Any, Any], bool]] = {
            "<": lambda a, b: a < b,
            "<=": lambda a, b: a <= b,
            ">": lambda a, b: a > b,
            ">=": lambda a, b: a >= b,
        }
        reads = self.comparison_reads(op, left_node, left, right_node, right, reads, self.env)
        # Specialise the common "variable OP constant" shape: it is most conditions.
        if right.is_const and left_node.kind == "name" and not left.is_const:
            index = self.env.variables[left_node.value].index
            c = right.const
            fast = {
                "<": lambda v, s: v[index] < c,
                "<=": lambda v, s: v[index] <= c,
                ">": lambda v, s: v[index] > c,
                ">=": lambda v, s: v[index] >= c,
            }[op]
            return _Compiled(fast, BOOL, reads)
        return self.arith(compare[op], lf, rf, BOOL, reads)

    @staticmethod
    def comparison_reads(
        op: str, left_node: Node, left: _Compiled, right_node: Node, right: _Compiled, reads: set[Atom], env: Env
    ) -> set[Atom]:
        """A whole number compared with a constant reads only that comparison's outcome.

        The atom ("cmp", name, op, constant) lets the explorer keep, where the
        variable is no longer changed, the outcome instead of the value.
        """
        if left.type != INT or right.type != INT:
            return reads
        # Atoms name the variable as the story does (a scene-local `tries` is `scene.tries`).
        if left_node.kind == "name" and right.is_const and not left.is_const:
            return {("cmp", env.variables[left_node.value].name, op, right.const)}
        if right_node.kind == "name" and left.is_const and not right.is_const:
            return {("cmp", env.variables[right_node.value].name, _MIRROR[op], left.const)}
        return reads

    @staticmethod
    def arith(f: Callable[[Any, Any], Any], lf: Fn, rf: Fn, type_: Type, reads: set[Atom]) -> _Compiled:
        return _Compiled(lambda v, s: f(lf(v, s), rf(v, s)), type_, reads)

    def check_equality(self, left: _Compiled, right: _Compiled, ln: Node, rn: Node) -> None:
        lt, rt = left.type, right.type
        for a, b, bn in ((left, right, rn), (right, left, ln)):
            if a.type.kind == "enum" and b.type == STR and b.is_const:
                values = self.env.variables[a.type.var].values
                if b.const not in values:
                    from .diagnostics import suggest

                    raise ExprError(
                        f"'{b.const}' is not one of {a.type.var}'s values",
                        bn.offset,
                        suggest(b.const, values) or "values: " + ", ".join(values),
                    )
                return
            if a.type.kind == "enum" and b.type == STR:
                return
        if lt.kind == "set" or rt.kind == "set":
            raise ExprError(
                "sets cannot be compared with == or !=", ln.offset, "test members with 'in', or use count()"
            )
        if lt != rt:
            raise ExprError(f"cannot compare {lt} with {rt}", rn.offset)

    def membership(self, node: Node) -> _Compiled:
        left_node, right_node = node.args
        container = self.compile(right_node)
        if container.type.kind != "set":
            raise ExprError(f"'in' needs a set on its right, not {container.type}", right_node.offset)
        item = self.member(left_node, container.type)
        cf = container.fn
        if item.is_const:
            m = item.const
            var = container.type.var
            index = self.env.variables[var].index
            reads: set[Atom] = {("member", var, m)}
            if node.value == "in":
                return _Compiled(lambda v, s: m in v[index], BOOL, reads)
            return _Compiled(lambda v, s: m not in v[index], BOOL, reads)
        f = item.fn
        reads_any = item.reads | container.reads
        if node.value == "in":
            return _Compiled(lambda v, s: f(v, s) in cf(v, s), BOOL, reads_any)
        return _Compiled(lambda v, s: f(v, s) not in cf(v, s), BOOL, reads_any)


@dataclass(frozen=True, slots=True)
class Condition:
    """A compiled true/false expression and the state it reads."""

    source: str
    test: Fn
    reads: frozenset[Atom]


def compile_condition(source: str, env: Env) -> Condition:
    return env.once("condition", source, _compile_condition)


def _compile_condition(source: str, env: Env) -> Condition:
    item = _Compiler(env).compile(parse(source))
    if item.type != BOOL:
        raise ExprError(
            f"a condition must be true/false, but this is {item.type}",
            0,
            "compare it, e.g. trust >= 2",
        )
    return Condition(source, item.fn, frozenset(item.reads))


@dataclass(frozen=True, slots=True)
class Value:
    """A compiled expression of any type, for `{...}` in prose."""

    source: str
    get: Fn
    type: Type
    reads: frozenset[Atom]


def compile_value(source: str, env: Env) -> Value:
    return env.once("value", source, _compile_value)


def _compile_value(source: str, env: Env) -> Value:
    item = _Compiler(env).compile(parse(source))
    return Value(source, item.fn, item.type, frozenset(item.reads))


# --- effects ------------------------------------------------------------------

# An effect changes a mutable copy of the values list in place.
Apply = Callable[[list, Mapping[str, int]], None]


@dataclass(frozen=True, slots=True)
class Effect:
    """A compiled assignment such as `trust -= 1` or `clues += postcard`."""

    source: str
    apply: Apply
    target: str
    reads: frozenset[Atom]
    writes: frozenset[Atom]
    delta: int | None = None  # for `n += 2` / `n -= 2` on an int: the constant added before clamping


def compile_effect(source: str, env: Env) -> Effect:
    return env.once("effect", source, _compile_effect)


def _habit(source: str) -> None:
    """ChoiceScript's `*set x %+ 10` and `*set x +10` have a plainer way here: say it."""
    m = re.match(r"\s*(\w+)\s*%([+-])\s*(\d+)", source)
    if m:
        name, sign, amount = m.groups()
        raise ExprError(
            "ChoiceScript's fairmath (%+, %-) has no equivalent here",
            source.index("%"),
            f"write {name} {sign}= {amount}: an int is kept within its min and max",
        )
    m = re.match(r"\s*([+-])\s*(\d+)\s*$", source)
    if m:
        raise ExprError(
            f"an effect names the variable it changes, not only '{m.group(1)}{m.group(2)}'",
            0,
            f"write trust {m.group(1)}= {m.group(2)}, with your variable's name",
        )


def _compile_effect(source: str, env: Env) -> Effect:
    _habit(source)
    tokens = tokenize(source)
    if len(tokens) < 3 or tokens[0].kind != "name" or tokens[1].text not in ("=", "+=", "-="):
        offset = tokens[1].offset if len(tokens) > 1 and tokens[0].kind == "name" else 0
        raise ExprError(
            "an effect must look like 'name = value', 'name += value' or 'name -= value'",
            offset,
            "e.g. trust -= 1, or clues += postcard",
        )
    name_tok, op_tok = tokens[0], tokens[1]
    var = env.variables.get(name_tok.text)
    compiler = _Compiler(env)
    if var is None and name_tok.text in env.constants:
        raise ExprError(
            f"'{name_tok.text}' is a constant and cannot change", 0, "declare a variable under state: to change it"
        )
    if var is None:
        raise compiler.unknown_name(Node("name", 0, name_tok.text))
    rest = source[tokens[2].offset :]
    try:
        node = parse(rest)
    except ExprError as exc:
        raise ExprError(exc.message, exc.offset + tokens[2].offset, exc.hint) from None
    base = tokens[2].offset
    node = _shift(node, base)
    op = op_tok.text
    index = var.index
    writes: frozenset[Atom] = frozenset({("var", var.name)})
    if var.type == "set":
        if op == "=":
            raise ExprError(
                "a set is changed with += and -=, not =",
                op_tok.offset,
                f"write {var.name} += member",
            )
        item = compiler.member(node, var_type(var))
        if not item.is_const:
            # A member named by a variable could name no member at all, and the
            # effect would silently do nothing: members are written out.
            raise ExprError(
                f"{var.name} {op} needs a member written out",
                node.offset,
                f"e.g. {var.name} {op} {next(iter(var.members))}",
            )
        m = item.const
        writes = frozenset({("member", var.name, m)})
        if op == "+=":

            def apply(v: list, s: Mapping[str, int]) -> None:
                v[index] = v[index] | {m}
        else:

            def apply(v: list, s: Mapping[str, int]) -> None:
                v[index] = v[index] - {m}

        return Effect(source, apply, var.name, frozenset(), writes)
    value = compiler.compile(node)
    want = var_type(var)
    if var.type == "int":
        compiler.require(value, INT, node, f"a number for {var.name}")
        lo, hi = var.minimum, var.maximum
        f = value.fn
        sign = {"=": 0, "+=": 1, "-=": -1}[op]
        reads = set(value.reads)
        if sign:
            reads.add(("var", var.name))
        if value.is_const and sign:
            delta = value.const * sign

            def apply_int(v: list, s: Mapping[str, int]) -> None:
                n = v[index] + delta
                v[index] = lo if n < lo else hi if n > hi else n
        else:

            def apply_int(v: list, s: Mapping[str, int]) -> None:
                n = f(tuple(v), s)
                if sign:
                    n = v[index] + sign * n
                v[index] = lo if n < lo else hi if n > hi else n

        delta_or_none = value.const * sign if value.is_const and sign else None
        return Effect(source, apply_int, var.name, frozenset(reads), writes, delta_or_none)
    if op != "=":
        raise ExprError(f"{var.name} is {want}; use =, not {op}", op_tok.offset)
    if var.type == "enum":
        compiler.check_equality(_Compiled(lambda v, s: None, want, set()), value, node, node)
        if not value.is_const and value.type != want:
            # Text from elsewhere could be none of the values, and the effect would
            # silently do nothing: an enum takes its values written out.
            raise ExprError(
                f"{var.name} takes one of its values written out, or another {var.name}-typed value",
                node.offset,
                f"e.g. {var.name} = '{var.values[0]}'",
            )
    else:
        compiler.require(value, want, node, f"{want} for {var.name}")
    f = value.fn
    if value.is_const:
        constant = value.const

        def apply_const(v: list, s: Mapping[str, int]) -> None:
            v[index] = constant

        return Effect(source, apply_const, var.name, frozenset(), writes)

    def apply_plain(v: list, s: Mapping[str, int]) -> None:
        v[index] = f(tuple(v), s)

    return Effect(source, apply_plain, var.name, frozenset(value.reads), writes)


def _shift(node: Node, by: int) -> Node:
    return Node(node.kind, node.offset + by, node.value, tuple(_shift(a, by) for a in node.args))
