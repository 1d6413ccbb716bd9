"""Exhaustive exploration: play every possible game and report what real play can reach.

A breadth-first search over game states at choice points, using the runtime's
own functions. Two states are merged when they agree on everything the rest
of the story can still read from that scene on (a liveness analysis over the
scene graph): a clue tested only in episode 2 stops splitting states after it.
That keeps the search exact while making it small.
"""

from __future__ import annotations

import gc
import random
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any

from .expr import Atom, Effect
from .model import Choice, Story
from .runtime import GameError, advance, open_choices, start
from .state import GameState

DEFAULT_MAX_STATES = 2_000_000
SAMPLE_PLAYS = 20_000


# --- liveness -------------------------------------------------------------------


def _transfer(effects: Iterable[Effect], live_after: set[Atom]) -> set[Atom]:
    """What must be known before the effects, given what is read after them."""
    live = set(live_after)
    for effect in reversed(tuple(effects)):
        whole = ("var", effect.target)
        member_writes = [w for w in effect.writes if w[0] == "member"]
        if member_writes:
            live.difference_update(member_writes)  # set to a fixed value either way
            if whole in live_after or any(a[0] == "member" and a[1] == effect.target for a in live):
                live.update(effect.reads)
            continue
        if whole in live:
            self_reading = whole in effect.reads
            if not self_reading:
                live.discard(whole)
            live.update(effect.reads)
    return live


@dataclass
class Liveness:
    """For each scene, the atoms of state that matter at its choice point."""

    at_choice: dict[str, frozenset[Atom]]


def liveness(story: Story) -> Liveness:
    entry: dict[str, set[Atom]] = {sid: set() for sid in story.scenes}
    choice_point: dict[str, set[Atom]] = {sid: set() for sid in story.scenes}
    preds: dict[str, set[str]] = {sid: set() for sid in story.scenes}
    for scene in story.scenes.values():
        for target in scene.targets:
            if target in preds:
                preds[target].add(scene.id)

    def recompute(sid: str) -> bool:
        scene = story.scenes[sid]
        after: set[Atom] = set()
        if scene.routes:
            for route in scene.routes:
                if route.condition is not None:
                    after |= route.condition.reads
                after |= entry.get(route.goto, set())
        elif scene.choices:
            for choice in scene.choices:
                for cond in (choice.condition, choice.requirement):
                    if cond is not None:
                        after |= cond.reads
                edge = _transfer(choice.effects, entry.get(choice.goto, set()))
                if choice.once:
                    edge.discard(("once", choice.key))
                    after.add(("once", choice.key))
                after |= edge
            choice_point[sid] = after
        new = _transfer(scene.effects, after)
        new.discard(("seen", sid))
        if new != entry[sid]:
            entry[sid] = new
            return True
        return False

    work = deque(story.scenes)
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


def _projector(story: Story, atoms: frozenset[Atom]) -> Callable[[GameState], Any]:
    """A function giving the part of a state that the atoms name: the dedup key.

    Built from closures specialised to what is non-empty, since the explorer
    calls it once for every state it reaches.
    """
    whole = sorted({story.variables[a[1]].index for a in atoms if a[0] == "var" and a[1] in story.variables})
    members: dict[int, set[str]] = {}
    for a in atoms:
        if a[0] == "member" and a[1] in story.variables:
            index = story.variables[a[1]].index
            if index not in whole:
                members.setdefault(index, set()).add(a[2])
    partial = [(i, frozenset(m)) for i, m in sorted(members.items())]
    seen = tuple(sorted(a[1] for a in atoms if a[0] == "seen"))
    counts = tuple(sorted(a[1] for a in atoms if a[0] == "visits"))
    once = tuple(sorted(a[1] for a in atoms if a[0] == "once"))
    parts: list[Callable[[GameState], Any]] = []
    if len(whole) == 1:
        (only,) = whole
        parts.append(lambda st: st.values[only])
    elif whole:
        pick = itemgetter(*whole)
        parts.append(lambda st: pick(st.values))
    if len(partial) == 1:
        ((set_index, mask),) = partial
        parts.append(lambda st: st.values[set_index] & mask)  # type: ignore[operator]
    elif partial:
        pick_sets = itemgetter(*(i for i, _ in partial))
        masks = tuple(m for _, m in partial)
        parts.append(lambda st: tuple(map(frozenset.__and__, pick_sets(st.values), masks)))
    if seen:
        parts.append(lambda st: tuple(x in st.visits for x in seen))
    if counts:
        parts.append(lambda st: tuple(st.visits.get(x, 0) for x in counts))
    if once:
        parts.append(lambda st: tuple(k in st.taken for k in once))
    return _combine(parts)


