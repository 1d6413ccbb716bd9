"""Each ending's share under uniformly random play: exact on an acyclic state graph, else sampled (budgeted)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from fractions import Fraction
from itertools import chain

from .findings import Plan, Report
from .model import Story
from .random_play import Sample, sample

SAMPLE_PLAYS = 20_000


def exact_or_sampled_shares(
    story: Story,
    report: Report,
    edges: list[list[int]],
    ending_ids: list[str],
    stuck: set[int],
    plan: Plan,
    odds: Mapping[int, Sequence[Fraction]] | None = None,
) -> None:
    """Each ending's probability under uniformly random play: exact on an acyclic graph.

    Probabilities flow from the start in topological order (Kahn's algorithm);
    if some node is never freed, the graph has a cycle and shares are sampled.
    A node's children are equally likely unless `odds` gives theirs (chance).
    """
    odds = odds or {}
    if not edges:
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
    pop, push = ready.pop, ready.append
    while ready:
        node = pop()
        done += 1
        children = edges[node]
        if not children:
            if node in stuck:
                stuck_total += prob[node]
            continue
        further = longest[node] + 1
        weights = odds.get(node) if odds else None
        if weights is None:  # the common case, kept to the fewest steps an edge
            share = prob[node] / len(children)
            for child in children:
                if child < 0:
                    totals[-child - 1] += share
                    if further > longest_game:
                        longest_game = further
                    continue
                prob[child] += share
                if further > longest[child]:
                    longest[child] = further
                left = indegree[child] - 1
                indegree[child] = left
                if not left:
                    push(child)
            continue
        p = prob[node]
        for child, weight in zip(children, weights, strict=True):
            share = p * float(weight)
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
                push(child)
    if done != len(edges):
        report.loops, report.longest = True, 0
        _sample_shares(story, report, plan)
        return
    report.longest = longest_game
    report.shares = {e: totals[i] for i, e in enumerate(ending_ids)}
    report.stuck_share = stuck_total
    report.share_method = "exact (the state graph has no cycles)"


def _sample_shares(story: Story, report: Report, plan: Plan) -> None:
    """Shares by random play, when the state graph has cycles."""
    found = sample(story, plan.sample_games, plan.seed, plan.budget("sampling"))
    shares_from_sample(story, report, found, plan.seed, "the state graph has cycles")


def shares_from_sample(story: Story, report: Report, found: Sample, seed: int, why: str) -> None:
    """Budgeted sampled shares, honest about games that never ended and about an early stop."""
    record_sample(report, found, seed)
    if not found.games:
        report.share_method = f"not computed (no random game finished before the {found.stopped})"
        return
    report.shares = {e: found.ended.get(e, 0) / found.games for e in story.endings}
    report.stuck_share = found.stuck / found.games
    capped = f", {found.capped:,} hit the step cap without an ending" if found.capped else ""
    stopped = f", stopped early by the {found.stopped}" if found.stopped else ""
    report.share_method = (
        f"sampled: {found.games:,} random playthroughs, {report.sample_ended:,} ended{capped}{stopped},"
        f" seed {seed} ({why})"
    )


def record_sample(report: Report, found: Sample, seed: int) -> None:
    report.sample_games, report.sample_seed = found.games, seed
    report.sample_ended = sum(found.ended.values())
