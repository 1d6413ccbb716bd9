"""Exhaustive exploration: play every possible game and report what real play can reach.

A breadth-first search over game states at choice points, using the runtime's
own functions. Two states are merged when they agree on everything the rest
of the story can still read from that scene on (a liveness analysis over the
scene graph): a clue tested only in episode 2 stops splitting states after it.
That keeps the search exact while making it small.
"""

from __future__ import annotations

import gc
import operator
import random
from collections import Counter, deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from itertools import chain, islice
from operator import itemgetter
from typing import Any

from .assumptions import AssumptionWatch, Verdict, choice_point_reads, entry_reads, reply_reads
from .expr import Atom, Effect
from .model import Choice, Story
from .runtime import GameError, StateParts, advance, choices_open, open_choices, start, step
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
        # The variable's value, or a comparison of it, is read later: the new value
        # replaces the old, so what matters before is whatever the effect reads
        # (which includes the variable itself for `+=` and `-=`).
        related = {a for a in live if a[0] in ("var", "cmp") and a[1] == effect.target}
        if related:
            live.difference_update(related)
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
            for choice in scene.choices:  # `assumes:` reads (see assumptions.py)
                after |= choice_point_reads(choice)
            for choice in scene.choices:
                for cond in (choice.condition, choice.requirement):
                    if cond is not None:
                        after |= cond.reads
                edge = _transfer(choice.effects, entry.get(choice.goto, set()) | reply_reads(choice))
                if choice.once:
                    edge.discard(("once", choice.key))
                    after.add(("once", choice.key))
                after |= edge
            choice_point[sid] = after
        new = _transfer(scene.effects, after | entry_reads(scene))
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


def scenes_counted(story: Story) -> frozenset[str]:
    """Scenes whose visit count some condition or effect reads (`seen`, `visits`).

    Play depends on no other visit counts, so the explorer carries only these:
    on a long story, copying every count at every step would make each step
    cost as much as the path so far.
    """
    return frozenset(a[1] for part in story.compiled(prose=False) for a in part.reads if a[0] in ("seen", "visits"))


KeyFunction = Callable[[tuple, Mapping[str, int], frozenset[str]], Any]


_COMPARE = {
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}


def _projector(story: Story, atoms: frozenset[Atom]) -> KeyFunction:
    """A function giving the part of a state that the atoms name: the dedup key.

    The explorer calls it once for every state it reaches, so it is a single
    closure whose parts are C-level calls (itemgetter, map) wherever possible.
    """
    variables = story.variables
    wholes = {variables[a[1]].index for a in atoms if a[0] == "var" and a[1] in variables}
    members: dict[str, set[str]] = {}
    for a in atoms:
        if a[0] == "member" and a[1] in variables and variables[a[1]].index not in wholes:
            members.setdefault(a[1], set()).add(a[2])
    partial = []
    for name, live_members in sorted(members.items()):
        if live_members.issuperset(variables[name].members):
            wholes.add(variables[name].index)  # every member matters: the value itself is the key
        else:
            partial.append((variables[name].index, frozenset(live_members)))
    partial.sort()
    whole = sorted(wholes)
    # Where only comparisons of a number with constants are read, their outcomes are the key.
    comparisons = sorted(
        (variables[a[1]].index, a[2], a[3])
        for a in atoms
        if a[0] == "cmp" and a[1] in variables and variables[a[1]].index not in wholes
    )
    tests = tuple((_COMPARE[op], i, c) for i, op, c in comparisons)
    seen = tuple(sorted(a[1] for a in atoms if a[0] == "seen"))
    counts = tuple(sorted(a[1] for a in atoms if a[0] == "visits"))
    zeros = (0,) * len(counts)
    once = tuple(sorted(a[1] for a in atoms if a[0] == "once"))
    pick_whole = itemgetter(*whole) if whole else None
    # Most scenes have at most two partly read sets and one `seen`: those get
    # plain expressions; more fall back to map(). Each part is None when unused,
    # so every key of one scene has the same shape.
    (i0, m0), (i1, m1) = [*partial, (0, frozenset()), (0, frozenset())][:2]
    rest = partial[2:]
    pick_rest = itemgetter(*(i for i, _ in rest), -1) if rest else None  # -1: a tuple even for one
    rest_masks = tuple(m for _, m in rest)
    n_partial, n_seen = len(partial), len(seen)
    first_seen = seen[0] if seen else ""
    once_keys = frozenset(once)
    and_ = frozenset.__and__

    def key(values: tuple, visits: Mapping[str, int], taken: frozenset[str]) -> Any:
        return (
            pick_whole(values) if pick_whole else None,
            values[i0] & m0 if n_partial else None,
            values[i1] & m1 if n_partial > 1 else None,
            tuple(map(and_, pick_rest(values), rest_masks)) if pick_rest else None,
            (first_seen in visits if n_seen == 1 else tuple(map(visits.__contains__, seen))) if n_seen else None,
            tuple(map(visits.get, counts, zeros)) if counts else None,
            taken & once_keys if once_keys else None,
            tuple([test(values[i], c) for test, i, c in tests]) if tests else None,
        )

    return key


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
    longest: int = 0  # 0 when `loops`: there is then no longest playthrough
    shortest: int = 0
    loops: bool = False  # some choice leads back to a state already passed, so a game can go on without end
    assumptions: list[Verdict] = field(default_factory=list)  # one per `assumes:`, in story order

    @property
    def broken(self) -> list[Verdict]:
        return [v for v in self.assumptions if v.verdict == "broken"]

    @property
    def ok(self) -> bool:
        return (
            self.complete
            and not self.unreached_endings
            and not self.unreached_scenes
            and not self.errors
            and not self.broken
        )

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
            "longest_playthrough": None if self.loops else self.longest,
            "loops": self.loops,
            "assumptions": [v.to_data() for v in self.assumptions],
        }


