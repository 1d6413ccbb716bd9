"""How far a game state is from making a condition true: the score guided search minimises.

Zero means the condition holds. A comparison of a number with a constant
counts the steps still missing (`n4 > 8` at n4 = 5 is 4 away); a flag, a set
member or `seen()` that is wrong counts 1; `and` adds, `or` takes the nearer
side, `not` turns the wanted outcome round. Anything else counts 0 when it
holds and 1 when not. It only ranks states: no verdict rests on it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from .expr import ExprError, Node, parse
from .model import Choice, Scene, Story

Distance = Callable[[tuple, Mapping[str, int]], int]

_GAP: dict[str, Callable[[int, int], int]] = {
    ">": lambda x, k: max(0, k + 1 - x),
    ">=": lambda x, k: max(0, k - x),
    "<": lambda x, k: max(0, x - k + 1),
    "<=": lambda x, k: max(0, x - k),
    "==": lambda x, k: abs(x - k),
    "!=": lambda x, k: 1 if x == k else 0,
}
_NEGATE = {"<": ">=", "<=": ">", ">": "<=", ">=": "<", "==": "!=", "!=": "=="}
_FLIP = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "==": "==", "!=": "!="}


def _zero(values: tuple, visits: Mapping[str, int]) -> int:
    return 0


CLOSED_FOR_GOOD = 1_000  # a choice with no condition is open whenever its scene is


def guard_distance(story: Story, sources: tuple[str, ...], family: str = "") -> Distance:
    """A function from (values, visits) to how far the conditions (all of them) are from holding."""
    parts = _parts(story, sources, family, True)
    if not parts:
        return _zero
    if len(parts) == 1:
        return parts[0]
    return lambda values, visits: sum(part(values, visits) for part in parts)


def fallback_distance(story: Story, scene: Scene) -> Distance:
    """How far a state is from closing every regular choice of the scene: what opens its fallback."""
    family = scene.parent or scene.id
    closers = [_closed(story, c, family) for c in scene.choices if not c.fallback]
    return lambda values, visits: sum(closer(values, visits) for closer in closers)


def _closed(story: Story, choice: Choice, family: str) -> Distance:
    """How far a state is from closing one choice: either of its conditions false will do."""
    sources = tuple(c.source for c in (choice.condition, choice.requirement) if c is not None)
    parts = _parts(story, sources, family, False)
    if not parts:
        return lambda values, visits: CLOSED_FOR_GOOD
    return lambda values, visits: min(part(values, visits) for part in parts)


def _parts(story: Story, sources: tuple[str, ...], family: str, want: bool) -> list[Distance]:
    parts = []
    for source in sources:
        try:
            parts.append(_Builder(story, family).build(parse(source), want))
        except ExprError:
            continue
    return parts


class _Builder:
    def __init__(self, story: Story, family: str) -> None:
        self.story, self.family = story, family

    def index(self, name: Any, kind: str) -> int | None:
        var = self.story.variables.get(name) or self.story.variables.get(f"{self.family}.{name}")
        return var.index if var is not None and var.type == kind and not var.scope else None

    def constant(self, node: Node) -> int | None:
        if node.kind == "lit" and isinstance(node.value, int) and not isinstance(node.value, bool):
            return int(node.value)
        if node.kind == "name" and isinstance(self.story.constants.get(node.value), int):
            return int(self.story.constants[node.value])
        return None

    def build(self, node: Node, want: bool) -> Distance:
        if node.kind == "unary" and node.value == "not":
            return self.build(node.args[0], not want)
        if node.kind == "binary" and node.value in ("and", "or"):
            left, right = (self.build(arg, want) for arg in node.args)
            if (node.value == "and") == want:
                return lambda values, visits: left(values, visits) + right(values, visits)
            return lambda values, visits: min(left(values, visits), right(values, visits))
        if node.kind == "name" and (i := self.index(node.value, "flag")) is not None:
            return lambda values, visits: 0 if bool(values[i]) == want else 1
        if node.kind == "call" and node.value == "seen" and node.args and node.args[0].kind in ("name", "lit"):
            scene = node.args[0].value
            return lambda values, visits: 0 if (scene in visits) == want else 1
        if node.kind == "binary" and node.value in ("in", "not in"):
            return self.membership(node, want)
        if node.kind == "binary" and node.value in _GAP:
            return self.comparison(node, want)
        return _zero  # not understood: neutral

    def membership(self, node: Node, want: bool) -> Distance:
        member, holder = node.args
        i = self.index(holder.value, "set") if holder.kind == "name" else None
        if i is None or member.kind not in ("name", "lit"):
            return _zero
        m = member.value
        inside = want == (node.value == "in")
        return lambda values, visits: 0 if (m in values[i]) == inside else 1

    def comparison(self, node: Node, want: bool) -> Distance:
        op, (a, b) = node.value, node.args
        if self.constant(a) is not None:
            a, b, op = b, a, _FLIP[op]
        k = self.constant(b)
        if k is None:
            return _zero
        gap = _GAP[op if want else _NEGATE[op]]
        if a.kind == "name" and (i := self.index(a.value, "int")) is not None:
            return lambda values, visits: gap(values[i], k)
        if a.kind == "call" and a.value == "visits" and a.args and a.args[0].kind in ("name", "lit"):
            scene = a.args[0].value
            return lambda values, visits: gap(visits.get(scene, 0), k)
        return _zero
