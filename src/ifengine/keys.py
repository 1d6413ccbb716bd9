"""The explorer's merge keys: the part of a state that the rest of the story can still read, as small ints.

`liveness` says which atoms of state matter at each scene; `projector` turns
them into a key function. Each value the key reads goes through a table to a
small int (a set through its live members, a number through the outcomes of
its comparisons), so a key is a short tuple of ints: cheap to hash, to compare
and to keep half a million of. The codes tell apart exactly the states the
atoms tell apart, so the states merged are the same as with the values
themselves.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Hashable, Mapping
from typing import Any

from .expr import Atom
from .model import Story

KeyFunction = Callable[[tuple, Mapping[str, int], frozenset[str]], Any]

COMPARE = {
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}

MAX_BUCKETED = 4096  # a number with a wider range is coded by its tests' outcomes as values come
WRITTEN_OUT = 12  # columns whose lookups `_coded` writes out; a longer key joins two parts


class Codes(dict[Any, int]):
    """A table from each value met to a small int, one int per distinct `part(value)`.

    Values are added as they are met (`__missing__`), so a set costs one
    intersection the first time a value is seen and a dict lookup after that.
    """

    def __init__(self, part: Callable[[Any], Hashable]) -> None:
        super().__init__()
        self.part = part
        self.interned: dict[Hashable, int] = {}

    def __missing__(self, value: Any) -> int:
        part = self.part(value)
        code = self.interned.setdefault(part, len(self.interned))
        self[value] = code
        return code


def _identity(value: Any) -> Any:
    return value


class _Tables:
    """One code table per (variable, what is read of it), shared by every scene that reads the same."""

    def __init__(self, story: Story) -> None:
        self.variables = {v.index: v for v in story.variables.values()}
        self.made: dict[Hashable, dict[Any, int]] = {}

    def get(self, what: Hashable, make: Callable[[], dict[Any, int]]) -> dict[Any, int]:
        table = self.made.get(what)
        if table is None:
            table = self.made[what] = make()
        return table

    def whole(self, index: int) -> dict[Any, int]:
        return self.get(("whole", index), lambda: Codes(_identity))

    def members(self, index: int, live: frozenset[str]) -> dict[Any, int]:
        return self.get(("members", index, live), lambda: Codes(live.__and__))

    def compared(self, index: int, tests: tuple[tuple[str, int], ...]) -> dict[Any, int]:
        """Each value of the number to the outcomes of its comparisons, coded; precomputed over a narrow range."""
        checks = [(COMPARE[op], c) for op, c in tests]

        def outcomes(value: int) -> tuple[bool, ...]:
            return tuple(test(value, c) for test, c in checks)

        def make() -> dict[Any, int]:
            codes = Codes(outcomes)
            var = self.variables[index]
            if var.maximum - var.minimum < MAX_BUCKETED:
                for value in range(var.minimum, var.maximum + 1):
                    codes[value]  # fills the table
            return codes

        return self.get(("compared", index, tests), make)


def projector_factory(story: Story) -> Callable[[frozenset[Atom]], KeyFunction]:
    """`projector` for each scene of one story, sharing code tables between scenes."""
    tables = _Tables(story)
    return lambda atoms: projector(story, atoms, tables)


def projector(story: Story, atoms: frozenset[Atom], tables: _Tables | None = None) -> KeyFunction:
    """A function giving the part of a state that the atoms name, as a tuple of small ints: the dedup key.

    The explorer calls it once for every step, so the values' codes come from
    one C-level `map` over the tables.
    """
    tables = tables or _Tables(story)
    variables = story.variables
    read = [a for a in atoms if a[1] in variables]
    wholes = {variables[a[1]].index for a in read if a[0] == "var"}
    members: dict[int, set[str]] = {}
    compared: dict[int, set[tuple[str, int]]] = {}
    for a in read:
        index = variables[a[1]].index
        if index in wholes:
            continue
        if a[0] == "member":
            members.setdefault(index, set()).add(a[2])
        elif a[0] == "cmp":
            compared.setdefault(index, set()).add((a[2], a[3]))  # type: ignore[arg-type]  # the constant is an int
    columns: list[tuple[int, dict[Any, int]]] = []
    for index, live in members.items():
        if live.issuperset(tables.variables[index].members):
            wholes.add(index)  # every member matters: the value itself is the key
        else:
            columns.append((index, tables.members(index, frozenset(live))))
    columns += [(index, tables.compared(index, tuple(sorted(tests)))) for index, tests in compared.items()]
    seen = tuple(sorted(a[1] for a in atoms if a[0] == "seen"))
    counts = tuple(sorted(a[1] for a in atoms if a[0] == "visits"))
    once = frozenset(a[1] for a in atoms if a[0] == "once")
    columns += [(index, tables.whole(index)) for index in wholes]
    columns.sort(key=lambda column: column[0])
    return _key_function(_coded(columns) if columns else None, seen, counts, once)


Codes_ = Callable[[tuple], tuple]


def _coded(columns: list[tuple[int, dict[Any, int]]]) -> Codes_:
    """The values' codes as a tuple: each column's table looked up at its index, written out up to twelve columns.

    A lookup written `table[values[i]]` costs a third of one through `map` and
    `dict.__getitem__`, and the explorer computes a key for every step.
    """
    if len(columns) > WRITTEN_OUT:
        first, rest = _coded(columns[:WRITTEN_OUT]), _coded(columns[WRITTEN_OUT:])
        return lambda v: first(v) + rest(v)
    padding: list[tuple[int, dict[Any, int]]] = [(0, {})] * (WRITTEN_OUT - len(columns))  # never read
    [(i0, c0), (i1, c1), (i2, c2), (i3, c3), (i4, c4), (i5, c5), (i6, c6), (i7, c7), (i8, c8), (i9, c9), (i10, c10),
     (i11, c11)] = [*columns, *padding]  # fmt: skip
    return [
        lambda v: (c0[v[i0]],),
        lambda v: (c0[v[i0]], c1[v[i1]]),
        lambda v: (c0[v[i0]], c1[v[i1]], c2[v[i2]]),
        lambda v: (c0[v[i0]], c1[v[i1]], c2[v[i2]], c3[v[i3]]),
        lambda v: (c0[v[i0]], c1[v[i1]], c2[v[i2]], c3[v[i3]], c4[v[i4]]),
        lambda v: (c0[v[i0]], c1[v[i1]], c2[v[i2]], c3[v[i3]], c4[v[i4]], c5[v[i5]]),
        lambda v: (c0[v[i0]], c1[v[i1]], c2[v[i2]], c3[v[i3]], c4[v[i4]], c5[v[i5]], c6[v[i6]]),
        lambda v: (c0[v[i0]], c1[v[i1]], c2[v[i2]], c3[v[i3]], c4[v[i4]], c5[v[i5]], c6[v[i6]], c7[v[i7]]),
        lambda v: (
            c0[v[i0]], c1[v[i1]], c2[v[i2]], c3[v[i3]], c4[v[i4]], c5[v[i5]], c6[v[i6]], c7[v[i7]], c8[v[i8]],
        ),
        lambda v: (
            c0[v[i0]], c1[v[i1]], c2[v[i2]], c3[v[i3]], c4[v[i4]], c5[v[i5]], c6[v[i6]], c7[v[i7]], c8[v[i8]],
            c9[v[i9]],
        ),
        lambda v: (
            c0[v[i0]], c1[v[i1]], c2[v[i2]], c3[v[i3]], c4[v[i4]], c5[v[i5]], c6[v[i6]], c7[v[i7]], c8[v[i8]],
            c9[v[i9]], c10[v[i10]],
        ),
        lambda v: (
            c0[v[i0]], c1[v[i1]], c2[v[i2]], c3[v[i3]], c4[v[i4]], c5[v[i5]], c6[v[i6]], c7[v[i7]], c8[v[i8]],
            c9[v[i9]], c10[v[i10]], c11[v[i11]],
        ),
    ][len(columns) - 1]  # fmt: skip


def _key_function(
    coded: Codes_ | None,
    seen: tuple[str, ...],
    counts: tuple[str, ...],
    once: frozenset[str],
) -> KeyFunction:
    """The key: the values' codes, then (where any is read) the visits and once-only choices it needs.

    Each table has one key function, so every key in it has the same parts:
    the common shapes get a closure of their own, with no test per call of
    which parts there are.
    """
    taken_codes = Codes(once.__and__)
    if coded is not None and not counts and len(seen) <= 1:
        if not seen and not once:
            return lambda values, visits, taken: coded(values)
        if not once:
            scene = seen[0]
            return lambda values, visits, taken: (coded(values), scene in visits)
        if not seen:
            return lambda values, visits, taken: (coded(values), taken_codes[taken])
        scene = seen[0]
        return lambda values, visits, taken: (coded(values), scene in visits, taken_codes[taken])
    zeros = (0,) * len(counts)
    n_seen, first_seen = len(seen), seen[0] if seen else ""

    def key(values: tuple, visits: Mapping[str, int], taken: frozenset[str]) -> Any:
        return (
            coded(values) if coded is not None else None,
            (first_seen in visits if n_seen == 1 else tuple(map(visits.__contains__, seen))) if n_seen else None,
            tuple(map(visits.get, counts, zeros)) if counts else None,
            taken_codes[taken] if once else None,
        )

    return key
