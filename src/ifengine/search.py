"""The explorer's exhaustive search: every game state at a choice point, breadth first, merged where it can be.

A node is a state at a choice point; its edges are the choices taken from it
(an ending is stored as -(k + 1)). States the rest of the story cannot tell
apart (`liveness`, `keys`) share a node, and each node keeps only the first
way it was reached (`parents`, `via`), from which every witness path is read.
Choices that step alike share one step (`explorestep.twins`); where no chance,
call or scene-local value plays a part, `explorestep` steps in place of the
runtime. `explorer` runs the search and turns what it found into a report.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping, Sequence
from fractions import Fraction
from itertools import islice
from typing import Any

from .assumptions import AssumptionWatch
from .budget import StopReason
from .explorestep import ExploreStep, applies, choice_openers, twins
from .findings import Report
from .keys import KeyFunction, projector_factory
from .liveness import liveness, scenes_counted, without_unseen
from .model import Choice, Story
from .runtime import GameError, StateParts, outcomes, step
from .verdicts import path_to

# A queued state: its node, scene, values, visits, once-only choices taken and call stack (no history or journal:
# paths come from `parents`).
Queued = tuple[int, str, tuple, Mapping[str, int], frozenset[str], tuple[str, ...]]

_NO_VISITS: dict[str, int] = {}  # shared by every state that needs no count (runtime copies before writing)


class Stop(Exception):
    """A budget ended the search; `reason` says which."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Search:
    """One search over one story's states; `report` collects what it finds as it goes.

    `settled` are the assumptions proven before it (`assumeproofs`): what they
    read need not keep states apart, and they are not checked.
    """

    def __init__(self, story: Story, report: Report, settled: Mapping[int, str]) -> None:
        self.story, self.report = story, report
        live = liveness(story, settled)
        # One (key function, key -> node) table per scene, so a key need not name its scene.
        atoms = without_unseen(story, live.at_choice)
        # A queued state keeps only the visit counts something downstream of its scene reads.
        self.keep = {
            sid: frozenset(a[1] for a in atoms.get(sid, ()) if a[0] in ("seen", "visits")) for sid in story.scenes
        }
        projector = projector_factory(story)
        self.tables: dict[str, tuple[KeyFunction, dict[Any, int]]] = {
            sid: (projector(atoms.get(sid, frozenset())), {}) for sid in story.scenes
        }
        self.watch = AssumptionWatch.for_story(story, settled)  # None unless the story has `assumes:`
        self.parents: list[int] = [-1]  # the node each node was first reached from ...
        self.via: list[str] = [""]  # ... and by which choice
        self.depth: list[int] = [0]
        self.edges: list[list[int]] = []  # children by node; ending k is stored as -(k + 1)
        self.odds: dict[int, list[Fraction]] = {}  # each child's probability, for nodes where chance decides
        self.ending_ids = list(story.endings)
        self.ending_code = {e: -(i + 1) for i, e in enumerate(self.ending_ids)}
        self.ending_depths: list[int] = []
        self.stuck_nodes: set[int] = set()
        self.reached_scenes: set[str] = set()
        self.counted = scenes_counted(story)
        self.first_taken: dict[str, tuple[int, str]] = {}  # choice -> (node it was taken from, itself)
        self.first_entered: dict[str, tuple[int, str]] = {}
        self.queue: deque[Queued] = deque()

    def begin(self, starts: list[tuple[Fraction, StateParts]]) -> None:
        """Node 0 is the start; when chance shapes the start, it is a choice-less node whose children are the ways
        the start turned out."""
        edges, odds, reached, first_entered = self.edges, self.odds, self.reached_scenes, self.first_entered
        edges.append([])
        if len(starts) > 1:
            odds[0] = []
        for chance, first in starts:
            for sid in first[2]:
                if sid not in reached:
                    reached.add(sid)
                    first_entered[sid] = (0, "")
            if len(starts) > 1:
                odds[0].append(chance)
            if first[6] is not None:
                self.report.ending_paths.setdefault(first[6], [])
                edges[0].append(self.ending_code[first[6]])
                continue
            key_of, table = self.tables[first[0]]
            key = key_of(first[1], first[2], first[3])
            if self.story.uses_calls:
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
                self.parents.append(0)
                self.via.append("")
                self.depth.append(0)
            table[key] = node
            self.queue.append((node, first[0], first[1], _counted(first[2], self.keep[first[0]]), first[3], first[7]))

    def run(self, max_states: int, check_every: int, stop_reason: StopReason) -> None:
        """Take every open choice from every queued state; raises `Stop` when a budget ends it.

        The loop runs about a million times on the bundled story: everything
        it reads is a local name.
        """
        story, report, watch = self.story, self.report, self.watch
        queue, tables, keep, counted = self.queue, self.tables, self.keep, self.counted
        parents, via, depth, edges, odds = self.parents, self.via, self.depth, self.edges, self.odds
        ending_code, ending_depths, ending_paths = self.ending_code, self.ending_depths, report.ending_paths
        stuck_nodes, reached_scenes, taken_choices = self.stuck_nodes, self.reached_scenes, report.taken_choices
        first_taken, first_entered = self.first_taken, self.first_entered
        keyed_by_stack, chancy = story.uses_calls, story.uses_chance
        stepper = ExploreStep(story, check_of=watch.check_of if watch is not None else None) if applies(story) else None
        # The bound method, not the instance: a call through the type's __call__ slot costs more, a million times.
        fast_step = stepper.__call__ if stepper is not None else None
        # A choice stepped like one before it from the same node gets that one's child (see `twins`).
        twin_of, twin_passes = twins(story, stepper, counted) if stepper is not None else ({}, {})
        steps = watch.steps if watch is not None else frozenset()  # choices whose step can show an assumption
        # Scenes whose choices are all open in any state: no test to run per state.
        always_open = {
            sid: list(s.choices) for sid, s in story.scenes.items() if s.choices and _unconditional(s.choices)
        }
        open_choices = choice_openers(story)
        choice_points = watch.choice_points if watch is not None else frozenset()  # scenes whose choices assume
        # A step counts visits to the scenes play reads and to those no game has reached
        # yet (to learn when one is): visit records are copied only when those change.
        watching = set(counted) | (story.scenes.keys() - reached_scenes)
        sid: str
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
                        raise Stop(f"state limit of {max_states:,}")
                    if child % check_every == 0 and (reason := stop_reason()):
                        raise Stop(reason)
                    queue.append((child, next_scene, next_values, next_visits, next_taken, next_stack))


def _counted(visits: Mapping[str, int], counted: frozenset[str]) -> dict[str, int]:
    """The visit counts that can still be read from here, in the order they were made."""
    kept = {scene: n for scene, n in visits.items() if scene in counted}
    return kept or _NO_VISITS


def _unconditional(choices: Sequence[Choice]) -> bool:
    """Whether every choice is open in every state: no condition, requirement, once or fallback."""
    return all(c.condition is None and c.requirement is None and not c.once and not c.fallback for c in choices)
