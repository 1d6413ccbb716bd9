"""Exploration: play every possible game and give every scene, choice and ending a verdict.

The exhaustive search (`search`: a breadth-first search over game states at
choice points, merging states the rest of the story cannot tell apart) runs
first, after the proofs of `assumes:` that need no search (`assumeproofs`).
What it reaches is reachable, with the shortest path; when it finishes, the
rest is unreachable. Budgets (states, and a stop test passed in for time and
memory) may end it early: what it did not reach is then unknown, never
unreachable (see `verdicts`), and random play, the abstract analyses and the
searches aimed at what is still unknown take over (`_beyond_search`).
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Sequence

from .abstract import forward_bounds
from .assumeproofs import prove_before_search
from .budget import StopReason, never
from .directed import Witnesses, find_witnesses
from .findings import Plan, Report
from .goals import Goals
from .guided import NARROW, WIDTHS, guided_witnesses
from .liveness import liveness, scenes_counted
from .model import Story
from .random_play import random_playthrough, sample
from .runtime import GameError, beginnings
from .search import Search, Stop
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
    report = Report(limit=plan.max_states)
    settled = _proven_before_search(story, plan.budget("assumptions"))
    stop_reason = plan.budget("search")
    search = Search(story, report, settled)
    report.verdicts = Verdicts.unknown(story.scenes, (c.key for c in story.all_choices()), story.endings)
    watch = search.watch
    try:
        starts = beginnings(story, watch.entered(0, 0, "") if watch else None)  # every scene entered counted
    except GameError as exc:
        report.errors.append(str(exc))
        return report
    search.begin(starts)
    try:
        search.run(plan.max_states, plan.check_every, stop_reason)
    except Stop as stop:
        report.complete, report.stopped_by = False, stop.reason
        search.queue.clear()
    except MemoryError:
        # Free the frontier and the dedup tables first, so the report can still be built.
        search.queue.clear()
        search.tables.clear()
        report.complete, report.stopped_by = False, "memory (MemoryError)"
    parents, via = search.parents, search.via
    report.states = len(search.edges)
    if watch is not None:
        report.assumptions = watch.verdicts(lambda n: path_to(parents, via, n), report.complete)
    report.reached_scenes = search.reached_scenes
    _settle(story, report, parents, via, search.depth, search.first_entered, search.first_taken)
    search.tables.clear()
    if search.ending_depths:
        report.longest, report.shortest = max(search.ending_depths), min(search.ending_depths)
    if report.complete:
        exact_or_sampled_shares(story, report, search.edges, search.ending_ids, search.stuck_nodes, plan, search.odds)
    else:
        # The witness paths keep `parents` and `via`; the rest of the graph goes before the later phases.
        search.edges.clear()
        search.depth.clear()
        search.queue.clear()
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
    from each goal), or found by directed search or guided search, or settled by a targeted search per goal.

    Each method takes what the ones before it left, cheapest per item settled first: guided search's narrow
    beams before the targeted searches (which then look only for proofs and the witnesses the beams missed),
    its wide ones last, with the time left."""
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
    for kind in KINDS:
        verdicts.settle_unreachable(kind, BACKWARD, goals.settled.backward[kind])
    _guided(story, report, plan, WIDTHS[:NARROW])
    goals.known_reachable(verdicts.with_status("scenes", REACHABLE), verdicts.with_status("choices", REACHABLE))
    goals.search(plan.budget("targeted"))
    settled = goals.finish()
    del goals, analysis  # the bounds: guided search does without them
    _settle_found(report, TARGETED, settled.found)
    for kind in KINDS:
        verdicts.settle_unreachable(kind, BACKWARD, settled.backward[kind])
        verdicts.settle_unreachable(kind, TARGETED, settled.searched[kind])
    _guided(story, report, plan, WIDTHS[NARROW:])


def _guided(story: Story, report: Report, plan: Plan, widths: tuple[int, ...]) -> None:
    """Guided search's rounds at these beam widths, for what is still unknown."""
    unknown = [report.verdicts.with_status(kind, UNKNOWN) for kind in KINDS]
    if any(unknown):
        found = guided_witnesses(story, *unknown, seed=plan.seed, should_stop=plan.budget("guided"), widths=widths)
        _settle_found(report, GUIDED, found)


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
