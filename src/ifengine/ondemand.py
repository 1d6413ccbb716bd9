"""A story's scenes, each compiled the first time play looks it up.

Compiling every scene's prose and conditions is most of what loading a story
costs, and play needs one scene at a time. For a story the engine has already
loaded and checked clean, byte for byte (see `checked.py`), the loader hands
the story this mapping instead of a dict: looking up a scene compiles it, with
the scenes nested in it (their ids start with its id and "/"), and keeps them.
Iterating or taking the length compiles every scene, so any tool that reads
the whole story sees exactly what a full load would give, in the same order.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping

from .model import Scene

Build = Callable[[str], dict[str, Scene]]  # a top-level scene id -> that scene and the scenes nested in it


class ScenesOnDemand(Mapping[str, Scene]):
    """Read-only, like the dict it stands for; compiling on first use does not change what it holds."""

    def __init__(self, order: tuple[str, ...], build: Build) -> None:
        self._order = order  # the top-level scene ids, in file order
        self._tops = frozenset(order)
        self._build = build
        self._made: dict[str, Scene] = {}
        self._nested: dict[str, tuple[str, ...]] = {}  # top-level id -> ids of the scenes nested in it, built

    def compiled(self) -> int:
        """How many top-level scenes have been compiled so far (for tests and measurements)."""
        return len(self._nested)

    def _compile(self, top: str) -> None:
        if top in self._nested:
            return
        made = self._build(top)
        self._made.update(made)
        self._nested[top] = tuple(sid for sid in made if sid != top)

    def __getitem__(self, key: str) -> Scene:
        top = key.partition("/")[0] if isinstance(key, str) else None
        if top not in self._tops:
            raise KeyError(key)
        self._compile(top)
        return self._made[key]

    def __contains__(self, key: object) -> bool:
        if key in self._tops:  # a checked story has every top-level scene: no need to compile it to say so
            return True
        try:
            self[key]  # type: ignore[index]
        except KeyError:
            return False
        return True

    def __iter__(self) -> Iterator[str]:
        for top in self._order:
            self._compile(top)
        yield from (top for top in self._order if top in self._made)
        for top in self._order:
            yield from self._nested[top]

    def __len__(self) -> int:
        return sum(1 for _ in self)
