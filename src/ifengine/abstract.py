"""Proving scenes, choices and endings unreachable without playing every game: abstract interpretation.

For each scene it computes one abstract state that covers every state a real
game can enter it with: an interval for each number, the possible values of
each flag and enum, and for each set the members it must and may hold. Where
that state makes a choice's condition certainly false, or no link carries any
state to a scene, nothing real can get there either. It is sound by
construction: whenever it is unsure it answers "may", so it can only fail to
prove, never prove wrongly. Visit counts are bounded by the scene graph (a
scene that cannot lead to here has never been seen here, and one on no loop
is entered at most once) and by the scenes entered on every, and on some, way
here (a must and a may set); a fallback opens only where every other choice
is closed. Scene-local values, once-only choices and strings are left unknown.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass

from .abstractvalues import (
    ARITH,
    BOTH,
    BOUNDS,
    FLIP,
    INF,
    NEGATE,
    TOP,
    TRUE,
    Abstract,
    State,
    compare,
    initial,
    is_interval,
    join,
    membership,
    refine_seen,
    set_effect,
    set_part,
    unknown,
)
from .budget import StopReason
from .expr import ExprError, Node, parse
from .liveness import successors_first
from .model import Route, Scene, Story, Variable

MAX_UPDATES = 8  # changes to a scene's state before its numbers widen to their whole range
CHECK_EVERY = 256  # scenes processed between budget checks


@dataclass(frozen=True)
class AbstractResult:
    """What the analysis proved unreachable; `complete` is False when a budget stopped it (then it proves nothing)."""

    scenes: frozenset[str]
    choices: frozenset[str]
    endings: frozenset[str]
    complete: bool


NOTHING = AbstractResult(frozenset(), frozenset(), frozenset(), False)


def prove_unreachable(story: Story, should_stop: StopReason) -> AbstractResult:
    """Run the analysis to its fixpoint; on a budget stop, prove nothing."""
    analysis = forward_bounds(story, should_stop)
    return NOTHING if analysis is None else analysis.result()


def forward_bounds(story: Story, should_stop: StopReason) -> _Analysis | None:
    """The finished analysis (each reachable scene's entry state in `entry`), or None when a budget stopped it."""
    if should_stop():  # the budget was spent before it began
        return None
    analysis = _Analysis(story)
    return analysis if analysis.run(should_stop) else None


class _Analysis:
    def __init__(self, story: Story) -> None:
        self.story = story
        self.vars = sorted(story.variables.values(), key=lambda v: v.index)
        self.by_name = story.variables
        self.entry: dict[str, State] = {}
        self.updates: dict[str, int] = {}
        self.leads_to = _ancestors(story)  # scene -> the scenes that can lead to it
        self.parsed: dict[str, Node | None] = {}
        self.open_choices: set[str] = set()

    # --- the fixpoint ----------------------------------------------------------------

    def run(self, should_stop: StopReason) -> bool:
        story = self.story
        if story.start not in story.scenes:
            return True
        start = frozenset((story.start,))
        self.entry[story.start] = (*(initial(v) for v in self.vars), (start, start))
        # Scenes in an order where a scene comes before the scenes it leads to (loops
        # aside): on an acyclic story each scene's state is then final when it is taken.
        rank = {sid: i for i, sid in enumerate(reversed(successors_first(story)))}
        work = [(rank[story.start], story.start)]
        queued = {story.start}
        done = 0
        while work:
            sid = heapq.heappop(work)[1]
            queued.discard(sid)
            done += 1
            if done % CHECK_EVERY == 0 and should_stop():
                return False
            for target, state in self.successors(story.scenes[sid], self.entry[sid]):
                must, may = state[-1]
                state = (*state[:-1], (must | {target}, may | {target}))  # counted on entry
                if self.merge(target, state) and target not in queued:
                    queued.add(target)
                    heapq.heappush(work, (rank[target], target))
        return True

    def merge(self, sid: str, state: State) -> bool:
        """Join `state` into the scene's entry state; True when it grew."""
        old = self.entry.get(sid)
        if old is None:
            self.entry[sid] = state
            return True
        (must, may), (more_must, more_may) = old[-1], state[-1]
        new = (
            *(join(v, a, b) for v, a, b in zip(self.vars, old[:-1], state[:-1], strict=True)),
            (must & more_must, may | more_may),
        )
        if new == old:
            return False
        self.updates[sid] = self.updates.get(sid, 0) + 1
        # Only a loop needs widening to end; elsewhere the updates are bounded by the scenes before.
        if self.updates[sid] > MAX_UPDATES and sid in self.leads_to[sid]:  # widen: every number to its whole range
            new = (
                *(
                    (v.minimum, v.maximum) if v.type == "int" and a is not TOP else a
                    for v, a in zip(self.vars, new[:-1], strict=True)
                ),
                new[-1],
            )
        self.entry[sid] = new
        return True

    def successors(self, scene: Scene, state: State) -> list[tuple[str, State]]:
        family = scene.parent or scene.id
        for effect in scene.all_effects:
            state = self.effect(effect.source, state, scene, family)
        out: list[tuple[str, State]] = []
        for route, before in self.route_states(scene, state, family):
            taken = self.assume(route.condition.source, before, scene, family) if route.condition else before
            if taken is not None:
                out += [(t, taken) for t in scene.next_of(route) if t in self.story.scenes]
        for choice in scene.choices:
            after: State | None = state if not choice.fallback else self.all_closed(scene, state, family)
            for condition in (choice.condition, choice.requirement):
                if condition is not None and after is not None:
                    after = self.assume(condition.source, after, scene, family)
            if after is None:
                continue
            self.open_choices.add(choice.key)
            for effect in choice.effects:
                after = self.effect(effect.source, after, scene, family)
            out += [(t, after) for t in scene.next_of(choice) if t in self.story.scenes]
        return out

    def route_states(self, scene: Scene, state: State, family: str) -> list[tuple[Route, State]]:
        """Each route that can be tried, with the state narrowed to where the routes before it did not apply.

        Play takes the first route whose condition holds (any one that holds, where the routes have chances).
        """
        found: list[tuple[Route, State]] = []
        left: State | None = state
        for route in scene.routes:
            if left is None:
                break
            found.append((route, left))
            if route.condition is not None and not scene.chance:
                left = self.refute(route.condition.source, left, scene, family)
        return found

    def all_closed(self, scene: Scene, state: State, family: str) -> State | None:
        """The state with every regular choice closed, which is when a fallback opens (None: never).

        A choice that is not once-only and whose conditions certainly hold is
        always open, so the fallback is not; a choice with one condition is
        closed only where that condition is false, which narrows the state.
        """
        closed: State | None = state
        for choice in scene.choices:
            if choice.fallback or choice.once or closed is None:
                continue
            conditions = [c.source for c in (choice.condition, choice.requirement) if c is not None]
            if all(self.test(c, closed, scene, family) == TRUE for c in conditions):
                return None  # always open
            if len(conditions) == 1:
                closed = self.refute(conditions[0], closed, scene, family)
        return closed

    def refute(self, source: str, state: State, scene: Scene, family: str) -> State | None:
        """The state with the condition taken as false (None: it cannot be)."""
        if False not in self.test(source, state, scene, family):
            return None
        node = self.node(source)
        return state if node is None else self.refine(node, state, scene, family, False)

    def result(self) -> AbstractResult:
        story = self.story
        reached = set(self.entry)
        scenes = frozenset(s for s in story.scenes if s not in reached)
        choices = frozenset(c.key for c in story.all_choices() if c.key not in self.open_choices)
        ended = {story.scenes[s].ending for s in reached if story.scenes[s].ending}
        endings = frozenset(e for e in story.endings if e not in ended)
        return AbstractResult(scenes, choices, endings, True)

    # --- expressions -----------------------------------------------------------------

    def node(self, source: str) -> Node | None:
        if source not in self.parsed:
            try:
                self.parsed[source] = parse(source)
            except ExprError:
                self.parsed[source] = None
        return self.parsed[source]

    def variable(self, name: str, family: str) -> Variable | None:
        return self.by_name.get(name) or self.by_name.get(f"{family}.{name}")

    def value(self, node: Node, state: State, scene: Scene, family: str) -> Abstract:
        """The abstract value of an expression: an interval, a set of possible values, (must, may), or TOP."""
        kind, v = node.kind, node.value
        if kind == "lit":
            return (v, v) if isinstance(v, int) and not isinstance(v, bool) else frozenset((v,))
        if kind == "name":
            var = self.variable(v, family)
            if var is not None:
                return TOP if var.scope else state[var.index]
            if v in self.story.constants:
                c = self.story.constants[v]
                return (c, c) if isinstance(c, int) and not isinstance(c, bool) else frozenset((c,))
            return frozenset((v,))  # a bare set member
        if kind == "unary":
            inner = self.value(node.args[0], state, scene, family)
            if v == "not":
                return BOTH if inner is TOP else frozenset(not x for x in inner)
            return TOP if inner is TOP else (-inner[1], -inner[0])
        if kind == "call":
            return self.call(node, state, scene, family)
        return self.binary(node, state, scene, family)

    def call(self, node: Node, state: State, scene: Scene, family: str) -> Abstract:
        arg = node.args[0]
        if node.value == "count":
            s = self.value(arg, state, scene, family)
            return TOP if s is TOP or not isinstance(s, tuple) else (len(s[0]), len(s[1]))
        target = arg.value if arg.kind in ("name", "lit") else None
        here = scene.id
        # A scene on no loop of the scene graph is entered at most once in any game.
        most = INF if isinstance(target, str) and target in self.leads_to.get(target, ()) else 1
        if target == here:  # counted on entry: seen here, at least once
            return frozenset((True,)) if node.value == "seen" else (1, most)
        if isinstance(target, str) and target in self.story.scenes and target not in self.leads_to.get(here, ()):
            return frozenset((False,)) if node.value == "seen" else (0, 0)  # cannot have been entered yet
        if isinstance(target, str) and target in self.story.scenes:
            must, may = state[-1]
            if target in must:  # entered on every way here
                return frozenset((True,)) if node.value == "seen" else (1, most)
            if target not in may:  # entered on no way here
                return frozenset((False,)) if node.value == "seen" else (0, 0)
        return BOTH if node.value == "seen" else (0, most)

    def binary(self, node: Node, state: State, scene: Scene, family: str) -> Abstract:
        op = node.value
        left = self.value(node.args[0], state, scene, family)
        if op in ("and", "or"):
            right = self.value(node.args[1], state, scene, family)
            a, b = (BOTH if x is TOP else x for x in (left, right))
            if op == "and":
                return frozenset(x and y for x in a for y in b)
            return frozenset(x or y for x in a for y in b)
        right = self.value(node.args[1], state, scene, family)
        if op in ("in", "not in"):
            found = membership(left, right)
            return found if op == "in" else frozenset(not x for x in found)
        if left is TOP or right is TOP:
            return BOTH if op in ("==", "!=", "<", "<=", ">", ">=") else TOP
        if op in ARITH:  # numbers only: text joined with + is not followed
            return ARITH[op](left, right) if is_interval(left) and is_interval(right) else TOP
        return compare(op, left, right)

    def test(self, source: str, state: State, scene: Scene, family: str) -> frozenset:
        node = self.node(source)
        if node is None:
            return BOTH
        found = self.value(node, state, scene, family)
        return BOTH if found is TOP or not isinstance(found, frozenset) else found

    # --- conditions assumed, effects applied -------------------------------------------

    def assume(self, source: str, state: State, scene: Scene, family: str) -> State | None:
        """The state with the condition taken as true (None: it cannot be), refined where it is simple."""
        if True not in self.test(source, state, scene, family):
            return None
        node = self.node(source)
        return state if node is None else self.refine(node, state, scene, family, True)

    def refine(self, node: Node, state: State, scene: Scene, family: str, want: bool) -> State | None:
        if node.kind == "unary" and node.value == "not":
            return self.refine(node.args[0], state, scene, family, not want)
        if node.kind == "binary" and ((node.value == "and" and want) or (node.value == "or" and not want)):
            first = self.refine(node.args[0], state, scene, family, want)
            return None if first is None else self.refine(node.args[1], first, scene, family, want)
        if node.kind == "name":
            var = self.variable(node.value, family)
            if var is not None and var.type == "flag" and not var.scope:
                have = state[var.index]
                if want not in have:
                    return None
                return set_part(state, var.index, frozenset((want,)))
        if node.kind == "call" and node.value == "seen" and node.args[0].value in self.story.scenes:
            return refine_seen(state, node.args[0].value, want)
        if node.kind == "binary" and node.value in BOUNDS:
            return self.refine_bound(node, state, scene, family, want)
        if node.kind == "binary" and node.value in ("in", "not in"):
            member, holder = node.args
            var = self.variable(holder.value, family) if holder.kind == "name" else None
            if var is None or var.type != "set" or var.scope or member.kind not in ("name", "lit"):
                return state
            if self.variable(str(member.value), family) is not None:
                return state
            inside = want if node.value == "in" else not want
            must, may = state[var.index]
            m = member.value
            if inside:
                return None if m not in may else set_part(state, var.index, (must | {m}, may))
            return None if m in must else set_part(state, var.index, (must, may - {m}))
        return state

    def refine_bound(self, node: Node, state: State, scene: Scene, family: str, want: bool) -> State | None:
        """`n OP constant` (either way round): narrow n's interval."""
        op, (a, b) = node.value, node.args
        if a.kind != "name" and b.kind == "name":
            a, b, op = b, a, FLIP[op]
        var = self.variable(a.value, family) if a.kind == "name" else None
        if var is None or var.type != "int" or var.scope:
            return state
        c = self.value(b, state, scene, family)
        if not is_interval(c) or c[0] != c[1] or state[var.index] is TOP:
            return state
        if not want:
            op = NEGATE[op]
        lo, hi = state[var.index]
        k = c[0]
        lo, hi = {
            "<": (lo, min(hi, k - 1)),
            "<=": (lo, min(hi, k)),
            ">": (max(lo, k + 1), hi),
            ">=": (max(lo, k), hi),
            "==": (max(lo, k), min(hi, k)),
            "!=": (lo, hi),
        }[op]
        return None if lo > hi else set_part(state, var.index, (lo, hi))

    def effect(self, source: str, state: State, scene: Scene, family: str) -> State:
        """The state after `name = value`, `+=` or `-=`; anything not understood makes the target unknown."""
        name, _, rest = source.partition("=")
        op = name[-1] if name and name[-1] in "+-" else ""
        var = self.variable(name.rstrip("+-").strip(), family)
        if var is None or var.scope:
            return state
        node = self.node(rest.strip())
        if node is None:
            return set_part(state, var.index, unknown(var))
        value = self.value(node, state, scene, family)
        old = state[var.index]
        if var.type == "set":
            return set_part(state, var.index, set_effect(var, old, op, node, value))
        if var.type == "int":
            if value is TOP or not isinstance(value, tuple) or old is TOP:
                return set_part(state, var.index, (var.minimum, var.maximum))
            if op == "+":
                value = (old[0] + value[0], old[1] + value[1])
            elif op == "-":
                value = (old[0] - value[1], old[1] - value[0])
            return set_part(
                state,
                var.index,
                (max(var.minimum, min(value[0], var.maximum)), min(var.maximum, max(value[1], var.minimum))),
            )
        if value is TOP or not isinstance(value, frozenset):
            return set_part(state, var.index, unknown(var))
        return set_part(state, var.index, value)


def _ancestors(story: Story) -> dict[str, frozenset[str]]:
    """For each scene, the scenes from which some path of links leads to it (itself only if on a loop)."""
    preds: dict[str, set[str]] = {sid: set() for sid in story.scenes}
    for scene in story.scenes.values():
        for target in scene.targets:
            if target in preds:
                preds[target].add(scene.id)
    found: dict[str, frozenset[str]] = {}
    for sid in story.scenes:
        seen: set[str] = set()
        todo = list(preds[sid])
        while todo:
            p = todo.pop()
            if p not in seen:
                seen.add(p)
                todo.extend(preds[p])
        found[sid] = frozenset(seen)
    return found
