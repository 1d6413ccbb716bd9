"""The game state's shared-structure sequences behave as the tuples they replace."""

from __future__ import annotations

import json

import pytest

from conftest import LIGHTHOUSE
from ifengine import choose, load_story, replay, start
from ifengine.state import EMPTY, GameState, Trail, from_data, to_data

BOAT, ROCKS = "shore:search-the-boat", "shore:wade-out-to-the-rocks"


def test_a_trail_equals_the_tuple_of_its_items() -> None:
    trail = EMPTY.extend("a").extend(["b", "c"])
    assert trail == ("a", "b", "c")
    assert ("a", "b", "c") == trail  # noqa: SIM300 (the tuple on the left is the point)
    assert trail != ("a", "b") and trail != ("a", "b", "x") and trail != ["a", "b", "c"]
    assert trail == Trail(["a", "b", "c"]) and hash(trail) == hash(("a", "b", "c"))


def test_a_trail_reads_like_a_tuple() -> None:
    trail = Trail("abcd")
    assert list(trail) == ["a", "b", "c", "d"] and len(trail) == 4
    assert (trail[0], trail[-1], trail[1:3]) == ("a", "d", ("b", "c"))
    assert list(reversed(trail)) == ["d", "c", "b", "a"] and "c" in trail and trail.index("c") == 2
    with pytest.raises(IndexError):
        _ = trail[4]


def test_growing_a_trail_leaves_the_old_one_unchanged() -> None:
    short = Trail(["a"])
    longer = short.extend("b")
    other = short.extend("c")
    assert short == ("a",) and longer == ("a", "b") and other == ("a", "c") and longer != other


def test_the_empty_trail_is_an_empty_sequence() -> None:
    assert EMPTY == () and Trail() == EMPTY and not EMPTY and list(EMPTY) == []


def test_states_from_play_and_from_tuples_are_equal() -> None:
    story = load_story(str(LIGHTHOUSE))
    state = replay(story, [BOAT, ROCKS]).state
    assert isinstance(state.history, Trail) and isinstance(state.found, Trail)
    plain = GameState(
        state.scene, state.values, dict(state.visits), state.taken, tuple(state.history), tuple(state.found)
    )
    assert plain == state and state == plain


def test_a_state_survives_a_json_round_trip() -> None:
    story = load_story(str(LIGHTHOUSE))
    state = replay(story, [BOAT, ROCKS]).state
    data = json.loads(json.dumps(to_data(story, state)))
    assert data["history"] == [BOAT, ROCKS]
    assert data["found"] == [["items", "lamp", BOAT], ["items", "key", "rocks"]]
    again, notes = from_data(story, data)
    assert again == state and notes == [] and isinstance(again.history, Trail)


def test_choosing_after_a_load_extends_the_loaded_history() -> None:
    story = load_story(str(LIGHTHOUSE))
    loaded, _ = from_data(story, to_data(story, choose(story, start(story).state, BOAT).state))
    assert choose(story, loaded, ROCKS).state == replay(story, [BOAT, ROCKS]).state


def test_visits_the_story_never_reads_are_dropped_on_load() -> None:
    story = load_story(str(LIGHTHOUSE))
    data = to_data(story, start(story).state)
    data["visits"] = {"shore": 3}
    state, notes = from_data(story, data)
    assert state.visits == {} and notes == []
