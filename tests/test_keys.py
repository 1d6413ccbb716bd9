"""The explorer's merge keys: states get the same key exactly when what the atoms name is the same."""

from __future__ import annotations

from pathlib import Path

import pytest

from ifengine.keys import WRITTEN_OUT, projector
from ifengine.loader import load_story
from ifengine.model import Story
from test_explore_bruteforce import MANIFEST

SCENES = "scenes:\n  s0:\n    choices:\n      - text: End\n        goto: end0\n  end0:\n    ending: e0\n"
NOTHING: frozenset[str] = frozenset()


@pytest.fixture
def story(tmp_path: Path) -> Story:
    """x: int 0..3, f: flag, s: set of a and b (values in that order)."""
    (tmp_path / "story.yaml").write_text(MANIFEST)
    (tmp_path / "scenes.yaml").write_text(SCENES)
    return load_story(str(tmp_path))


def test_states_differing_only_in_a_member_nothing_reads_share_a_key(story: Story) -> None:
    key = projector(story, frozenset({("member", "s", "a")}))
    assert key((0, False, frozenset({"a"})), {}, NOTHING) == key((0, False, frozenset({"a", "b"})), {}, NOTHING)


def test_states_differing_in_a_member_read_get_different_keys(story: Story) -> None:
    key = projector(story, frozenset({("member", "s", "a")}))
    assert key((0, False, frozenset({"a"})), {}, NOTHING) != key((0, False, frozenset({"b"})), {}, NOTHING)


def test_numbers_with_the_same_comparison_outcomes_share_a_key(story: Story) -> None:
    key = projector(story, frozenset({("cmp", "x", ">=", 2)}))
    assert key((2, False, NOTHING), {}, NOTHING) == key((3, False, NOTHING), {}, NOTHING)
    assert key((1, False, NOTHING), {}, NOTHING) != key((2, False, NOTHING), {}, NOTHING)


def test_a_whole_value_read_tells_every_value_apart(story: Story) -> None:
    key = projector(story, frozenset({("var", "x"), ("var", "s")}))
    states = [(x, False, s) for x in range(4) for s in (NOTHING, frozenset({"a"}), frozenset({"a", "b"}))]
    assert len({key(values, {}, NOTHING) for values in states}) == len(states)


def test_once_only_choices_and_visits_read_are_in_the_key(story: Story) -> None:
    key = projector(story, frozenset({("once", "s0:end"), ("seen", "s0")}))
    values = (0, False, NOTHING)
    assert key(values, {}, NOTHING) != key(values, {}, frozenset({"s0:end"}))
    assert key(values, {}, NOTHING) != key(values, {"s0": 1}, NOTHING)
    assert key(values, {}, NOTHING) == key(values, {}, frozenset({"s0:other"}))


def test_a_key_holds_small_ints_in_place_of_sets(story: Story) -> None:
    key = projector(story, frozenset({("member", "s", "a"), ("var", "f")}))
    assert key((0, True, frozenset({"a", "b"})), {}, NOTHING) == (0, 0)
    assert key((0, False, NOTHING), {}, NOTHING) == (1, 1)


@pytest.mark.parametrize(
    "extra",
    [{("seen", "s0")}, {("once", "s0:end")}, {("seen", "s0"), ("once", "s0:end")}],
    ids=["seen", "once", "seen-and-once"],
)
def test_a_key_reading_values_keeps_apart_the_visits_and_once_only_choices_it_reads(
    story: Story, extra: set[tuple[str, ...]]
) -> None:
    key = projector(story, frozenset({("var", "f"), *extra}))
    states = [
        ((0, flag, NOTHING), visits, taken)
        for flag in (False, True)
        for visits in ({}, {"s0": 1})
        for taken in (NOTHING, frozenset({"s0:end"}))
    ]
    reads_seen, reads_once = ("seen", "s0") in extra, ("once", "s0:end") in extra
    told_apart = {
        (values[1], reads_seen and bool(visits), reads_once and bool(taken)) for values, visits, taken in states
    }
    assert len({key(*state) for state in states}) == len(told_apart)


@pytest.mark.parametrize(
    "extra",
    [set(), {("seen", "s0")}, {("once", "s0:end")}, {("seen", "s0"), ("seen", "end0"), ("once", "s0:end")}],
    ids=["values", "seen", "once", "two-seen-and-once"],
)
def test_numbers_and_flags_read_whole_beside_a_coded_set_tell_apart_what_the_atoms_do(
    story: Story, extra: set[tuple[str, ...]]
) -> None:
    key = projector(story, frozenset({("var", "x"), ("var", "f"), ("member", "s", "a"), *extra}))
    sets = (NOTHING, frozenset({"a"}), frozenset({"b"}), frozenset({"a", "b"}))
    visits_ = ({}, {"s0": 1}, {"end0": 1}, {"s0": 2, "end0": 1})
    states = [
        ((x, flag, members), visits, taken)
        for x in range(4)
        for flag in (False, True)
        for members in sets
        for visits in visits_
        for taken in (NOTHING, frozenset({"s0:end"}))
    ]

    def named(values: tuple, visits: dict[str, int], taken: frozenset[str]) -> tuple:
        """What the atoms name of a state, written out by hand."""
        scenes = tuple(sorted(a[1] for a in extra if a[0] == "seen" and a[1] in visits))
        return (values[0], values[1], "a" in values[2], scenes, bool(extra & {("once", "s0:end")}) and bool(taken))

    keys = {key(*state) for state in states}
    assert len(keys) == len({named(*state) for state in states})
    assert all((key(*a) == key(*b)) == (named(*a) == named(*b)) for a in states[::7] for b in states[::5])


def test_a_key_of_more_columns_than_are_written_out_tells_every_one_apart(tmp_path: Path) -> None:
    flags = [f"f{i}" for i in range(WRITTEN_OUT + 2)]
    manifest = MANIFEST.replace("state:\n", "state:\n" + "".join(f"  {f}: {{type: flag}}\n" for f in flags))
    (tmp_path / "story.yaml").write_text(manifest)
    (tmp_path / "scenes.yaml").write_text(SCENES)
    story = load_story(str(tmp_path))
    key = projector(story, frozenset(("var", f) for f in flags))
    index = {f: story.variables[f].index for f in flags}
    plain = [v.default for v in sorted(story.variables.values(), key=lambda v: v.index)]
    keys = set()
    for f in flags:  # each flag set on its own: all different, and different from none set
        values = list(plain)
        values[index[f]] = True
        keys.add(key(tuple(values), {}, NOTHING))
    keys.add(key(tuple(plain), {}, NOTHING))
    assert len(keys) == len(flags) + 1
    assert key(tuple(plain), {}, NOTHING) == key(tuple(list(plain)), {}, NOTHING)
