"""Exhaustive exploration: play every possible game and give every scene, choice and ending a verdict.

A breadth-first search over game states at choice points, stepping with the
runtime's own functions (or, where no chance, call or scene-local value plays
a part, `explorestep`, which tests hold to them), merging states the rest of
the story cannot tell apart (see `liveness` and `keys`), and stepping once
for choices that step alike (see `twins`). Assumptions the analyses prove
first (`assumeproofs`) are neither checked nor kept apart. Budgets (states,
and a stop test passed in for time and memory) end the search with a report
of what was found; what it did not reach is then unknown, never unreachable
(see `verdicts`).
"""

from __future__ import annotations

import gc
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from fractions import Fraction
from itertools import islice
from typing import Any

from .abstract import forward_bounds
from .assumeproofs import prove_before_search
from .assumptions import AssumptionWatch
from .budget import StopReason, never
from .directed import Witnesses, find_witnesses
from .explorestep import ExploreStep, applies, choice_openers, twins
from .findings import Plan, Report
from .goals import Goals
from .guided import guided_witnesses
from .keys import KeyFunction, projector_factory
from .liveness import liveness, scenes_counted, without_unseen
from .model import Choice, Story
from .random_play import random_playthrough, sample
from .runtime import GameError, StateParts, beginnings, outcomes, step
from .shares import SAMPLE_PLAYS, exact_or_sampled_shares, shares_from_sample
from .verdicts import (
    ABSTRACT,
    BACKWARD,
    DIRECTED,
    EXHAUSTIVE,
    GUIDED,
    KINDS,
    RANDOM_PLAY,
    REACHABLE,
    TARGETED,
    UNKNOWN,
    UNREACHABLE,
    Trail,
    Verdicts,
    path_to,
)

__all__ = ["Report", "explore", "liveness", "random_playthrough", "scenes_counted"]

DEFAULT_MAX_STATES = 2_000_000
CHECK_EVERY = 4096  # new states between budget checks


_NO_VISITS: dict[str, int] = {}  # shared by every state that needs no count (runtime copies before writing)


def _counted(visits: Mapping[str, int], counted: frozenset[str]) -> dict[str, int]:
    """The visit counts that can still be read from here, in the order they were made."""
    kept = {scene: n for scene, n in visits.items() if scene in counted}
    return kept or _NO_VISITS


def _unconditional(choices: Sequence[Choice]) -> bool:
    """Whether every choice is open in every state: no condition, requirement, once or fallback."""
    return all(c.condition is None and c.requirement is None and not c.once and not c.fallback for c in choices)


def explore(
    story: Story,
    max_states: int = DEFAULT_MAX_STATES,
    seed: int = 1,
    budget: Callable[[str], StopReason] | None = None,
    *,
    check_every: int = CHECK_EVERY,
    sample_games: int = SAMPLE_PLAYS,
) -> Report:
    """Search every reachable state; compute reachability verdicts, paths and ending shares.

    `budget(phase)` gives the stop test for a phase ("search", "sampling"): the
    caller owns the clock and the memory gauge. Whatever stops the search, the
    report holds what was found, and nothing unseen is called unreachable.
    """
    # Millions of small tuples and no cycles among them: the cyclic collector
    # would rescan the growing heap over and over, doubling the run time.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _explore(story, Plan(max_states, seed, budget or (lambda phase: never), check_every, sample_games))
    finally:
        if was_enabled:
            gc.enable()


