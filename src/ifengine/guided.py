"""Beam search aimed at the condition that guards an unknown choice.

Directed search follows scene-graph distance only, so it rarely finds a choice
guarded by `n4 > 8`: a random walk seldom raises n4 that far. Here each run
aims at one wanted choice: it keeps the `width` game states (among those that
can still lead to the choice's scene) whose state is closest to making the
choice's conditions true (`guarddistance`), steps them all, and repeats. Every
item any state reaches is reachable, with that state's path as the witness; an
item never reached stays unknown (this search proves nothing unreachable).
"""

from __future__ import annotations

import random
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import islice

from .budget import StopReason
from .directed import Witnesses
from .guarddistance import Distance, fallback_distance, guard_distance
from .liveness import scenes_counted
from .model import Choice, Story
from .runtime import GameError, StateParts, begin, choices_open, step

WIDTHS = (24, 96, 384, 1536)  # states kept at each level: a round at each width, for what the last left
NARROW = 2  # the first rounds, which settle most of what guided search settles, for a small share of its time
MAX_LEVELS = 2_000  # steps in one game
MAX_TOTAL_STEPS = 10_000_000  # in all, whatever the time budget: a story with loops can keep beams going
CHECK_EVERY = 512  # steps between budget checks

Path = tuple | None  # (choice key, the path before it): shared tails, no copying


def _nearest(scores: list[Distance]) -> Distance:
    return lambda values, visits: min(score(values, visits) for score in scores)


def _unwind(path: Path) -> tuple[str, ...]:
    keys = []
    while path is not None:
        keys.append(path[0])
        path = path[1]
    return tuple(reversed(keys))


@dataclass
class _Wanted:
    scenes: set[str]
    choices: set[str]
    endings: set[str]


def guided_witnesses(
    story: Story,
    scenes: Iterable[str],
    choices: Iterable[str],
    endings: Iterable[str],
    *,
    seed: int,
    should_stop: StopReason,
    widths: tuple[int, ...] = WIDTHS,
) -> Witnesses:
    """Aim one beam at each wanted choice (and at the choices into wanted scenes and endings), nearest first.

    Narrow beams settle most items cheaply; each wider round aims only at what is left.
    """
    search = _Guided(story, _Wanted(set(scenes), set(choices), set(endings)), random.Random(seed), should_stop)
    for width in widths:
        for goals in search.targets():
            if search.stopped:
                return search.found
            if any(search.pending(c) for c in goals):
                search.beam(goals, width)
    return search.found