def _combine(parts: list[Callable[[GameState], Any]]) -> Callable[[GameState], Any]:
    """One key function from its parts, without a generator in the hot path."""
    if not parts:
        return lambda st: ()
    if len(parts) == 1:
        return parts[0]
    if len(parts) == 2:
        a, b = parts
        return lambda st: (a(st), b(st))
    if len(parts) == 3:
        a, b, c = parts
        return lambda st: (a(st), b(st), c(st))
    head, tail = _combine(parts[:2]), _combine(parts[2:])
    return lambda st: (head(st), tail(st))


# --- the search --------------------------------------------------------------------


@dataclass
class Report:
    """Everything exploration found; `to_data` gives the JSON form."""

    states: int = 0
    complete: bool = True
    limit: int = 0
    ending_paths: dict[str, list[str]] = field(default_factory=dict)
    unreached_endings: list[str] = field(default_factory=list)
    reached_scenes: set[str] = field(default_factory=set)
    unreached_scenes: list[str] = field(default_factory=list)
    taken_choices: set[str] = field(default_factory=set)
    never_open: list[str] = field(default_factory=list)
    dead_ends: list[tuple[str, list[str]]] = field(default_factory=list)
    shares: dict[str, float] = field(default_factory=dict)
    stuck_share: float = 0.0
    share_method: str = ""
    errors: list[str] = field(default_factory=list)
    longest: int = 0
    shortest: int = 0

    @property
    def ok(self) -> bool:
        return self.complete and not self.unreached_endings and not self.unreached_scenes and not self.errors

    def to_data(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "complete": self.complete,
            "states": self.states,
            "limit": self.limit,
            "endings": {
                e: {
                    "reachable": e in self.ending_paths,
                    "shortest": self.ending_paths.get(e),
                    "share": self.shares.get(e, 0.0),
                }
                for e in sorted(set(self.ending_paths) | set(self.unreached_endings))
            },
            "share_method": self.share_method,
            "stuck_share": self.stuck_share,
            "unreached_scenes": self.unreached_scenes,
            "never_open_choices": self.never_open,
            "dead_ends": [{"scene": s, "path": p} for s, p in self.dead_ends],
            "errors": self.errors,
            "shortest_playthrough": self.shortest,
            "longest_playthrough": self.longest,
        }


def _path(parents: list[tuple[int, str]], node: int) -> list[str]:
    keys = []
    while node > 0:
        node, key = parents[node]
        keys.append(key)
    return keys[::-1]


def explore(story: Story, max_states: int = DEFAULT_MAX_STATES, seed: int = 1) -> Report:
    """Search every reachable state; compute reachability, paths and ending shares."""
    # Millions of small tuples and no cycles among them: the cyclic collector
    # would rescan the growing heap over and over, doubling the run time.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _explore(story, max_states, seed)
    finally:
        if was_enabled:
            gc.enable()


