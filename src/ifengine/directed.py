"""Finding a way to what the search did not reach: random play that leans towards it.

When the exhaustive search stops early, some scenes, choices and endings have
no verdict. Directed search plays seeded games that, at each choice, prefer
the choices whose next scenes lie closest (in the scene graph) to something
still unknown, and take an unknown choice whenever one is open. Every item a
game reaches is reachable, with the game's path as the witness; an item it
never reaches stays unknown (this search proves nothing unreachable).
"""

from __future__ import annotations

import random
from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from .budget import StopReason
from .model import Choice, Story
from .runtime import GameError, begin, choices_open, step

MAX_GAMES = 5_000
STALE_GAMES = 500  # games in a row that find nothing new: leave the rest to guided search
MAX_STEPS = 2_000  # in one game
MAX_TOTAL_STEPS = 1_000_000
CHECK_EVERY = 256
# How often a game takes a choice that leads closest to something unknown, drawn
# per game: a game that always leans gets through long corridors of losing
# doors (0.8 per door survives 50 doors once in a thousand games), and games
# that lean less still wander to what the scene graph's distances mislead about.
LEANS = (1.0, 0.95, 0.8, 0.5)


@dataclass
class Witnesses:
    """Paths (choice keys from the start) to each item found, by kind."""

    scenes: dict[str, tuple[str, ...]] = field(default_factory=dict)
    choices: dict[str, tuple[str, ...]] = field(default_factory=dict)
    endings: dict[str, tuple[str, ...]] = field(default_factory=dict)


def find_witnesses(
    story: Story,
    scenes: Iterable[str],
    choices: Iterable[str],
    endings: Iterable[str],
    *,
    seed: int,
    should_stop: StopReason,
) -> Witnesses:
    """Play leaning games until every wanted item is found or a budget runs out."""
    search = _Search(story, set(scenes), set(choices), set(endings), random.Random(seed))
    steps = 0
    stale = 0
    for _ in range(MAX_GAMES):
        if not search.wanted() or stale >= STALE_GAMES:
            break
        before = search.found_count()
        steps = search.play(steps, should_stop)
        if steps < 0:
            break
        stale = stale + 1 if search.found_count() == before else 0
    return search.found


class _Search:
    def __init__(self, story: Story, scenes: set[str], choices: set[str], endings: set[str], rng: random.Random):
        self.story, self.rng = story, rng
        self.want_scenes, self.want_choices, self.want_endings = scenes, choices, endings
        self.found = Witnesses()
        self.preds: dict[str, set[str]] = {sid: set() for sid in story.scenes}
        for scene in story.scenes.values():
            for target in scene.targets:
                if target in self.preds:
                    self.preds[target].add(scene.id)
        self.distance = self.distances()
        self.lean = LEANS[0]

    def found_count(self) -> int:
        return len(self.found.scenes) + len(self.found.choices) + len(self.found.endings)

    def wanted(self) -> bool:
        return bool(self.want_scenes or self.want_choices or self.want_endings)

    def goals(self) -> set[str]:
        story = self.story
        goals = set(self.want_scenes)
        goals |= {key.rpartition(":")[0] for key in self.want_choices}
        goals |= {s.id for s in story.scenes.values() if s.ending in self.want_endings}
        return {g for g in goals if g in story.scenes}

    def distances(self) -> dict[str, int]:
        """Hops in the scene graph from each scene to the nearest scene holding something wanted."""
        distance = dict.fromkeys(self.goals(), 0)
        todo = deque(distance)
        while todo:
            sid = todo.popleft()
            for p in self.preds[sid]:
                if p not in distance:
                    distance[p] = distance[sid] + 1
                    todo.append(p)
        return distance

    def pick(self, scene_id: str, open_: list[Choice]) -> Choice:
        wanted = [c for c in open_ if c.key in self.want_choices]
        if wanted:
            return self.rng.choice(wanted)
        if self.rng.random() < self.lean:
            scene = self.story.scenes[scene_id]
            far = len(self.story.scenes) + 1

            def closeness(c: Choice) -> int:
                return min((self.distance.get(t, far) for t in scene.next_of(c)), default=far)

            best = min(closeness(c) for c in open_)
            return self.rng.choice([c for c in open_ if closeness(c) == best])
        return self.rng.choice(open_)

    def note(self, visits: Sequence[str], path: list[str]) -> None:
        changed = False
        for sid in visits:
            if sid in self.want_scenes:
                self.want_scenes.discard(sid)
                self.found.scenes[sid] = tuple(path)
                changed = True
        if changed:
            self.distance = self.distances()

    def play(self, steps: int, should_stop: StopReason) -> int:
        """One game; returns the steps so far, or -1 when a budget ended the search."""
        rng = self.rng
        self.lean = rng.choice(LEANS)

        def draw(weights: Sequence[int]) -> int:
            return rng.choices(range(len(weights)), weights)[0]

        try:
            parts = begin(self.story, None, draw)
        except GameError:
            return -1
        path: list[str] = []
        self.note(list(parts[2]), path)
        for _ in range(MAX_STEPS):
            scene, values, visits, taken, _, _, ending, stack = parts
            if ending is not None:
                if ending in self.want_endings:
                    self.want_endings.discard(ending)
                    self.found.endings[ending] = tuple(path)
                    self.distance = self.distances()
                break
            open_ = choices_open(self.story, scene, values, visits, taken)
            if not open_:
                break
            choice = self.pick(scene, open_)
            known = len(visits)
            try:
                parts = step(self.story, choice, values, visits, taken, (), (), None, None, stack, draw)
            except GameError:
                break
            path.append(choice.key)
            if choice.key in self.want_choices:
                self.want_choices.discard(choice.key)
                self.found.choices[choice.key] = tuple(path)
                self.distance = self.distances()
            self.note(list(parts[2])[known:], path)
            steps += 1
            if steps % CHECK_EVERY == 0 and (should_stop() or steps >= MAX_TOTAL_STEPS):
                return -1
        return steps
