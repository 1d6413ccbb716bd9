"""Which states can still lead to a goal: a backward abstract interpretation from one scene's wanted choices.

The forward pass (`abstract`) bounds the states a game can be in at each
scene. This pass starts at a goal (a scene, or some of its choices) and walks
the links backwards: a state before a choice can lead to the goal only if the
choice's conditions hold in it and its effects carry it into a state that can
(the weakest precondition, over intervals, flags and must/may sets). Each
scene's bound is met with the forward one, so it covers exactly the states
that are both reachable and still able to reach the goal. It over-approximates
both, so it is sound two ways: if the start's state is outside the bound, the
goal is unreachable; and a search may drop every state outside it without
losing a way to the goal (`targeted`).
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable

from .abstract import MAX_UPDATES, _Analysis
from .abstractvalues import TOP, State, join, set_part, unknown
from .budget import StopReason
from .model import Choice, Route, Scene, Variable

CHECK_EVERY = 256  # scenes processed between budget checks


def meet(variables: list[Variable], a: State, b: State) -> State | None:
    """The states in both `a` and `b` (None: none)."""
    out = []
    for var, x, y in zip(variables, a[:-1], b[:-1], strict=True):
        if x is TOP or y is TOP or x is y:
            out.append(y if x is TOP else x)
            continue
        if var.type == "int":
            lo, hi = max(x[0], y[0]), min(x[1], y[1])
            if lo > hi:
                return None
            out.append((lo, hi))
        elif var.type == "set":
            must, may = x[0] | y[0], x[1] & y[1]
            if not must <= may:
                return None
            out.append((must, may))
        else:
            both = x & y
            if not both:
                return None
            out.append(both)
    seen = _meet_seen(a[-1], b[-1])
    return None if seen is None else (*out, seen)


def _meet_seen(a: tuple[frozenset, frozenset], b: tuple[frozenset, frozenset]) -> tuple[frozenset, frozenset] | None:
    """Scenes entered on every way (must) and on some way (may), met. Often one side's sets are the other's (every
    bound starts from the forward one), which spares comparing hundreds of scenes."""
    must = a[0] if a[0] is b[0] else a[0] | b[0]
    may = a[1] if a[1] is b[1] else a[1] & b[1]
    already = (must is a[0] and may is a[1]) or (must is b[0] and may is b[1])  # one side's, so consistent
    return (must, may) if already or must <= may else None


class Backward(_Analysis):
    """The backward pass over one goal's cone (the scenes that lead to it), given the forward pass's entry states."""

    def __init__(self, forward: _Analysis, preds: dict[str, set[str]], rank: dict[str, int]) -> None:
        # The forward pass's story, variables, parsed conditions and scene-graph facts, shared, not recomputed.
        self.story, self.vars, self.by_name = forward.story, forward.vars, forward.by_name
        self.leads_to, self.parsed, self.open_choices = forward.leads_to, forward.parsed, set()
        self.entry, self.updates = forward.entry, {}
        self.forward = forward
        self.preds, self.rank = preds, rank  # scene -> the scenes with a link to it; targets before sources
        self.entered: dict[str, State] = {}  # on entry, before the scene's effects
        self.at_choice: dict[str, State] = {}  # once the scene's effects are applied
        self.goal = ""
        # Set when some scene's bound is the forward one: every state allowed there can still reach the goal, which
        # seldom leaves a proof ahead, so the pass stops there (unless `thorough`) and proves nothing.
        self.loose = False
        self.thorough = False
        self.processed: set[str] = set()
        self.seed: State = ()  # the goal's own bound: where its wanted choices are open
        self.aimed: State | None = None  # with a goal scene: the only states on entry to it that are the goal

    def run_goal(
        self, goal: str, choices: Iterable[Choice] | None, should_stop: StopReason, aimed: State | None = None
    ) -> bool:
        """Bound every scene of the goal's cone; `choices` None means entering the goal scene is the goal.

        `aimed` narrows that goal to some states on entry (where an assumption
        fails, for `assumeproofs`): the goal scene is then bounded like any
        other, since a loop may come back to it in a state that leads on to
        them. False when a budget stopped it (the bounds are then not to be used).
        """
        story, forward = self.story, self.forward.entry
        if goal not in forward:
            return True  # the forward pass already proves it unreachable
        scene = story.scenes[goal]
        if choices is None:
            self.seed = forward[goal] if aimed is None else aimed
            self.aimed = aimed
            self.entered[goal] = self.seed
            work = [(self.rank[p], p) for p in self.preds[goal] if p in forward]
        else:
            at_goal = self.effects_forward(scene, forward[goal])
            found = [w for w in (self.opens(scene, c, at_goal) for c in choices) if w is not None]
            if not found:
                return True
            self.seed = self.join_all(found)
            work = [(self.rank[goal], goal)]
        self.goal = goal
        heapq.heapify(work)
        queued = {p for _, p in work}
        updates: dict[str, int] = {}
        done = 0
        while work:
            sid = heapq.heappop(work)[1]
            queued.discard(sid)
            done += 1
            if done % CHECK_EVERY == 0 and should_stop():
                return False
            if self.loose:
                return True
            self.processed.add(sid)
            entering_is_the_goal = sid == goal and choices is None and aimed is None
            if entering_is_the_goal or not self.bound_scene(story.scenes[sid], updates):
                continue
            for p in self.preds[sid]:
                if p in forward and p not in queued:
                    queued.add(p)
                    heapq.heappush(work, (self.rank[p], p))
        return True

    def bound_scene(self, scene: Scene, updates: dict[str, int]) -> bool:
        """Recompute one scene's bound from its successors' bounds; True when it grew."""
        sid = scene.id
        family = scene.parent or sid
        at_choice = self.effects_forward(scene, self.forward.entry[sid])
        found: list[State] = [self.seed] if sid == self.goal and self.aimed is None else []
        ways: tuple[Choice | Route, ...] = (*scene.routes, *scene.choices)
        for way in ways:
            for target in scene.next_of(way):
                after = self.entered.get(target)
                if after is None:
                    continue
                before = self.before_way(scene, way, target, after, at_choice, family)
                if before is not None:
                    found.append(before)
        if not found:
            return False
        bound = self.join_all(found)
        old = self.at_choice.get(sid)
        if old is not None:
            bound = self.join_all([old, bound])
            if bound == old:
                return False
            updates[sid] = updates.get(sid, 0) + 1
            if updates[sid] > MAX_UPDATES:  # a loop: give up on its numbers (the forward bound stays)
                bound = (
                    *(unknown(v) if v.type == "int" else a for v, a in zip(self.vars, bound[:-1], strict=True)),
                    bound[-1],
                )
                bound = meet(self.vars, bound, at_choice) or bound
        self.at_choice[sid] = bound
        entered = self.undo_effects(scene.all_effects, bound, scene, family)
        entered = None if entered is None else meet(self.vars, entered, self.forward.entry[sid])
        if sid == self.goal and self.aimed is not None:
            entered = self.aimed if entered is None else self.join_all([self.aimed, entered])
        if entered is None:
            return False
        self.entered[sid] = entered
        if entered[:-1] == self.forward.entry[sid][:-1]:
            self.loose = not self.thorough
        return True

    def before_way(
        self, scene: Scene, way: Choice | Route, target: str, after: State, at_choice: State, family: str
    ) -> State | None:
        """The states at this scene's choice point from which taking `way` can enter `target` within its bound."""
        must, may = after[-1]
        if target not in may:
            return None
        state: State | None = (*after[:-1], (must - {target}, may))  # not yet counted
        if isinstance(way, Choice):
            state = self.undo_effects(way.effects, state, scene, family)
        state = None if state is None else meet(self.vars, state, at_choice)
        if state is None:
            return None
        if isinstance(way, Route):
            before = next((b for r, b in self.route_states(scene, state, family) if r is way), None)
            if before is None:  # the routes before it always apply
                return None
            return self.assume(way.condition.source, before, scene, family) if way.condition else before
        return self.opens(scene, way, state)

    def opens(self, scene: Scene, choice: Choice, state: State) -> State | None:
        """The part of `state` in which the choice is open."""
        family = scene.parent or scene.id
        after: State | None = self.all_closed(scene, state, family) if choice.fallback else state
        for condition in (choice.condition, choice.requirement):
            if condition is not None and after is not None:
                after = self.assume(condition.source, after, scene, family)
        return after

    def effects_forward(self, scene: Scene, state: State) -> State:
        family = scene.parent or scene.id
        for effect in scene.all_effects:
            state = self.effect(effect.source, state, scene, family)
        return state

    def undo_effects(self, effects: Iterable, state: State | None, scene: Scene, family: str) -> State | None:
        """The states from which the effects, in order, lead into `state`: their weakest precondition."""
        for effect in reversed(tuple(effects)):
            if state is None:
                return None
            state = self.undo(effect.source, state, scene, family)
        return state

    def undo(self, source: str, state: State, scene: Scene, family: str) -> State | None:
        name, _, rest = source.partition("=")
        op = name[-1] if name and name[-1] in "+-" else ""
        var = self.variable(name.rstrip("+-").strip(), family)
        if var is None or var.scope:
            return state
        node = self.node(rest.strip())
        wanted = state[var.index]
        loose = set_part(state, var.index, unknown(var))  # the variable's old value, unconstrained
        if node is None or wanted is TOP:
            return loose
        value = self.value(node, loose, scene, family)  # what the effect's right side can be, read before it
        if var.type == "set":
            member = node.value if node.kind in ("name", "lit") and node.value in var.members else None
            must, may = wanted
            if member is None or op not in "+-" or not op:
                return loose
            if op == "+":
                return None if member not in may else set_part(state, var.index, (must - {member}, may))
            return None if member in must else set_part(state, var.index, (must, may | {member}))
        if var.type == "int":
            if value is TOP or not isinstance(value, tuple):
                return loose
            return self.undo_number(var, op, value, wanted, state)
        if value is TOP or not isinstance(value, frozenset):
            return loose
        return loose if value & wanted else None

    def undo_number(self, var: Variable, op: str, value: tuple, wanted: tuple, state: State) -> State | None:
        """Old values of a number that `op value` (clamped to its range) takes into `wanted`."""
        low, high = var.minimum, var.maximum
        lo, hi = wanted
        if not op:  # an assignment: the old value is free, if some new value fits
            clamp_lo, clamp_hi = max(low, min(value[0], high)), min(high, max(value[1], low))
            return set_part(state, var.index, (low, high)) if clamp_lo <= hi and lo <= clamp_hi else None
        k_lo, k_hi = value if op == "+" else (-value[1], -value[0])
        spans = [(lo - k_hi, hi - k_lo)]
        if hi >= high:
            spans.append((high - k_hi, high))  # pushed past the top, held at it
        if lo <= low:
            spans.append((low, low - k_lo))
        old_lo = max(low, min(s[0] for s in spans))
        old_hi = min(high, max(s[1] for s in spans))
        return None if old_lo > old_hi else set_part(state, var.index, (old_lo, old_hi))

    def join_all(self, states: list[State]) -> State:
        out = states[0]
        for other in states[1:]:
            seen = out[-1]
            if other[-1] is not seen:
                (must, may), (more_must, more_may) = seen, other[-1]
                seen = (must & more_must, may | more_may)
            out = (*(join(v, a, b) for v, a, b in zip(self.vars, out[:-1], other[:-1], strict=True)), seen)
        return out

    def bounds(self) -> dict[str, State | None]:
        """Each scene that can lead to the goal, with the states there that still can (None: every state).

        A scene left out cannot lead to the goal. When the pass stopped early
        (`loose`), a scene it never reached is bounded by nothing; one it did
        reach keeps its bound only if no loop could have widened it later.
        """
        goal = self.goal
        cone = self.leads_to[goal] | {goal}
        if not self.loose:
            return {sid: state for sid, state in self.at_choice.items()}
        if any(sid in self.leads_to[sid] for sid in cone):
            return dict.fromkeys(cone)
        return {
            sid: self.at_choice[sid] if sid in self.processed else None
            for sid in cone
            if sid not in self.processed or sid in self.at_choice
        }

    def start_can_reach(self) -> bool:
        """Whether the start's state lies within the start scene's bound (False proves the goal unreachable)."""
        return self.loose or self.story.start in self.entered