class _Guided:
    def __init__(self, story: Story, wanted: _Wanted, rng: random.Random, should_stop: StopReason) -> None:
        self.story, self.wanted, self.rng, self.should_stop = story, wanted, rng, should_stop
        self.found = Witnesses()
        # A step counts visits only to the scenes play reads and those still wanted:
        # copying a count for every scene passed would make long games slow.
        self.read_by_play = scenes_counted(story)
        self.counted = self.read_by_play | wanted.scenes
        self.steps = 0
        self.stopped = False
        self.preds: dict[str, set[str]] = {sid: set() for sid in story.scenes}
        for scene in story.scenes.values():
            for target in scene.targets:
                if target in self.preds:
                    self.preds[target].add(scene.id)

    def leads_to_wanted(self, choice: Choice) -> bool:
        scene = self.story.scenes[choice.scene]
        return any(
            t in self.wanted.scenes or self.story.scenes[t].ending in self.wanted.endings
            for t in scene.next_of(choice)
            if t in self.story.scenes
        )

    def pending(self, choice: Choice) -> bool:
        """Still worth taking: the choice is wanted, or leads to a scene or ending that is."""
        return choice.key in self.wanted.choices or self.leads_to_wanted(choice)

    def targets(self) -> list[list[Choice]]:
        """Wanted choices and the choices into wanted scenes, by scene, in order of the scene's depth from the start."""
        depth = {self.story.start: 0}
        todo = deque([self.story.start])
        while todo:
            sid = todo.popleft()
            for t in self.story.scenes[sid].targets:
                if t in self.story.scenes and t not in depth:
                    depth[t] = depth[sid] + 1
                    todo.append(t)
        picked = [
            c
            for c in self.story.all_choices()
            if (c.key in self.wanted.choices or self.leads_to_wanted(c)) and c.scene in depth
        ]
        by_scene: dict[str, list[Choice]] = {}
        for c in sorted(picked, key=lambda c: depth[c.scene]):
            by_scene.setdefault(c.scene, []).append(c)
        return list(by_scene.values())

    def leading_to(self, goal: str) -> set[str]:
        """The scenes from which some path of links leads to `goal`, and `goal` itself."""
        found = {goal}
        todo = [goal]
        while todo:
            for p in self.preds[todo.pop()]:
                if p not in found:
                    found.add(p)
                    todo.append(p)
        return found

    def note(self, parts: StateParts, known: int, taken: str, path: Path) -> None:
        """Record what one step reached."""
        wanted = self.wanted
        if taken in wanted.choices:
            wanted.choices.discard(taken)
            self.found.choices[taken] = _unwind(path)
        visits = parts[2]
        # Visits only gain keys, in the order scenes were entered: the new ones are last.
        for sid in islice(reversed(visits), len(visits) - known):  # type: ignore[arg-type, var-annotated]  # a dict
            if sid in wanted.scenes:
                wanted.scenes.discard(sid)
                self.counted = self.read_by_play | wanted.scenes
                self.found.scenes[sid] = _unwind(path)
        ending = parts[6]
        if ending is not None and ending in wanted.endings:
            wanted.endings.discard(ending)
            self.found.endings[ending] = _unwind(path)

    def beam(self, goals: list[Choice], width: int) -> None:
        """Step the states closest to taking any of the goals (choices of one scene) level by level, until
        each is taken or no state can reach their scene."""
        story, rng = self.story, self.rng
        home = goals[0].scene
        scores = [(goal, self.score(goal)) for goal in goals]
        goal_keys = frozenset(goal.key for goal in goals)
        ahead = self.leading_to(home)

        def draw(weights: Sequence[int]) -> int:
            return rng.choices(range(len(weights)), weights)[0]

        try:
            first = begin(story, None, draw)
        except GameError:
            return
        self.note(first, 0, "", None)
        level: list[tuple[StateParts, Path]] = [(first, None)]
        for _ in range(MAX_LEVELS):
            live = [score for goal, score in scores if self.pending(goal)]
            if not live or self.stopped:
                return
            distance = live[0] if len(live) == 1 else _nearest(live)
            children: dict[object, tuple[int, float, StateParts, Path]] = {}
            for parts, path in level:
                self.expand(parts, path, (ahead, goal_keys), distance, draw, children)
                if self.stopped:
                    return
            if not children:
                return
            best = sorted(children.values(), key=lambda c: (c[0], c[1]))[:width]
            level = [(parts, path) for _, _, parts, path in best]

    def score(self, goal: Choice) -> Distance:
        """How far a state is from opening the goal."""
        scene = self.story.scenes[goal.scene]
        if goal.fallback:
            return fallback_distance(self.story, scene)
        sources = tuple(c.source for c in (goal.condition, goal.requirement) if c is not None)
        return guard_distance(self.story, sources, scene.parent or scene.id)

    def expand(
        self,
        parts: StateParts,
        path: Path,
        towards: tuple[set[str], frozenset[str]],
        distance: Distance,
        draw: Callable[[Sequence[int]], int],
        children: dict[object, tuple[int, float, StateParts, Path]],
    ) -> None:
        """Step one state by each goal and each open choice that can still lead to the goals' scene; keep each
        new state once. `towards`: the scenes that can lead to the goals' scene, and the goals' keys."""
        story = self.story
        ahead, goal_keys = towards
        scene_id, values, visits, taken, _, _, ending, stack = parts
        if ending is not None:
            return
        scene = story.scenes[scene_id]
        for choice in choices_open(story, scene_id, values, visits, taken):
            if choice.key not in goal_keys and not any(t in ahead for t in scene.next_of(choice)):
                continue
            try:
                child = step(story, choice, values, visits, taken, (), (), self.counted, None, stack, draw)
            except GameError:
                continue
            child_path = (choice.key, path)
            self.note(child, len(visits), choice.key, child_path)
            self.steps += 1
            if self.steps % CHECK_EVERY == 0 and (self.should_stop() or self.steps >= MAX_TOTAL_STEPS):
                self.stopped = True
                return
            if child[0] in ahead and child[6] is None:
                # Seldom two states differ only in which scenes they passed: the number stands in for them.
                key = (child[0], child[1], len(child[2]), child[3])
                if key not in children:
                    children[key] = (distance(child[1], child[2]), self.rng.random(), child, child_path)
