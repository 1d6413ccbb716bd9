"""Three verdicts for every scene, choice and ending: reachable, unreachable or unknown.

A verdict names the method that settled it and its evidence (a witness path
for reachable). Methods only ever settle items still unknown, so adding one
(abstract interpretation, directed search) is one small call on the record:
`settle_reachable` with witness paths, or `settle_unreachable` with proofs.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

REACHABLE, UNREACHABLE, UNKNOWN = "reachable", "unreachable", "unknown"
EXHAUSTIVE = "exhaustive search"
RANDOM_PLAY = "random play"
ABSTRACT = "abstract interpretation"
DIRECTED = "directed search"
GUIDED = "guided search"
KINDS = ("scenes", "choices", "endings")


@dataclass(frozen=True)
class Verdict:
    """One item's status, the method that settled it, and a witness path when reachable."""

    status: str
    method: str = ""
    path: tuple[str, ...] | None = None

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
            old, new = table[item], tuple(path)
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
