"""What state can still decide whether one goal is reached: merge keys for a search aimed at that goal alone.

The exhaustive search's keys (`liveness`) keep every atom read anywhere
downstream, so two states merge only when no later condition anywhere tells
them apart. A search for one goal (a scene to enter, or some choices of one
scene) needs less: at each scene that can lead to the goal, only what decides
whether the ways towards the goal are open, and what those values are made
from, transitively through effects (the goal's cone of influence). Conditions
of choices that lead away from the goal matter only where a fallback leads
towards it (a fallback opens when every other choice is closed). Two states at
a scene with the same such atoms reach the goal along exactly the same choice
sequences, so a search may keep one of them, and a search that ends without a
budget stopping it has tried every way to the goal.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping

from .expr import Atom
from .liveness import _transfer, successors_first  # _transfer: the same step back through effects as the keys
from .model import Choice, Route, Scene, Story


def _way_reads(way: Choice | Route) -> set[Atom]:
    """What decides whether one choice or route is open: its conditions, and whether a once-only choice was taken."""
    reads: set[Atom] = set()
    if isinstance(way, Route):
        if way.condition is not None:
            reads |= way.condition.reads
        return reads
    for condition in (way.condition, way.requirement):
        if condition is not None:
            reads |= condition.reads
    if way.once:
        reads.add(("once", way.key))
    return reads


def _opening(scene: Scene, choice: Choice) -> set[Atom]:
    """What decides whether `choice` is open: a fallback's also reads every regular choice of its scene."""
    reads = _way_reads(choice)
    if choice.fallback:
        for other in scene.choices:
            if not other.fallback:
                reads |= _way_reads(other)
    return reads


def near_goal(
    story: Story, goal: str, cone: frozenset[str], preds: Mapping[str, set[str]], size: int
) -> frozenset[str]:
    """About `size` cone scenes nearest the goal (fewest links before it), closed: every cone scene one of them
    leads to is one of them too, so their atoms can be worked out from them alone."""
    near = {goal}
    level = [goal]
    while level and len(near) < size:
        level = list({p for sid in level for p in preds.get(sid, ()) if p in cone and p not in near})
        near.update(level)
    changed = True
    while changed:
        leaving = {sid for sid in near if any(t in cone and t not in near for t in story.scenes[sid].targets)}
        near -= leaving
        changed = bool(leaving)
    return frozenset(near)


def goal_liveness(
    story: Story, goal: str, wanted: Iterable[Choice] | None, cone: frozenset[str], preds: Mapping[str, set[str]]
) -> dict[str, frozenset[Atom]]:
    """Each cone scene's atoms at its choice point that can decide whether the goal is still reached from there.

    `wanted` None: entering `goal` is the goal; else taking one of `wanted` (choices of `goal`). `cone`: scenes from
    which some path of links leads to `goal` (`goal` among them), closed: every scene a cone scene leads to that can
    lead to the goal is in it. `preds`: each scene's scenes with a link to it.
    """
    bounds = {name: (v.minimum, v.maximum) for name, v in story.variables.items() if v.type == "int"}
    at_goal: set[Atom] = set()
    if wanted is not None:
        scene = story.scenes[goal]
        for choice in wanted:
            at_goal |= _opening(scene, choice)
    entry: dict[str, set[Atom]] = {sid: set() for sid in cone}
    at_choice: dict[str, set[Atom]] = {sid: set() for sid in cone}

    def recompute(sid: str) -> bool:
        scene = story.scenes[sid]
        after: set[Atom] = set(at_goal) if sid == goal else set()
        if sid == goal and wanted is None:
            return False  # entered: reached, whatever comes after
        if scene.routes:
            toward = [r for r in scene.routes if any(t in cone for t in scene.next_of(r))]
            if toward:  # which route is taken can depend on every route's condition
                for route in scene.routes:
                    after |= _way_reads(route)
            for route in toward:
                for target in scene.next_of(route):
                    after |= entry.get(target, set())
        else:
            for choice in scene.choices:
                targets = [t for t in scene.next_of(choice) if t in cone]
                if not targets:
                    continue
                after |= _opening(scene, choice)
                later: set[Atom] = set().union(*(entry[t] for t in targets))
                edge = _transfer(choice.effects, later, bounds)
                if choice.once:
                    edge.discard(("once", choice.key))
                    after.add(("once", choice.key))
                after |= edge
            at_choice[sid] |= after
        new = _transfer(scene.all_effects, after, bounds)
        new.discard(("seen", sid))
        if not new <= entry[sid]:
            entry[sid] |= new
            return True
        return False

    work = deque(sid for sid in successors_first(story, cone))
    queued = set(work)
    while work:
        sid = work.popleft()
        queued.discard(sid)
        if recompute(sid):
            for p in preds.get(sid, ()):
                if p in cone and p not in queued:
                    queued.add(p)
                    work.append(p)
    return {sid: frozenset(atoms) for sid, atoms in at_choice.items()}
