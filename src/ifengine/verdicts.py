"""Three verdicts for every scene, choice and ending: reachable, unreachable or unknown.

A verdict names the method that settled it and its evidence (a witness path
for reachable). Methods only ever settle items still unknown, so adding one
(abstract interpretation, directed search) is one small call on the record:
`settle_reachable` with witness paths, or `settle_unreachable` with proofs.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, overload

REACHABLE, UNREACHABLE, UNKNOWN = "reachable", "unreachable", "unknown"
EXHAUSTIVE = "exhaustive search"
RANDOM_PLAY = "random play"
ABSTRACT = "abstract interpretation"
DIRECTED = "directed search"
GUIDED = "guided search"
BACKWARD = "backward analysis"  # proof: no state the start can be in leads there
TARGETED = "targeted search"  # every way within the backward bound tried: a witness, or proof there is none
KINDS = ("scenes", "choices", "endings")


def path_to(parents: list[int], keys: list[str], node: int) -> list[str]:
    """The choice keys from the search's root to `node`, by its parent links."""
    path = []
    while node > 0:
        if keys[node]:  # empty when the node is one of several ways the start turned out
            path.append(keys[node])
        node = parents[node]
    return path[::-1]


class Trail(Sequence[str]):
    """A witness path kept as a link into the search tree and spelled out only when read.

    Every reached scene and choice has one; spelled out at once they would cost
    the path's length each, which grows with the story (a 10,000-scene chain:
    tens of millions of keys), while most reports read only a few of them.
    """

    __slots__ = ("_keys", "_last", "_length", "_node", "_parents", "_via")

    def __init__(self, parents: list[int], via: list[str], node: int, last: str, length: int) -> None:
        self._parents, self._via, self._node, self._last, self._length = parents, via, node, last, length
        self._keys: tuple[str, ...] | None = None

    def _spelled(self) -> tuple[str, ...]:
        if self._keys is None:
            self._keys = (*path_to(self._parents, self._via, self._node), self._last)
        return self._keys

    def __len__(self) -> int:
        return self._length

    @overload
    def __getitem__(self, index: int) -> str: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[str]: ...
    def __getitem__(self, index: int | slice) -> str | Sequence[str]:
        return self._spelled()[index]

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sequence) and tuple(self) == tuple(other)

    def __hash__(self) -> int:
        return hash(self._spelled())

    def __repr__(self) -> str:
        return f"Trail({list(self._spelled())!r})"


@dataclass(frozen=True)
class Verdict:
    """One item's status, the method that settled it, and a witness path when reachable."""

    status: str
    method: str = ""
    path: Sequence[str] | None = None  # a tuple, or a search's Trail, spelled out when read

    def to_data(self) -> dict[str, Any]:
        return {
            "verdict": self.status,
            "method": self.method or None,
            "witness": None if self.path is None else list(self.path),
        }


UNSETTLED = Verdict(UNKNOWN)


@dataclass
class Verdicts:
    """Verdicts by kind ("scenes", "choices", "endings") and item id."""

    items: dict[str, dict[str, Verdict]] = field(default_factory=dict)

    @classmethod
    def unknown(cls, scenes: Iterable[str], choices: Iterable[str], endings: Iterable[str]) -> Verdicts:
        ids = dict(zip(KINDS, (scenes, choices, endings), strict=True))
        return cls({kind: dict.fromkeys(ids[kind], UNSETTLED) for kind in KINDS})

    def settle_reachable(self, kind: str, method: str, witnesses: Mapping[str, Iterable[str]]) -> None:
        """Items a method reached, each with the choice keys that lead there; a shorter witness replaces a longer one."""
        table = self.items[kind]
        for item, path in witnesses.items():
            if item not in table:
                continue
            old, new = table[item], path if isinstance(path, Trail) else tuple(path)
            if old.status == UNKNOWN or (old.status == REACHABLE and old.path is not None and len(new) < len(old.path)):
                table[item] = Verdict(REACHABLE, old.method if old.status == REACHABLE else method, new)

    def settle_unreachable(self, kind: str, method: str, items: Iterable[str]) -> None:
        """Items a sound method proves unreachable; never overrides a reachable verdict."""
        table = self.items[kind]
        for item in items:
            if table.get(item) == UNSETTLED:
                table[item] = Verdict(UNREACHABLE, method)

    def with_status(self, kind: str, status: str) -> list[str]:
        return [item for item, v in self.items[kind].items() if v.status == status]

    def counts(self, kind: str) -> dict[str, int]:
        return {s: len(self.with_status(kind, s)) for s in (REACHABLE, UNREACHABLE, UNKNOWN)}

    def methods(self) -> dict[str, int]:
        """How many items each method settled."""
        tally: dict[str, int] = {}
        for table in self.items.values():
            for v in table.values():
                if v.status != UNKNOWN:
                    tally[v.method] = tally.get(v.method, 0) + 1
        return tally

    def to_data(self) -> dict[str, Any]:
        return {kind: {item: v.to_data() for item, v in table.items()} for kind, table in self.items.items()}
