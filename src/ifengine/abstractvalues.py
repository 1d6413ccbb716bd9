"""The abstract values the abstract interpretation works with, and their operations.

A number is an interval (lo, hi); a flag, an enum or a string is the frozenset
of the values it may have; a set is (must, may): the members it surely holds
and those it may hold. TOP is a value nothing is known about. Each operation
over-approximates: whatever it returns covers every concrete result.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .expr import Node
from .model import Variable

BOTH = frozenset((True, False))
TRUE = frozenset((True,))
INF = float("inf")
TOP = None  # an unknown value of any kind

# Abstract values: (lo, hi) for numbers, a frozenset of possible values for flags,
# enums and strings, (must, may) frozensets for sets, TOP when nothing is known.
Abstract = Any
State = tuple[Abstract, ...]


def initial(var: Variable) -> Abstract:
    if var.scope:
        return TOP  # reset as play leaves its scene: not followed here
    if var.type == "int":
        return (var.default, var.default)
    if var.type == "set":
        return (var.default, var.default)
    if var.type in ("flag", "enum"):
        return frozenset((var.default,))
    return TOP


def join(var: Variable, a: Abstract, b: Abstract) -> Abstract:
    if a is TOP or b is TOP:
        return TOP
    if var.type == "int":
        return (min(a[0], b[0]), max(a[1], b[1]))
    if var.type == "set":
        return (a[0] & b[0], a[1] | b[1])
    return a | b


def refine_seen(state: State, scene: str, want: bool) -> State | None:
    """The state with `seen(scene)` taken as `want`: the scene joins what was surely, or leaves what may have been, entered."""
    must, may = state[-1]
    if want:
        return None if scene not in may else (*state[:-1], (must | {scene}, may))
    return None if scene in must else (*state[:-1], (must, may - {scene}))


def unknown(var: Variable) -> Abstract:
    if var.type == "int":
        return (var.minimum, var.maximum)
    if var.type == "set":
        return (frozenset(), frozenset(var.members))
    if var.type == "flag":
        return BOTH
    if var.type == "enum":
        return frozenset(var.values)
    return TOP


def set_effect(var: Variable, old: Abstract, op: str, node: Node, value: Abstract) -> Abstract:
    must, may = old
    member = node.value if node.kind in ("name", "lit") and node.value in var.members else None
    if op == "+":
        return (must | {member}, may | {member}) if member else (must, frozenset(var.members))
    if op == "-":
        return (must - {member}, may - {member}) if member else (frozenset(), may)
    return unknown(var)


def set_part(state: State, index: int, value: Abstract) -> State:
    return (*state[:index], value, *state[index + 1 :])


def membership(member: Abstract, holder: Abstract) -> frozenset:
    if holder is TOP or not isinstance(holder, tuple) or not isinstance(member, frozenset) or len(member) != 1:
        return BOTH
    (m,) = member
    must, may = holder
    return frozenset(x for x, possible in ((True, m in may), (False, m not in must)) if possible)


def is_interval(a: Abstract) -> bool:
    return isinstance(a, tuple) and not isinstance(a[0], frozenset)


def compare(op: str, a: Abstract, b: Abstract) -> frozenset:
    if is_interval(a) and is_interval(b):
        (alo, ahi), (blo, bhi) = a, b
        can: dict[str, Callable[[], tuple[bool, bool]]] = {
            "<": lambda: (alo < bhi, ahi >= blo),
            "<=": lambda: (alo <= bhi, ahi > blo),
            ">": lambda: (ahi > blo, alo <= bhi),
            ">=": lambda: (ahi >= blo, alo < bhi),
            "==": lambda: (alo <= bhi and blo <= ahi, not (alo == ahi == blo == bhi)),
            "!=": lambda: (not (alo == ahi == blo == bhi), alo <= bhi and blo <= ahi),
        }
        true, false = can[op]()
        return frozenset(x for x, ok in ((True, true), (False, false)) if ok)
    if isinstance(a, frozenset) and isinstance(b, frozenset) and op in ("==", "!="):
        equal = bool(a & b)
        differ = not (len(a) == 1 and a == b)
        true, false = (equal, differ) if op == "==" else (differ, equal)
        return frozenset(x for x, ok in ((True, true), (False, false)) if ok)
    return BOTH


def _add(a: tuple, b: tuple) -> tuple:
    return (a[0] + b[0], a[1] + b[1])


def _sub(a: tuple, b: tuple) -> tuple:
    return (a[0] - b[1], a[1] - b[0])


def _mul(a: tuple, b: tuple) -> tuple:
    products = [0 if x == 0 or y == 0 else x * y for x in a for y in b]  # 0 times an unbounded end is 0
    return (min(products), max(products))


ARITH: dict[str, Callable[[tuple, tuple], Abstract]] = {
    "+": _add,
    "-": _sub,
    "*": _mul,
    "/": lambda a, b: (-INF, INF),
    "%": lambda a, b: (-INF, INF),
}
BOUNDS = {"<", "<=", ">", ">=", "==", "!="}
FLIP = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "==": "==", "!=": "!="}
NEGATE = {"<": ">=", "<=": ">", ">": "<=", ">=": "<", "==": "!=", "!=": "=="}
