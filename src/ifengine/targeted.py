"""A search of every game state that can still reach one goal: witnesses where it is reachable, proof where not.

The backward pass (`backward`) bounds, at each scene, the states from which
the goal (a scene, or choices of one scene) can still be reached. This search
plays real steps from the start, depth first, and drops every state outside
its scene's bound and every step into a scene that cannot lead to the goal:
no way to the goal passes through a dropped state, so when the search ends
without a budget stopping it, it has tried every way there is. Goals it
reached are reachable, with the path; goals it did not reach are unreachable.
States are merged when nothing that can still decide whether the goal is
reached tells them apart (`goalliveness`, `keys`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from heapq import heappop, heappush

from .abstractvalues import TOP, State
from .budget import StopReason
from .keys import KeyFunction
from .model import Story, Variable
from .runtime import GameError, StateParts, beginnings, choices_open, outcomes

CHECK_EVERY = 256  # states between budget checks

Path = tuple | None  # (choice key, the path before it)
Fits = Callable[[tuple], bool]


@dataclass
class Outcome:
    """What one targeted search settled: items reached (with paths), and whether it tried every way."""

    scenes: dict[str, tuple[str, ...]] = field(default_factory=dict)
    choices: dict[str, tuple[str, ...]] = field(default_factory=dict)
    complete: bool = False
    states: int = 0  # states kept


def unwind(path: Path) -> tuple[str, ...]:
    keys = []
    while path is not None:
        keys.append(path[0])
        path = path[1]
    return tuple(reversed(keys))


def fits(variables: list[Variable], bound: State) -> Fits:
    """A test of concrete values against an abstract bound (its numbers, flags and set members)."""
    ranges: list[tuple[int, int, int]] = []
    choices: list[tuple[int, frozenset]] = []
    members: list[tuple[int, frozenset, frozenset]] = []
    for var, b in zip(variables, bound[:-1], strict=True):
        if b is TOP:
            continue
        if var.type == "int" and (b[0] > var.minimum or b[1] < var.maximum):
            ranges.append((var.index, b[0], b[1]))
        elif var.type == "set" and (b[0] or len(b[1]) < len(var.members)):
            members.append((var.index, b[0], b[1]))
        elif var.type in ("flag", "enum"):
            choices.append((var.index, b))

    def test(values: tuple) -> bool:
        return (
            all(lo <= values[i] <= hi for i, lo, hi in ranges)
            and all(values[i] in b for i, b in choices)
            and all(must <= values[i] <= may for i, must, may in members)
        )

    return test


def search(
    story: Story,
    goal: str,
    wanted: set[str],
    bounds: Mapping[str, Fits],
    counted: frozenset[str],
    keys: Callable[[str], KeyFunction],
    *,
    max_states: int,
    should_stop: StopReason,
    nearness: Callable[[tuple, Mapping[str, int]], int] | None = None,
) -> Outcome:
    """Every way to `goal` (entering it when `wanted` is empty, else taking the wanted choices there).

    `bounds`: scene -> test of the states at its choice point that can still reach the goal; a scene without one
    cannot. `counted`: the scenes whose visits play reads, and the goal. `keys`: each scene's merge key (`keys`
    module), which tells apart exactly the states whose futures differ. `nearness`: how far a state is from
    opening the wanted choices (`guarddistance`); the nearest states are tried first, the latest on a tie.
    """
    found = Outcome()
    wanted = set(wanted)
    seen: set[tuple] = set()
    todo: list[tuple[int, int, StateParts, Path]] = []  # a heap: (nearness, -order of arrival, state, path)

    def arrive(parts: StateParts, path: Path) -> None:
        visits = parts[2]
        if goal in visits and goal not in found.scenes:  # first seen on the step that entered it
            found.scenes[goal] = unwind(path)
        scene = parts[0]
        if parts[6] is not None or scene not in bounds or not bounds[scene](parts[1]):
            return
        key = (scene, keys(scene)(parts[1], visits, parts[3]), parts[7])
        if key not in seen:
            seen.add(key)
            heappush(todo, (nearness(parts[1], visits) if nearness else 0, -len(seen), parts, path))

    try:
        for _, parts in beginnings(story):
            if goal in parts[2] and goal not in found.scenes:
                found.scenes[goal] = ()
            kept = {sid: n for sid, n in parts[2].items() if sid in counted}  # the start counts every scene entered
            arrive((*parts[:2], kept, *parts[3:]), None)
    except GameError:
        return found
    steps = 0
    while todo:
        if (not wanted and goal in found.scenes) or (wanted and not wanted - found.choices.keys()):
            break  # every goal reached: what is left to try cannot change a verdict
        if len(seen) > max_states:
            found.states = len(seen)
            return found
        _, _, parts, path = heappop(todo)
        scene_id, values, visits, taken, _, _, _, stack = parts
        scene = story.scenes[scene_id]
        for choice in choices_open(story, scene_id, values, visits, taken):
            if choice.key in wanted and choice.key not in found.choices:
                found.choices[choice.key] = unwind((choice.key, path))
            if not any(t in bounds or t == goal for t in scene.next_of(choice)):
                continue
            try:
                results = outcomes(story, choice, values, visits, taken, counted, None, stack)
            except GameError:
                continue
            for _, child in results:
                arrive(child, (choice.key, path))
            steps += 1
            if steps % CHECK_EVERY == 0 and should_stop():
                found.states = len(seen)
                return found
    found.complete = True
    found.states = len(seen)
    return found