def _explore(story: Story, max_states: int, seed: int) -> Report:
    report = Report(limit=max_states)
    live = liveness(story)
    projectors = {sid: _projector(story, live.at_choice.get(sid, frozenset())) for sid in story.scenes}
    try:
        first = start(story).state
    except GameError as exc:
        report.errors.append(str(exc))
        return report
    index: dict[tuple[str, Any], int] = {}
    parents: list[tuple[int, str]] = [(-1, "")]
    depth: list[int] = [0]
    edges: list[list[int]] = []  # children by node; ending k is stored as -(k + 1)
    ending_ids = list(story.endings)
    ending_slot = {e: i for i, e in enumerate(ending_ids)}
    ending_depths: list[int] = []
    stuck_nodes: set[int] = set()
    reached_scenes = set(first.visits)

    def node_for(state: GameState) -> tuple[int, bool]:
        key = (state.scene, projectors[state.scene](state))
        found = index.get(key)
        if found is not None:
            return found, False
        index[key] = len(edges)
        edges.append([])
        return len(edges) - 1, True

    queue: deque[tuple[int, GameState]] = deque()
    if first.ending is not None:
        report.ending_paths[first.ending] = []
        edges.append([-(ending_slot[first.ending] + 1)])
    else:
        root, _ = node_for(first)
        queue.append((root, first))
    while queue:
        node, state = queue.popleft()
        choices = open_choices(story, state)
        if not choices:
            stuck_nodes.add(node)
            if len(report.dead_ends) < 20:
                report.dead_ends.append((state.scene, _path(parents, node)))
            continue
        children = edges[node]
        for choice in choices:
            report.taken_choices.add(choice.key)
            try:
                nxt = advance(story, state, choice)
            except GameError as exc:
                report.errors.append(f"after {choice.key}: {exc}")
                continue
            reached_scenes.update(nxt.visits)
            if nxt.ending is not None:
                children.append(-(ending_slot[nxt.ending] + 1))
                if nxt.ending not in report.ending_paths:
                    report.ending_paths[nxt.ending] = [*_path(parents, node), choice.key]
                ending_depths.append(depth[node] + 1)
                continue
            child, new = node_for(nxt)
            children.append(child)
            if new:
                parents.append((node, choice.key))
                depth.append(depth[node] + 1)
                if len(edges) > max_states:
                    report.complete = False
                    queue.clear()
                    break
                queue.append((child, nxt))
    report.states = len(edges)
    report.reached_scenes = reached_scenes
    report.unreached_scenes = [s for s in story.scenes if s not in reached_scenes]
    report.unreached_endings = [e for e in ending_ids if e not in report.ending_paths]
    if report.complete:
        report.never_open = [
            c.key for c in story.all_choices() if c.key not in report.taken_choices and c.scene in reached_scenes
        ]
        report.never_open += [c.key for c in story.all_choices() if c.scene not in reached_scenes]
    if ending_depths:
        report.longest, report.shortest = max(ending_depths), min(ending_depths)
    _shares(story, report, edges, ending_ids, stuck_nodes, seed)
    return report


def _shares(
    story: Story, report: Report, edges: list[list[int]], ending_ids: list[str], stuck: set[int], seed: int
) -> None:
    """Each ending's probability under uniformly random play: exact on an acyclic graph."""
    if not report.complete or not edges:
        report.share_method = "not computed (exploration incomplete)"
        return
    order = _topological(edges)
    if order is None:
        _sample_shares(story, report, seed)
        return
    prob = [0.0] * len(edges)
    prob[0] = 1.0
    totals = [0.0] * len(ending_ids)
    stuck_total = 0.0
    for node in order:
        p = prob[node]
        if p == 0.0:
            continue
        children = edges[node]
        if not children:
            if node in stuck:
                stuck_total += p
            continue
        share = p / len(children)
        for child in children:
            if child < 0:
                totals[-child - 1] += share
            else:
                prob[child] += share
    report.shares = {e: totals[i] for i, e in enumerate(ending_ids)}
    report.stuck_share = stuck_total
    report.share_method = "exact (the state graph has no cycles)"


def _topological(edges: list[list[int]]) -> list[int] | None:
    indegree = [0] * len(edges)
    for children in edges:
        for c in children:
            if c >= 0:
                indegree[c] += 1
    ready = [n for n, d in enumerate(indegree) if d == 0]
    order = []
    while ready:
        n = ready.pop()
        order.append(n)
        for c in edges[n]:
            if c >= 0:
                indegree[c] -= 1
                if indegree[c] == 0:
                    ready.append(c)
    return order if len(order) == len(edges) else None


def random_playthrough(story: Story, rng: random.Random, max_steps: int = 10_000) -> GameState:
    """One game with every choice picked uniformly at random among the open ones."""
    state = start(story).state
    for _ in range(max_steps):
        if state.ending is not None:
            return state
        choices: list[Choice] = open_choices(story, state)
        if not choices:
            return state
        state = advance(story, state, rng.choice(choices))
    return state


def _sample_shares(story: Story, report: Report, seed: int) -> None:
    rng = random.Random(seed)
    counts: dict[str, int] = {e: 0 for e in story.endings}
    stuck = 0
    for _ in range(SAMPLE_PLAYS):
        final = random_playthrough(story, rng)
        if final.ending is not None:
            counts[final.ending] += 1
        else:
            stuck += 1
    report.shares = {e: n / SAMPLE_PLAYS for e, n in counts.items()}
    report.stuck_share = stuck / SAMPLE_PLAYS
    report.share_method = f"sampled: {SAMPLE_PLAYS:,} random playthroughs, seed {seed} (the state graph has cycles)"
