"""What state still matters at each scene: the explorer's merge keys.

Two states are merged when they agree on everything the rest of the story can
still read from that scene on (a liveness analysis over the scene graph): a clue
tested only in episode 2 stops splitting states after it.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Container, Iterable, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from typing import cast

from .assumptions import NONE_SETTLED, choice_point_reads, entry_reads, reply_reads
from .expr import Atom, Effect
from .keys import COMPARE, MAX_BUCKETED
from .model import Story

# Comparisons of one number carried back through steps, at most; past that the
# whole value is the key. A loop that steps a counter shifts its thresholds
# once a pass, and this keeps the analysis to a few passes.
MAX_SHIFTED = 8


def _shifted(compared: Iterable[Atom], name: str, low: int, high: int, delta: int) -> set[Atom] | None:
    """The comparisons of `name` before `name += delta` that decide the given ones after it, or None.

    The new value is the old plus `delta`, kept within low..high: a monotone
    map, so the old values for which a comparison of the new value holds form
    a run of the range (or the complement of one), told apart from the rest
    by at most two comparisons of the old value. None when the range is too
    wide to walk, and the whole value is needed.
    """
    if high - low > MAX_BUCKETED:
        return None
    values = range(low, high + 1)
    found: set[Atom] = set()
    for atom in compared:
        test, constant = COMPARE[atom[2]], atom[3]
        inside = [x for x in values if test(min(max(x + delta, low), high), constant)]
        if not inside or len(inside) == len(values):
            continue  # the same outcome whatever the old value
        if inside[-1] - inside[0] + 1 != len(inside):  # not a run (`!=`): what it lacks is one
            inside = _gap(inside)
            if not inside or inside[-1] - inside[0] + 1 != len(inside):
                return None
        first, last = inside[0], inside[-1]
        if first > low:
            found.add(_compared(name, ">=", first))
        if last < high:
            found.add(_compared(name, "<=", last))
    return found


def _compared(name: str, op: str, constant: int) -> Atom:
    """A comparison atom as the expression compiler makes them (its constant is an int)."""
    return cast(Atom, ("cmp", name, op, constant))


def _gap(values: list[int]) -> list[int]:
    """The run of numbers missing between the first and last of `values` (which lack exactly one run)."""
    present = set(values)
    return [x for x in range(values[0], values[-1] + 1) if x not in present]


def _transfer(
    effects: Iterable[Effect], live_after: set[Atom], bounds: Mapping[str, tuple[int, int]] | None = None
) -> set[Atom]:
    """What must be known before the effects, given what is read after them.

    `bounds` (each int's min and max) lets a constant step such as `trust -= 1`
    carry comparisons back as comparisons (`trust >= 3` after it is
    `trust >= 4` before it) instead of needing the whole value.
    """
    live = set(live_after)
    for effect in reversed(tuple(effects)):
        whole = ("var", effect.target)
        member_writes = [w for w in effect.writes if w[0] == "member"]
        if member_writes:
            live.difference_update(member_writes)  # set to a fixed value either way
            if whole in live_after or any(a[0] == "member" and a[1] == effect.target for a in live):
                live.update(effect.reads)
            continue
        # The variable's value, or a comparison of it, is read later: the new value
        # replaces the old, so what matters before is whatever the effect reads
        # (which includes the variable itself for `+=` and `-=`).
        related = {a for a in live if a[0] in ("var", "cmp") and a[1] == effect.target}
        if related:
            live.difference_update(related)
            shifted = None
            span = bounds.get(effect.target) if bounds else None
            if effect.delta is not None and span is not None and all(a[0] == "cmp" for a in related):
                shifted = _shifted(related, effect.target, span[0], span[1], effect.delta)
                if shifted is not None and len(shifted) > MAX_SHIFTED:
                    shifted = None  # a counter stepped round a loop: its thresholds would only creep
            live.update(effect.reads if shifted is None else shifted)
    return live


@dataclass
class Liveness:
    """For each scene, the atoms of state that matter at its choice point."""

    at_choice: dict[str, frozenset[Atom]]


def successors_first(story: Story, among: AbstractSet[str] | None = None) -> list[str]:
    """Every scene in depth-first postorder from the start (then from any scene left): targets before their sources.

    With `among`, only those scenes, from each of them in sorted order.
    """
    within: AbstractSet[str] = story.scenes.keys() if among is None else among
    order: list[str] = []
    done: set[str] = set()
    for root in (story.start, *story.scenes) if among is None else sorted(among):
        if root in done or root not in within:
            continue
        done.add(root)
        stack = [(root, iter(story.scenes[root].targets))]
        while stack:
            sid, targets = stack[-1]
            for target in targets:
                if target not in done and target in within:
                    done.add(target)
                    stack.append((target, iter(story.scenes[target].targets)))
                    break
            else:
                stack.pop()
                order.append(sid)
    return order


def predecessors(story: Story) -> dict[str, set[str]]:
    """For each scene, the scenes with a link to it (a choice, route, call or return)."""
    preds: dict[str, set[str]] = {sid: set() for sid in story.scenes}
    for scene in story.scenes.values():
        for target in scene.targets:
            if target in preds:
                preds[target].add(scene.id)
    return preds


def liveness(story: Story, settled: Container[int] = NONE_SETTLED) -> Liveness:
    """Each scene's atoms; the reads of `settled` assumptions (proven already: see `assumeproofs`) are not kept."""
    bounds = {name: (v.minimum, v.maximum) for name, v in story.variables.items() if v.type == "int"}
    entry: dict[str, set[Atom]] = {sid: set() for sid in story.scenes}
    choice_point: dict[str, set[Atom]] = {sid: set() for sid in story.scenes}
    preds = predecessors(story)

    def recompute(sid: str) -> bool:
        scene = story.scenes[sid]
        after: set[Atom] = set()
        if scene.routes:
            for route in scene.routes:
                if route.condition is not None:
                    after |= route.condition.reads
                for target in scene.next_of(route):
                    after |= entry.get(target, set())
        elif scene.choices:
            for choice in scene.choices:  # `assumes:` reads (see assumptions.py)
                after |= choice_point_reads(choice, settled)
            for choice in scene.choices:
                for cond in (choice.condition, choice.requirement):
                    if cond is not None:
                        after |= cond.reads
                later: set[Atom] = set().union(*(entry.get(t, set()) for t in scene.next_of(choice)))
                edge = _transfer(choice.effects, later | reply_reads(choice, settled), bounds)
                if choice.once:
                    edge.discard(("once", choice.key))
                    after.add(("once", choice.key))
                after |= edge
            choice_point[sid] = after
        # The scene's `assumes:` and text are checked after its `do:` and before the effects in and
        # after its prose (`{do}`, `after:`), which the choice point and the routes come after.
        shown = _transfer((e for effects, _ in scene.later for e in effects), after, bounds) | entry_reads(
            scene, settled
        )
        new = _transfer(scene.effects, shown, bounds)
        new.discard(("seen", sid))
        # Sets only grow (more atoms only split states more finely, which is
        # always sound), so the passes end even where a step's comparisons
        # give way to the whole value.
        if not new <= entry[sid]:
            entry[sid] |= new
            return True
        return False

    # A backward analysis converges in one pass over an acyclic story when every scene
    # comes after the scenes it leads to; in story order a long chain took a pass a scene.
    work = deque(successors_first(story))
    queued = set(work)
    while work:
        sid = work.popleft()
        queued.discard(sid)
        if recompute(sid):
            for p in preds[sid]:
                if p not in queued:
                    queued.add(p)
                    work.append(p)
    # Choice points of scenes never changed by the loop above still need their sets.
    for sid, scene in story.scenes.items():
        if scene.choices and not choice_point[sid]:
            recompute(sid)
    return Liveness({sid: frozenset(atoms) for sid, atoms in choice_point.items()})


def without_unseen(story: Story, at_choice: Mapping[str, frozenset[Atom]]) -> dict[str, frozenset[Atom]]:
    """Each scene's atoms without the visit counts of scenes that cannot lead to it.

    At a scene that X cannot reach, `seen(X)` is always false and `visits(X)`
    always 0, so keeping them in the key only makes it longer (on a large story
    most visit entries are of this kind). Reachability is followed forwards
    from each scene whose count is read, so the cost grows with those only.
    """
    read = {a[1] for atoms in at_choice.values() for a in atoms if a[0] in ("seen", "visits")}
    reach: dict[str, set[str]] = {}
    for start in read:
        if start not in story.scenes:
            continue
        seen: set[str] = set()
        todo = list(story.scenes[start].targets)
        while todo:
            sid = todo.pop()
            if sid not in seen and sid in story.scenes:
                seen.add(sid)
                todo.extend(story.scenes[sid].targets)
        reach[start] = seen
    return {
        sid: frozenset(
            a for a in atoms if a[0] not in ("seen", "visits") or a[1] == sid or sid in reach.get(a[1], (sid,))
        )
        for sid, atoms in at_choice.items()
    }


def scenes_counted(story: Story) -> frozenset[str]:
    """Scenes whose visit count some condition or effect reads (`seen`, `visits`).

    Play depends on no other visit counts, so the explorer carries only these:
    on a long story, copying every count at every step would make each step
    cost as much as the path so far.
    """
    return frozenset(a[1] for part in story.compiled(prose=False) for a in part.reads if a[0] in ("seen", "visits"))