def _explore(story: Story, plan: Plan) -> Report:
    max_states, budget, check_every = plan.max_states, plan.budget, plan.check_every
    report = Report(limit=max_states)
    stop_reason = budget("search")  # the proofs before the search count against its budget
    settled = _proven_before_search(story, stop_reason)
    live = liveness(story, settled)  # what a settled assumption reads need not keep states apart
    # One (key function, key -> node) table per scene, so a key need not name its scene.
    atoms = without_unseen(story, live.at_choice)
    # A queued state keeps only the visit counts something downstream of its scene reads.
    keep = {sid: frozenset(a[1] for a in atoms.get(sid, ()) if a[0] in ("seen", "visits")) for sid in story.scenes}
    projector = projector_factory(story)
    tables: dict[str, tuple[KeyFunction, dict[Any, int]]] = {
        sid: (projector(atoms.get(sid, frozenset())), {}) for sid in story.scenes
    }
    report.verdicts = Verdicts.unknown(story.scenes, (c.key for c in story.all_choices()), story.endings)
    watch = AssumptionWatch.for_story(story, settled)  # None unless the story has `assumes:`
    hook = watch.entered(0, 0, "") if watch else None
    try:
        starts = beginnings(story, hook)  # every scene entered counted
    except GameError as exc:
        report.errors.append(str(exc))
        return report
    parents: list[int] = [-1]  # the node each node was first reached from ...
    via: list[str] = [""]  # ... and by which choice
    depth: list[int] = [0]
    edges: list[list[int]] = []  # children by node; ending k is stored as -(k + 1)
    odds: dict[int, list[Fraction]] = {}  # each child's probability, for nodes where chance decides
    ending_ids = list(story.endings)
    ending_code = {e: -(i + 1) for i, e in enumerate(ending_ids)}
    ending_depths: list[int] = []
    stuck_nodes: set[int] = set()
    reached_scenes: set[str] = set()
    counted = scenes_counted(story)
    taken_choices = report.taken_choices
    first_taken: dict[str, tuple[int, str]] = {}  # choice -> (node it was taken from, itself)
    first_entered: dict[str, tuple[int, str]] = {}
    ending_paths = report.ending_paths
    keyed_by_stack = story.uses_calls

    # A queued state is its node, scene, values, visits, once-only choices taken and call
    # stack, without history or journal: paths come from `parents`.
    queue: deque[tuple[int, str, tuple, Mapping[str, int], frozenset[str], tuple[str, ...]]] = deque()
    # Node 0 is the start; when chance shapes the start, it is a choice-less node
    # whose children are the ways the start turned out.
    edges.append([])
    if len(starts) > 1:
        odds[0] = []
    for chance, first in starts:
        for sid in first[2]:
            if sid not in reached_scenes:
                reached_scenes.add(sid)
                first_entered[sid] = (0, "")
        if len(starts) > 1:
            odds[0].append(chance)
        if first[6] is not None:
            ending_paths.setdefault(first[6], [])
            edges[0].append(ending_code[first[6]])
            continue
        key_of, table = tables[first[0]]
        key = key_of(first[1], first[2], first[3])
        if keyed_by_stack:
            key = (key, first[7])
        if len(starts) == 1:
            node = 0
        elif key in table:
            edges[0].append(table[key])
            continue
        else:  # a node of its own, reached from the choice-less start node
            node = len(edges)
            edges.append([])
            edges[0].append(node)
            parents.append(0)
            via.append("")
            depth.append(0)
        table[key] = node
        queue.append((node, first[0], first[1], _counted(first[2], keep[first[0]]), first[3], first[7]))
    chancy = story.uses_chance
    # The bound method, not the instance: a call through the type's __call__ slot costs more, a million times.
    stepper = ExploreStep(story, check_of=watch.check_of if watch is not None else None) if applies(story) else None
    fast_step = stepper.__call__ if stepper is not None else None
    # A choice stepped like one before it from the same node gets that one's child (see `twins`).
    twin_of, twin_passes = twins(story, stepper, counted) if stepper is not None else ({}, {})
    steps = watch.steps if watch is not None else frozenset()  # choices whose step can show an assumption
    # Scenes whose choices are all open in any state: no test to run per state.
    always_open = {sid: list(s.choices) for sid, s in story.scenes.items() if s.choices and _unconditional(s.choices)}
    open_choices = choice_openers(story)
    choice_points = watch.choice_points if watch is not None else frozenset()  # scenes whose choices assume
    # A step counts visits to the scenes play reads and to those no game has reached
    # yet (to learn when one is): visit records are copied only when those change.
    watching = set(counted) | (story.scenes.keys() - reached_scenes)
    try:
        while queue:
            node, scene, values, visits, taken, stack = queue.popleft()
            if scene in choice_points:
                watch.at_choice_point(node, depth[node], scene, values, visits, taken)  # type: ignore[union-attr]
            choices = always_open.get(scene) or open_choices[scene](values, visits, taken)
            if not choices:
                stuck_nodes.add(node)
                if len(report.dead_ends) < 20:
                    report.dead_ends.append((scene, path_to(parents, via, node)))
                continue
            children = edges[node]
            known = len(visits)
            next_depth = depth[node] + 1
            if chancy:
                odds[node] = []
            made: dict[str, int] | None = None  # each twin group's child from this node
            for choice in choices:
                choice_key = choice.key
                if choice_key not in taken_choices:
                    taken_choices.add(choice_key)
                    first_taken[choice_key] = (node, choice_key)
                twin = twin_of.get(choice_key)
                if twin is not None:
                    if made is None:
                        made = {}
                    elif twin in made and (
                        choice_key not in twin_passes or reached_scenes.issuperset(twin_passes[choice_key])
                    ):
                        children.append(made[twin])
                        continue
                try:
                    if fast_step is not None:
                        where = (next_depth, node, choice_key) if choice_key in steps else None
                        results: Sequence[StateParts] = (fast_step(choice, values, visits, taken, watching, where),)
                    else:
                        hook = (
                            watch.entered(node, next_depth, choice.key)
                            if watch is not None and choice.key in steps
                            else None
                        )
                        if chancy:
                            weighted = outcomes(story, choice, values, visits, taken, watching, hook, stack)
                            results = [parts for _, parts in weighted]
                            odds[node].extend(chance / len(choices) for chance, _ in weighted)
                        else:
                            results = (step(story, choice, values, visits, taken, (), (), watching, hook, stack),)
                except GameError as exc:
                    report.errors.append(f"after {choice.key}: {exc}")
                    continue
                for parts in results:
                    next_scene, next_values, next_visits, next_taken, _, _, ending, next_stack = parts
                    if len(next_visits) != known:
                        # Visits only gain keys, appended in the order scenes were entered:
                        # the scenes new on this edge are the last ones.
                        for sid in islice(reversed(next_visits), len(next_visits) - known):  # type: ignore[arg-type]  # a dict
                            if sid not in reached_scenes:
                                reached_scenes.add(sid)
                                first_entered[sid] = (node, choice.key)
                                if sid not in counted:
                                    watching.discard(sid)  # reached: watched no more, unless play reads its count
                    if ending is not None:
                        children.append(ending_code[ending])
                        if twin is not None:
                            made[twin] = ending_code[ending]  # type: ignore[index]  # made is a dict with a twin
                        if ending not in ending_paths:
                            ending_paths[ending] = [*path_to(parents, via, node), choice.key]
                        ending_depths.append(next_depth)
                        continue
                    key_of, table = tables[next_scene]
                    key = key_of(next_values, next_visits, next_taken)
                    if keyed_by_stack:
                        key = (key, next_stack)
                    child = table.get(key)
                    if child is not None:
                        children.append(child)
                        if twin is not None:
                            made[twin] = child  # type: ignore[index]
                        continue
                    child = len(edges)
                    table[key] = child
                    if next_visits:
                        next_visits = _counted(next_visits, keep[next_scene])
                    edges.append([])
                    children.append(child)
                    if twin is not None:
                        made[twin] = child  # type: ignore[index]
                    parents.append(node)
                    via.append(choice_key)
                    depth.append(next_depth)
                    if child >= max_states:
                        raise _Stop(f"state limit of {max_states:,}")
                    if child % check_every == 0 and (reason := stop_reason()):
                        raise _Stop(reason)
                    queue.append((child, next_scene, next_values, next_visits, next_taken, next_stack))
    except _Stop as stop:
        report.complete, report.stopped_by = False, stop.reason
        queue.clear()
    except MemoryError:
        # Free the frontier and the dedup tables first, so the report can still be built.
        queue.clear()
        tables.clear()
        report.complete, report.stopped_by = False, "memory (MemoryError)"
    report.states = len(edges)
    if watch is not None:
        report.assumptions = watch.verdicts(lambda n: path_to(parents, via, n), report.complete)
    report.reached_scenes = reached_scenes
    _settle(story, report, parents, via, depth, first_entered, first_taken)
    del tables
    if ending_depths:
        report.longest, report.shortest = max(ending_depths), min(ending_depths)
    if report.complete:
        exact_or_sampled_shares(story, report, edges, ending_ids, stuck_nodes, plan, odds)
    else:
        del edges, parents, via, depth, queue
        _random_witnesses(story, report, plan)
        _beyond_search(story, report, plan)
    report.unreached_scenes = report.verdicts.with_status("scenes", UNREACHABLE)
    report.unreached_endings = report.verdicts.with_status("endings", UNREACHABLE)
    report.never_open = report.verdicts.with_status("choices", UNREACHABLE)
    return report


