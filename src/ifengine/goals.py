"""Settling what is still unknown one goal at a time: a backward proof, else a search bounded by it.

A goal is a scene to enter, or the unknown choices of one scene. For each,
the backward pass (`backward`) bounds the states that can still reach it; if
the start is outside the bound, the goal is unreachable (`prove`). Otherwise
the targeted search (`targeted`) plays every way within the bound, up to a
number of states (`search`): it finds a witness, or tries every way and
proves the rest unreachable, or runs out and leaves it unknown. Searches run
in rounds, nearest the start first, each round with room for more states for
the goals the last one left; near its goal a search merges states by what can
still decide that goal alone (`goalliveness`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from .abstract import _Analysis
from .backward import Backward
from .budget import StopReason
from .directed import Witnesses
from .goalliveness import goal_liveness, near_goal
from .guarddistance import Distance, fallback_distance, guard_distance
from .keys import KeyFunction, projector_factory
from .liveness import liveness, scenes_counted, successors_first, without_unseen
from .model import Choice, Story
from .targeted import Fits, fits, search

# States one goal's targeted search may keep, round by round: each round tries again, with room for ten times
# as many states, the goals the last one left (most goals near the start are settled in the first).
GOAL_ROUNDS = (2_000, 20_000)
NEAR_GOAL = 150  # scenes nearest a goal whose keys keep only what decides it (further back: nearly everything)
ROUND_STATES = 400_000  # states all the searches of one round after the first may keep, together


def _anything(values: tuple) -> bool:
    return True


def _by_kind() -> dict[str, set[str]]:
    return {"scenes": set(), "choices": set(), "endings": set()}


@dataclass
class Settled:
    """Items reached (with paths) and items proven unreachable, by the backward pass or by the targeted search."""

    found: Witnesses = field(default_factory=Witnesses)
    backward: dict[str, set[str]] = field(default_factory=_by_kind)
    searched: dict[str, set[str]] = field(default_factory=_by_kind)


@dataclass
class _Goal:
    scene: str
    choices: list[Choice] | None  # None: entering the scene is the goal
    bounds: dict[str, Fits] = field(default_factory=dict)  # scene -> the states there that can still reach it

    def items(self) -> set[str]:
        return {self.scene} if self.choices is None else {c.key for c in self.choices}


class Goals:
    """The unknown items as goals, settled by `prove` (backward), then `search`; `settled` holds what each did."""

    def __init__(
        self, story: Story, forward: _Analysis, scenes: Iterable[str], choices: Iterable[str], endings: Iterable[str]
    ) -> None:
        self.story, self.forward = story, forward
        self.preds: dict[str, set[str]] = {sid: set() for sid in story.scenes}
        for scene in story.scenes.values():
            for target in scene.targets:
                if target in self.preds:
                    self.preds[target].add(scene.id)
        self.rank = {sid: i for i, sid in enumerate(successors_first(story))}
        self.counted = scenes_counted(story)
        self.atoms = without_unseen(story, liveness(story).at_choice)
        self.projector = projector_factory(story)
        self.key_functions: dict[str, KeyFunction] = {}
        self.near_goal = NEAR_GOAL
        self.known: set[str] = set()  # items reached by other methods
        self.settled = Settled()
        self.endings = {e: [s.id for s in story.scenes.values() if s.ending == e] for e in endings}
        wanted = set(scenes) | {s for ids in self.endings.values() for s in ids if s in forward.entry}
        by_scene: dict[str, list[Choice]] = {}
        keys = set(choices)
        for choice in story.all_choices():
            if choice.key in keys:
                by_scene.setdefault(choice.scene, []).append(choice)
        order = sorted(wanted | by_scene.keys(), key=lambda s: -self.rank.get(s, 0))  # nearest the start first
        # A scene's own goal comes before its choices': proven unreachable, it settles them too.
        self.goals = [_Goal(s, None) for s in order if s in wanted]
        self.goals += [_Goal(s, by_scene[s]) for s in order if s in by_scene]
        self.goals.sort(key=lambda g: (-self.rank.get(g.scene, 0), g.choices is not None))

    def prove(self, should_stop: StopReason) -> None:
        """The backward pass for each goal: a proof, or the bounds its search will keep to."""
        left = []
        for goal in self.goals:
            if self.proven_scene(goal):
                continue
            backward = Backward(self.forward, self.preds, self.rank)
            backward.thorough = goal.choices is None  # a scene's proof settles its choices too: worth the full pass
            if not backward.run_goal(goal.scene, goal.choices, should_stop):
                return
            if not backward.start_can_reach():
                self.settled.backward["scenes" if goal.choices is None else "choices"] |= goal.items()
                continue
            goal.bounds = {
                sid: _anything if state is None else fits(self.forward.vars, state)
                for sid, state in backward.bounds().items()
            }
            left.append(goal)
        self.goals = left

    def known_reachable(self, scenes: Iterable[str], choices: Iterable[str]) -> None:
        """Items another method has reached since: no search looks for them."""
        self.known.update(scenes, choices)

    def search(self, should_stop: StopReason, rounds: tuple[int, ...] = GOAL_ROUNDS) -> None:
        """The targeted search for each goal the backward pass left, in rounds of more states each (`GOAL_ROUNDS`)."""
        goals = self.goals
        for number, limit in enumerate(rounds):
            goals = self.search_round(goals, limit, None if number == 0 else ROUND_STATES, should_stop)

    def search_round(self, goals: list[_Goal], limit: int, total: int | None, should_stop: StopReason) -> list[_Goal]:
        """One targeted search per goal, nearest the start first, up to `limit` states each and `total` in all;
        the goals left unsettled."""
        settled = self.settled
        left = []
        for goal in goals:
            if self.proven_scene(goal) or should_stop():
                continue
            wanted = set() if goal.choices is None else goal.items() - settled.found.choices.keys() - self.known
            reached = goal.scene in settled.found.scenes or goal.scene in self.known
            if (goal.choices is None and reached) or (goal.choices is not None and not wanted):
                continue
            if total is not None and total <= 0:
                left.append(goal)
                continue
            outcome = search(
                self.story,
                goal.scene,
                wanted,
                goal.bounds,
                self.counted | {goal.scene},
                self.goal_keys(goal),
                max_states=limit if total is None else min(limit, total),
                should_stop=should_stop,
                nearness=self.nearness(goal),
            )
            if total is not None:
                total -= outcome.states
            for sid, path in outcome.scenes.items():
                settled.found.scenes.setdefault(sid, path)
            for key, path in outcome.choices.items():
                settled.found.choices.setdefault(key, path)
            sought = goal.items() if goal.choices is None else wanted
            missed = sought - outcome.scenes.keys() - outcome.choices.keys()
            if outcome.complete:
                settled.searched["scenes" if goal.choices is None else "choices"] |= missed
            elif missed:
                left.append(goal)
        return left

    def nearness(self, goal: _Goal) -> Distance | None:
        """How far a state is from opening the goal's nearest wanted choice (None for a scene: no guard to aim at)."""
        if goal.choices is None:
            return None
        scene = self.story.scenes[goal.scene]
        family = scene.parent or scene.id
        scores = [
            fallback_distance(self.story, scene)
            if c.fallback
            else guard_distance(self.story, tuple(x.source for x in (c.condition, c.requirement) if x), family)
            for c in goal.choices
        ]
        return scores[0] if len(scores) == 1 else lambda values, visits: min(s(values, visits) for s in scores)

    def goal_keys(self, goal: _Goal) -> Callable[[str], KeyFunction]:
        """Each scene's merge key for this goal's search: near the goal, only what can decide whether the goal is
        reached (`goalliveness`); further back, where that is nearly everything, the exhaustive search's key."""
        cone = frozenset(goal.bounds) | {goal.scene}  # the scenes from which some state can still reach it
        near = near_goal(self.story, goal.scene, cone, self.preds, self.near_goal)
        atoms = goal_liveness(self.story, goal.scene, goal.choices, near, self.preds)
        made: dict[str, KeyFunction] = {}

        def key_function(scene: str) -> KeyFunction:
            found = made.get(scene)
            if found is None:
                live = atoms.get(scene)
                found = made[scene] = self.key_function(scene) if live is None else self.projector(live)
            return found

        return key_function

    def key_function(self, scene: str) -> KeyFunction:
        """The scene's merge key, made when first needed: most scenes lie in no goal's bound."""
        found = self.key_functions.get(scene)
        if found is None:
            found = self.key_functions[scene] = self.projector(self.atoms.get(scene, frozenset()))
        return found

    def proven_scene(self, goal: _Goal) -> bool:
        """Whether the goal's scene is already proven unreachable (its choices then are too)."""
        for proofs in (self.settled.backward, self.settled.searched):
            if goal.scene in proofs["scenes"]:
                if goal.choices is not None:
                    proofs["choices"] |= goal.items()
                return True
        return False

    def finish(self) -> Settled:
        """What was settled, with each unknown ending reached or proven through its scenes."""
        settled = self.settled
        for ending, ids in self.endings.items():
            reached = [s for s in ids if s in settled.found.scenes]
            if reached:
                settled.found.endings[ending] = settled.found.scenes[reached[0]]
                continue
            proofs = [p for p in (settled.backward, settled.searched) for s in ids if s in p["scenes"]]
            if proofs and all(s not in self.forward.entry or any(s in p["scenes"] for p in proofs) for s in ids):
                proofs[0]["endings"].add(ending)
        return settled
