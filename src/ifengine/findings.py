"""The explorer's report and plan: plain values, so the search, shares and text report share them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .assumptions import Verdict
from .budget import StopReason
from .verdicts import UNKNOWN, Verdicts


@dataclass
class Report:
    """Everything exploration found; `to_data` gives the JSON form."""

    states: int = 0
    complete: bool = True
    limit: int = 0
    ending_paths: dict[str, list[str]] = field(default_factory=dict)
    unreached_endings: list[str] = field(default_factory=list)
    reached_scenes: set[str] = field(default_factory=set)
    unreached_scenes: list[str] = field(default_factory=list)
    taken_choices: set[str] = field(default_factory=set)
    never_open: list[str] = field(default_factory=list)
    dead_ends: list[tuple[str, list[str]]] = field(default_factory=list)
    shares: dict[str, float] = field(default_factory=dict)
    stuck_share: float = 0.0
    share_method: str = ""
    errors: list[str] = field(default_factory=list)
    longest: int = 0  # 0 when `loops`: there is then no longest playthrough
    shortest: int = 0
    loops: bool = False  # some choice leads back to a state already passed, so a game can go on without end
    stopped_by: str | None = None  # the budget that ended the search early ("state limit", "time budget ...")
    verdicts: Verdicts = field(default_factory=Verdicts)
    sample_games: int = 0  # random games played for shares or witnesses (0: none)
    sample_ended: int = 0  # of those, how many reached an ending
    sample_seed: int = 0
    assumptions: list[Verdict] = field(default_factory=list)  # one per `assumes:`, in story order

    def unknown(self, kind: str) -> list[str]:
        return self.verdicts.with_status(kind, UNKNOWN) if self.verdicts.items else []

    @property
    def broken(self) -> list[Verdict]:
        """The `assumes:` invariants some reachable state breaks."""
        return [v for v in self.assumptions if v.verdict == "broken"]

    @property
    def ok(self) -> bool:
        """Every scene, choice and ending is proven reachable, every assumption proven, and play raised no error."""
        return (
            not self.proven_failure
            and not any(self.unknown(kind) for kind in ("scenes", "choices", "endings"))
            and all(v.verdict == "proven" for v in self.assumptions)
        )

    @property
    def proven_failure(self) -> bool:
        """Something is proven unreachable, an assumption is broken, or play raised an error."""
        return bool(self.unreached_endings or self.unreached_scenes or self.never_open or self.errors or self.broken)

    def to_data(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "complete": self.complete,
            "states": self.states,
            "limit": self.limit,
            "endings": {
                e: {
                    "reachable": e in self.ending_paths,
                    "verdict": self.verdicts.items["endings"][e].status if self.verdicts.items else None,
                    "shortest": self.ending_paths.get(e),
                    "share": self.shares.get(e, 0.0),
                }
                for e in sorted(set(self.ending_paths) | set(self.unreached_endings) | set(self.unknown("endings")))
            },
            "share_method": self.share_method,
            "stuck_share": self.stuck_share,
            "unreached_scenes": self.unreached_scenes,
            "never_open_choices": self.never_open,
            "dead_ends": [{"scene": s, "path": p} for s, p in self.dead_ends],
            "errors": self.errors,
            "shortest_playthrough": self.shortest,
            "longest_playthrough": None if self.loops else self.longest,
            "loops": self.loops,
            "stopped_by": self.stopped_by,
            "assumptions": [v.to_data() for v in self.assumptions],
            "unknown_scenes": self.unknown("scenes"),
            "unknown_choices": self.unknown("choices"),
            "unknown_endings": self.unknown("endings"),
            "sampling": {"games": self.sample_games, "ended": self.sample_ended, "seed": self.sample_seed}
            if self.sample_games
            else None,
            "verdicts": self.verdicts.to_data(),
            "methods": self.verdicts.methods(),
        }


@dataclass(frozen=True)
class Plan:
    """How far to search and how much random play to allow."""

    max_states: int
    seed: int
    budget: Callable[[str], StopReason]
    check_every: int
    sample_games: int
