"""The game state: one immutable, serialisable value, separate from the story.

Everything that changes during play lives here and nowhere else. `to_data` and
`from_data` convert to and from plain JSON-able data; `from_data` checks every
field against the story, so a save written for another version of the story is
either fitted to it (with a list of what changed) or refused with the reason.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar, overload

from .chance import MAX_SEED
from .model import MAX_CALL_DEPTH, Story, Value, Variable

T = TypeVar("T")


class Trail(Sequence[T]):
    """An immutable sequence that grows at the end in O(1), sharing everything before.

    Each state of a game holds the whole history of choices; as a tuple, every
    choice would copy it, so a choice would cost as much as the game so far and
    undo would hold one full copy per step. A trail is a linked list from the
    newest item back: `trail + (item,)` makes one new link and shares the rest.
    It compares equal to a tuple with the same items, as the tuple it replaces did.
    """

    __slots__ = ("_before", "_last", "_len")

    def __init__(self, items: Iterable[T] = ()) -> None:
        tip = EMPTY.extend(items)
        self._before: Trail[T] | None = tip._before
        self._last: Any = tip._last
        self._len: int = tip._len

    def _link(self, item: T) -> Trail[T]:
        new: Trail[T] = object.__new__(Trail)
        new._before, new._last, new._len = self, item, self._len + 1
        return new

    def extend(self, items: Iterable[T]) -> Trail[T]:
        """This trail with `items` after it (this one is unchanged)."""
        tip = self
        for item in items:
            tip = tip._link(item)
        return tip

    def since(self, earlier: Sequence[T]) -> list[T] | None:
        """The items after `earlier`, if this trail continues it (shares its links); else None."""
        if not isinstance(earlier, Trail) or earlier._len > self._len:
            return None
        items = []
        node: Trail[T] = self
        while node._len > earlier._len:
            items.append(node._last)
            node = node._before  # type: ignore[assignment]
        if node is not earlier and earlier._len:
            return None
        items.reverse()
        return items

    def __add__(self, items: Iterable[T]) -> Trail[T]:
        # `history + (key,)` reads the same for a trail and a tuple, so the runtime
        # serves the explorer's plain tuples and play's trails with one line.
        return self.extend(items)

    def __len__(self) -> int:
        return self._len

    def __iter__(self) -> Iterator[T]:
        return iter(self._newest_first()[::-1])

    def __reversed__(self) -> Iterator[T]:
        return iter(self._newest_first())

    def _newest_first(self) -> list[T]:
        items = []
        node: Trail[T] | None = self
        while node is not None and node._len:
            items.append(node._last)
            node = node._before
        return items

    @overload
    def __getitem__(self, index: int) -> T: ...
    @overload
    def __getitem__(self, index: slice) -> tuple[T, ...]: ...
    def __getitem__(self, index: int | slice) -> T | tuple[T, ...]:
        if isinstance(index, slice):
            return tuple(self)[index]
        if index < 0:
            index += self._len
        if not 0 <= index < self._len:
            raise IndexError("trail index out of range")
        node = self
        for _ in range(self._len - 1 - index):
            assert node._before is not None
            node = node._before
        return node._last

    def __eq__(self, other: object) -> bool:
        if isinstance(other, tuple):
            return self._len == len(other) and tuple(self) == other
        if not isinstance(other, Trail):
            return NotImplemented
        if self._len != other._len:
            return False
        a: Trail[T] | None = self
        b: Trail[T] | None = other
        while a is not b:  # shared links end the comparison early
            assert a is not None and b is not None
            if a._last != b._last:
                return False
            a, b = a._before, b._before
        return True

    def __hash__(self) -> int:
        return hash(tuple(self))

    def __repr__(self) -> str:
        return f"Trail({tuple(self)!r})"


EMPTY: Trail[Any] = object.__new__(Trail)
EMPTY._before, EMPTY._last, EMPTY._len = None, None, 0


@dataclass(frozen=True, slots=True)
class GameState:
    """Where the player is and everything the story remembers.

    `values` is indexed by Variable.index; `visits` counts entries to the scenes
    whose count the story reads (`counted_scenes`); `taken` holds the keys of
    once-only choices already used; `history` the keys of every choice taken, in
    order; `found` each set member gained, in order, with the scene or choice
    that gave it (for the journal). `history` and `found` are trails, shared
    with the states before, so a state costs the same late in a game as early.
    `stack` holds where play goes on as called scenes return, innermost last;
    `seed` decides every chance of this game (see `chance`).
    """

    scene: str
    values: tuple[Value, ...]
    visits: Mapping[str, int] = field(default_factory=dict)
    taken: frozenset[str] = frozenset()
    history: Sequence[str] = EMPTY
    found: Sequence[tuple[str, str, str]] = EMPTY
    ending: str | None = None
    stack: tuple[str, ...] = ()
    seed: int = 0

    def value(self, story: Story, name: str) -> Value:
        return self.values[story.variables[name].index]


_COUNTED: dict[int, tuple[Story, frozenset[str]]] = {}


def counted_scenes(story: Story) -> frozenset[str]:
    """Scenes whose visit count something in the story reads (`seen`, `visits`, varying prose).

    Only these counts can change what play shows or allows, so a state keeps
    only these: counting every scene entered would make each choice copy a
    record as long as the game. Cached per story object (the cache holds the
    story, so an id is never reused while its entry lives).
    """
    if story.summary is not None:
        return story.summary.counted
    cached = _COUNTED.get(id(story))
    if cached is not None and cached[0] is story:
        return cached[1]
    counted = frozenset(a[1] for part in story.compiled() for a in part.reads if a[0] in ("seen", "visits"))
    counted |= {scene.id for scene in story.scenes.values() if scene.varies}
    if len(_COUNTED) >= 8:  # live reload makes a new story at each edit
        _COUNTED.clear()
    _COUNTED[id(story)] = (story, counted)
    return counted


class StateError(Exception):
    """State data that does not fit the story; the message says exactly why."""


def _value_to_data(var: Variable, value: Value) -> Any:
    if var.type == "set":
        return sorted(value)  # type: ignore[arg-type]
    return value


def to_data(story: Story, state: GameState, *, with_history: bool = True) -> dict[str, Any]:
    """Plain data for a save; without the history (the long part) when only the rest is refitted."""
    return {
        "scene": state.scene,
        "values": {name: _value_to_data(var, state.values[var.index]) for name, var in story.variables.items()},
        "visits": dict(sorted(state.visits.items())),
        "taken": sorted(state.taken),
        "history": list(state.history) if with_history else [],
        "found": [list(item) for item in state.found],
        "ending": state.ending,
        "stack": list(state.stack),
        "seed": state.seed,
    }


def _value_from_data(var: Variable, raw: Any) -> Value:
    where = f"variable '{var.name}'"
    if var.type == "int":
        if not isinstance(raw, int) or isinstance(raw, bool):
            raise StateError(f"{where} should be a whole number, not {_shown(repr(raw))}")
        if not var.minimum <= raw <= var.maximum:
            raise StateError(f"{where} is {raw}, outside {var.minimum}..{var.maximum}")
        return raw
    if var.type == "flag":
        if not isinstance(raw, bool):
            raise StateError(f"{where} should be true or false, not {_shown(repr(raw))}")
        return raw
    if var.type == "set":
        if not isinstance(raw, list) or not all(isinstance(m, str) for m in raw):
            raise StateError(f"{where} should be a list of members")
        unknown = [m for m in raw if m not in var.members]
        if unknown:
            raise StateError(f"{where} holds '{_shown(unknown[0])}', which the story no longer declares")
        return frozenset(raw)
    if not isinstance(raw, str):
        raise StateError(f"{where} should be text, not {_shown(repr(raw))}")
    if var.type == "enum" and raw not in var.values:
        raise StateError(f"{where} is '{_shown(raw)}', which is no longer one of its values")
    return raw


def _shown(name: str) -> str:
    """A name from a save made safe to print in one line: cut short, unprintable characters escaped."""
    cut = name[:60]
    return (cut if cut.isprintable() else repr(cut)[1:-1]) + ("..." if len(name) > 60 else "")


def _dropped_note(names: list[str]) -> str:
    """One note for every variable the story no longer has, however many there are."""
    if len(names) == 1:
        return f"variable '{_shown(names[0])}' is no longer in the story and was dropped"
    listed = ", ".join(_shown(name) for name in names[:3])
    more = f" and {len(names) - 3:,} more" if len(names) > 3 else ""
    return f"{len(names):,} variables no longer in the story were dropped: {listed}{more}"


def _check_ending(story: Story, scene: str, ending: Any) -> None:
    """A saved ending must be the one the saved scene ends the story with."""
    if not isinstance(ending, str):
        raise StateError("ending should be the id of one of the story's endings")
    if ending not in story.endings:
        if ending in story.scenes:
            raise StateError(f"ending '{_shown(ending)}' names a scene, not one of the story's endings")
        raise StateError(f"ending '{_shown(ending)}' is not in the story any more")
    if story.scenes[scene].ending != ending:
        raise StateError(f"ending '{_shown(ending)}' is not where scene '{scene}' leads; the save is inconsistent")


def from_data(story: Story, data: Any) -> tuple[GameState, list[str]]:
    """Rebuild a state for `story`; returns it with notes on what was adapted."""
    if not isinstance(data, dict):
        raise StateError("state should be a mapping")
    notes: list[str] = []
    scene = data.get("scene")
    if not isinstance(scene, str) or scene not in story.scenes:
        raise StateError(f"scene '{_shown(str(scene))}' is not in the story any more")
    raw_values = data.get("values")
    if not isinstance(raw_values, dict):
        raise StateError("values should be a mapping of variable names")
    values: list[Value] = []
    for name, var in story.variables.items():
        if name in raw_values:
            values.append(_value_from_data(var, raw_values[name]))
        else:
            values.append(var.default)
            notes.append(f"new variable '{name}' starts at its default")
    dropped = [name for name in raw_values if name not in story.variables]
    if dropped:
        notes.append(_dropped_note(dropped))
    visits = data.get("visits", {})
    if not isinstance(visits, dict) or not all(
        isinstance(k, str) and isinstance(v, int) and not isinstance(v, bool) and v >= 0 for k, v in visits.items()
    ):
        raise StateError("visits should map scene ids to counts")
    if not all(k in story.scenes for k in visits):
        notes.append("visits to scenes no longer in the story were dropped")
    counted = counted_scenes(story)
    kept_visits = {k: v for k, v in visits.items() if k in counted}
    taken = data.get("taken", [])
    history = data.get("history", [])
    found = data.get("found", [])
    for label, seq in (("taken", taken), ("history", history)):
        if not isinstance(seq, list) or not all(isinstance(k, str) for k in seq):
            raise StateError(f"{label} should be a list of choice ids")
    if not isinstance(found, list) or not all(
        isinstance(f, list) and len(f) == 3 and all(isinstance(x, str) for x in f) for f in found
    ):
        raise StateError("found should be a list of [variable, member, source] entries")
    ending = data.get("ending")
    if ending is not None:
        _check_ending(story, scene, ending)
    stack = _stack_from_data(story, data.get("stack", []))
    seed = data.get("seed", 0)
    if not isinstance(seed, int) or isinstance(seed, bool) or not 0 <= seed <= MAX_SEED:
        raise StateError(f"seed should be a whole number from 0 to {MAX_SEED}")
    state = GameState(
        scene=scene,
        values=tuple(values),
        visits=kept_visits,
        taken=frozenset(k for k in taken if story.choice(k) is not None),
        history=Trail(history),
        found=Trail((a, b, c) for a, b, c in found if a in story.variables and b in story.variables[a].members),
        ending=ending,
        stack=stack,
        seed=seed,
    )
    return state, notes


def _stack_from_data(story: Story, stack: Any) -> tuple[str, ...]:
    """The saved call stack: scene ids to go on to, no deeper than play allows."""
    if not isinstance(stack, list) or not all(isinstance(k, str) for k in stack):
        raise StateError("stack should be a list of scene ids")
    if len(stack) > MAX_CALL_DEPTH:
        raise StateError(f"stack is {len(stack):,} calls deep; play allows {MAX_CALL_DEPTH}")
    for scene in stack:
        if scene not in story.scenes:
            raise StateError(f"the call stack returns to scene '{_shown(scene)}', which is not in the story any more")
    return tuple(stack)