def _counted(visits: Mapping[str, int], counted: frozenset[str]) -> dict[str, int]:
    """The visit counts play can read (see `scenes_counted`), in the order they were made."""
    return {scene: n for scene, n in visits.items() if scene in counted}


def _path(parents: list[int], keys: list[str], node: int) -> list[str]:
    path = []
    while node > 0:
        path.append(keys[node])
        node = parents[node]
    return path[::-1]


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
    # One (key function, key -> node) table per scene, so a key need not name its scene.
    tables: dict[str, tuple[KeyFunction, dict[Any, int]]] = {
        sid: (_projector(story, live.at_choice.get(sid, frozenset())), {}) for sid in story.scenes
    }
    watch = AssumptionWatch.for_story(story)  # None unless the story has `assumes:`
    try:
        first = start(story, watch.entered(0, 0, "") if watch else None).state
    except GameError as exc:
        report.errors.append(str(exc))
        return report
    parents: list[int] = [-1]  # the node each node was first reached from ...
    via: list[str] = [""]  # ... and by which choice
    depth: list[int] = [0]
    edges: list[list[int]] = []  # children by node; ending k is stored as -(k + 1)
    ending_ids = list(story.endings)
    ending_code = {e: -(i + 1) for i, e in enumerate(ending_ids)}
    ending_depths: list[int] = []
    stuck_nodes: set[int] = set()
    reached_scenes = set(first.visits)
    counted = scenes_counted(story)
    taken_choices = report.taken_choices
    ending_paths = report.ending_paths

    # Queued states are kept as StateParts, without history or journal: paths
    # come from `parents`, and carrying them would only copy them at every step.
    queue: deque[tuple[int, StateParts]] = deque()
    if first.ending is not None:
        ending_paths[first.ending] = []
        edges.append([ending_code[first.ending]])
    else:
        key_of, table = tables[first.scene]
        table[key_of(first.values, first.visits, first.taken)] = 0
        edges.append([])
        queue.append((0, (first.scene, first.values, _counted(first.visits, counted), first.taken, (), (), None)))
    all_scenes = len(story.scenes)
    while queue:
        node, (scene, values, visits, taken, _, _, _) = queue.popleft()
        if watch is not None:
            watch.at_choice_point(node, depth[node], scene, values, visits, taken)
        choices = choices_open(story, scene, values, visits, taken)
        if not choices:
            stuck_nodes.add(node)
            if len(report.dead_ends) < 20:
                report.dead_ends.append((scene, _path(parents, via, node)))
            continue
        children = edges[node]
        known = len(visits)
        for choice in choices:
            taken_choices.add(choice.key)
            try:
                hook = watch.entered(node, depth[node] + 1, choice.key) if watch else None
                parts = step(story, choice, values, visits, taken, (), (), hook)
            except GameError as exc:
                report.errors.append(f"after {choice.key}: {exc}")
                continue
            next_scene, next_values, next_visits, next_taken, _, _, ending = parts
            if len(next_visits) != known and len(reached_scenes) < all_scenes:
                # Visits only gain keys, appended in the order scenes were entered:
                # the scenes new on this edge are the last ones.
                reached_scenes.update(islice(reversed(next_visits), len(next_visits) - known))
            if ending is not None:
                children.append(ending_code[ending])
                if ending not in ending_paths:
                    ending_paths[ending] = [*_path(parents, via, node), choice.key]
                ending_depths.append(depth[node] + 1)
                continue
            key_of, table = tables[next_scene]
            key = key_of(next_values, next_visits, next_taken)
            child = table.get(key)
            if child is not None:
                children.append(child)
                continue
            child = len(edges)
            table[key] = child
            edges.append([])
            children.append(child)
            parents.append(node)
            via.append(choice.key)
            depth.append(depth[node] + 1)
            if child >= max_states:
                report.complete = False
                queue.clear()
                break
            queue.append((child, (next_scene, next_values, _counted(next_visits, counted), next_taken, (), (), None)))
    report.states = len(edges)
    if watch is not None:
        report.assumptions = watch.verdicts(lambda n: _path(parents, via, n), report.complete)
    report.reached_scenes = reached_scenes
    report.unreached_scenes = [s for s in story.scenes if s not in reached_scenes]
    report.unreached_endings = [e for e in ending_ids if e not in ending_paths]
    if report.complete:
        report.never_open = [
            c.key for c in story.all_choices() if c.key not in taken_choices and c.scene in reached_scenes
        ]
        report.never_open += [c.key for c in story.all_choices() if c.scene not in reached_scenes]
    if ending_depths:
        report.longest, report.shortest = max(ending_depths), min(ending_depths)
    _shares(story, report, edges, ending_ids, stuck_nodes, seed)
    return report


