"""The game state: one immutable, serialisable value, separate from the story.

Everything that changes during play lives here and nowhere else. `to_data` and
`from_data` convert to and from plain JSON-able data; `from_data` checks every
field against the story, so a save written for another version of the story is
either fitted to it (with a list of what changed) or refused with the reason.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .model import Story, Value, Variable


@dataclass(frozen=True, slots=True)
class GameState:
    """Where the player is and everything the story remembers.

    `values` is indexed by Variable.index; `visits` counts scene entries;
    `taken` holds the keys of once-only choices already used; `history` the
    keys of every choice taken, in order; `found` each set member gained, in
    order, with the scene or choice that gave it (for the journal).
    """

    scene: str
    values: tuple[Value, ...]
    visits: Mapping[str, int] = field(default_factory=dict)
    taken: frozenset[str] = frozenset()
    history: tuple[str, ...] = ()
    found: tuple[tuple[str, str, str], ...] = ()
    ending: str | None = None

    def value(self, story: Story, name: str) -> Value:
        return self.values[story.variables[name].index]


class StateError(Exception):
    """State data that does not fit the story; the message says exactly why."""


def _value_to_data(var: Variable, value: Value) -> Any:
    if var.type == "set":
        return sorted(value)  # type: ignore[arg-type]
    return value


def to_data(story: Story, state: GameState) -> dict[str, Any]:
    return {
        "scene": state.scene,
        "values": {name: _value_to_data(var, state.values[var.index]) for name, var in story.variables.items()},
        "visits": dict(sorted(state.visits.items())),
        "taken": sorted(state.taken),
        "history": list(state.history),
        "found": [list(item) for item in state.found],
        "ending": state.ending,
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
    kept_visits = {k: v for k, v in visits.items() if k in story.scenes}
    if len(kept_visits) != len(visits):
        notes.append("visits to scenes no longer in the story were dropped")
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
    state = GameState(
        scene=scene,
        values=tuple(values),
        visits=kept_visits,
        taken=frozenset(k for k in taken if story.choice(k) is not None),
        history=tuple(history),
        found=tuple((a, b, c) for a, b, c in found if a in story.variables and b in story.variables[a].members),
        ending=ending,
    )
    return state, notes