def _proven_before_search(story: Story, stop_reason: StopReason) -> dict[int, str]:
    """The assumptions proven without the search (see `assumeproofs`), with how: none if the story has none."""
    if not any(True for _ in story.assumptions()):
        return {}
    return prove_before_search(story, stop_reason)


class _Stop(Exception):
    """A budget ended the search; `reason` says which."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _settle(
    story: Story,
    report: Report,
    parents: list[int],
    via: list[str],
    depth: list[int],
    first_entered: dict[str, tuple[int, str]],
    first_taken: dict[str, tuple[int, str]],
) -> None:
    """Verdicts from the search: what it reached is reachable; the rest is unreachable only if it was complete."""
    verdicts = report.verdicts

    def witness(found: dict[str, tuple[int, str]]) -> dict[str, Sequence[str]]:
        return {
            item: Trail(parents, via, node, key, depth[node] + 1) if key else () for item, (node, key) in found.items()
        }

    verdicts.settle_reachable("scenes", EXHAUSTIVE, witness(first_entered))
    verdicts.settle_reachable("choices", EXHAUSTIVE, witness(first_taken))
    verdicts.settle_reachable("endings", EXHAUSTIVE, report.ending_paths)
    if report.complete:
        for kind in ("scenes", "choices", "endings"):
            verdicts.settle_unreachable(kind, EXHAUSTIVE, verdicts.with_status(kind, UNKNOWN))


def _beyond_search(story: Story, report: Report, plan: Plan) -> None:
    """What a stopped search left unknown: proven unreachable by abstract interpretation (forwards, then backwards
    from each goal), or found by directed search, by a targeted search per goal (which may also prove), or by
    guided search."""
    verdicts = report.verdicts
    if not any(verdicts.with_status(kind, UNKNOWN) for kind in KINDS):
        return
    analysis = forward_bounds(story, plan.budget("abstract"))
    if analysis is None:
        return
    proof = analysis.result()
    for kind, items in (("scenes", proof.scenes), ("choices", proof.choices), ("endings", proof.endings)):
        verdicts.settle_unreachable(kind, ABSTRACT, items)
    unknown = [verdicts.with_status(kind, UNKNOWN) for kind in KINDS]
    if not any(unknown):
        return
    found = find_witnesses(story, *unknown, seed=plan.seed, should_stop=plan.budget("directed"))
    _settle_found(report, DIRECTED, found)
    unknown = [verdicts.with_status(kind, UNKNOWN) for kind in KINDS]
    if not any(unknown):
        return
    goals = Goals(story, analysis, *unknown)
    goals.prove(plan.budget("backward"))
    goals.search(plan.budget("targeted"))
    settled = goals.finish()
    del goals, analysis  # the bounds: guided search does without them
    _settle_found(report, TARGETED, settled.found)
    for kind in KINDS:
        verdicts.settle_unreachable(kind, BACKWARD, settled.backward[kind])
        verdicts.settle_unreachable(kind, TARGETED, settled.searched[kind])
    unknown = [verdicts.with_status(kind, UNKNOWN) for kind in KINDS]
    if not any(unknown):
        return
    _settle_found(report, GUIDED, guided_witnesses(story, *unknown, seed=plan.seed, should_stop=plan.budget("guided")))


def _settle_found(report: Report, method: str, found: Witnesses) -> None:
    for kind, witnesses in (("scenes", found.scenes), ("choices", found.choices), ("endings", found.endings)):
        report.verdicts.settle_reachable(kind, method, witnesses)
    for ending, path in found.endings.items():
        report.ending_paths.setdefault(ending, list(path))


def _random_witnesses(story: Story, report: Report, plan: Plan) -> None:
    """After a stopped search, seeded random play may still show items reachable (never unreachable)."""
    seed = plan.seed
    found = sample(story, plan.sample_games, seed, plan.budget("sampling"))
    for kind, witnesses in (("scenes", found.scenes), ("choices", found.choices), ("endings", found.endings)):
        report.verdicts.settle_reachable(kind, RANDOM_PLAY, witnesses)
    for ending, v in report.verdicts.items["endings"].items():
        if v.status == REACHABLE and ending not in report.ending_paths and v.path is not None:
            report.ending_paths[ending] = list(v.path)
    shares_from_sample(story, report, found, seed, "exploration incomplete")