def _shares(
    story: Story, report: Report, edges: list[list[int]], ending_ids: list[str], stuck: set[int], seed: int
) -> None:
    """Each ending's probability under uniformly random play: exact on an acyclic graph.

    Probabilities flow from the start in topological order (Kahn's algorithm);
    if some node is never freed, the graph has a cycle and shares are sampled.
    """
    if not report.complete or not edges:
        report.share_method = "not computed (exploration incomplete)"
        return
    indegree = [0] * len(edges)
    for child, count in Counter(chain.from_iterable(edges)).items():
        if child >= 0:
            indegree[child] = count
    ready = [n for n, d in enumerate(indegree) if d == 0]
    prob = [0.0] * len(edges)
    prob[0] = 1.0
    # The longest way to each node: merged states keep every edge, so this is
    # the longest real playthrough, which breadth-first depths cannot give.
    longest = [0] * len(edges)
    longest_game = 0
    totals = [0.0] * len(ending_ids)
    stuck_total = 0.0
    done = 0
    while ready:
        node = ready.pop()
        done += 1
        p = prob[node]
        children = edges[node]
        if not children:
            if node in stuck:
                stuck_total += p
            continue
        share = p / len(children)
        further = longest[node] + 1
        for child in children:
            if child < 0:
                totals[-child - 1] += share
                if further > longest_game:
                    longest_game = further
                continue
            prob[child] += share
            if further > longest[child]:
                longest[child] = further
            indegree[child] -= 1
            if indegree[child] == 0:
                ready.append(child)
    if done != len(edges):
        report.loops, report.longest = True, 0
        _sample_shares(story, report, seed)
        return
    report.longest = longest_game
    report.shares = {e: totals[i] for i, e in enumerate(ending_ids)}
    report.stuck_share = stuck_total
    report.share_method = "exact (the state graph has no cycles)"


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
