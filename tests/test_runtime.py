"""The pure runtime: starting, choosing, routing, once-only and fallback choices, replay."""

from __future__ import annotations

import pytest

from conftest import LIGHTHOUSE, SCENES, StoryFactory
from ifengine import GameError, choose, describe, load_story, replay, start
from ifengine.state import from_data, to_data


@pytest.fixture
def lighthouse():  # type: ignore[no-untyped-def]
    return load_story(str(LIGHTHOUSE))


def test_start_shows_the_first_scene_and_its_choices(lighthouse) -> None:  # type: ignore[no-untyped-def]
    turn = start(lighthouse)
    assert turn.state.scene == "shore"
    assert turn.passages[0].paragraphs[1] == "The dark frightens you, a little."
    assert [o.text for o in turn.options] == [
        "Search the boat",
        "Wade out to the rocks",
        "Climb the path to the lighthouse",
    ]
    assert [o.locked for o in turn.options] == [False, False, True]
    assert turn.options[2].reason == "The path is too dark to find without a light."


def test_choosing_applies_effects_and_shows_the_reply(lighthouse) -> None:  # type: ignore[no-untyped-def]
    turn = choose(lighthouse, start(lighthouse).state, "shore:search-the-boat")
    assert turn.passages[0].is_reply
    assert turn.state.value(lighthouse, "items") == {"lamp"}
    assert turn.state.history == ("shore:search-the-boat",)
    assert turn.state.found == (("items", "lamp", "shore:search-the-boat"),)


def test_once_only_choices_disappear_after_use(lighthouse) -> None:  # type: ignore[no-untyped-def]
    turn = choose(lighthouse, start(lighthouse).state, "shore:search-the-boat")
    assert "Search the boat" not in [o.text for o in turn.options]


def test_locked_choices_cannot_be_taken(lighthouse) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(GameError, match="not open now"):
        choose(lighthouse, start(lighthouse).state, "shore:climb-the-path-to-the-lighthouse")


def test_unknown_choice_is_an_error(lighthouse) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(GameError, match="no choice 'shore:fly'"):
        choose(lighthouse, start(lighthouse).state, "shore:fly")


def test_goto_scenes_flow_straight_on_and_count_visits(lighthouse) -> None:  # type: ignore[no-untyped-def]
    turn = choose(lighthouse, start(lighthouse).state, "shore:wade-out-to-the-rocks")
    assert turn.state.scene == "shore"
    assert [p.scene.id for p in turn.passages] == ["rocks", "shore"]
    assert turn.state.value(lighthouse, "courage") == 3


COUNTING = """\
scenes:
  a:
    text: "{if seen(c)}Back again.{/if}"
    choices:
      - text: Round
        goto: b
      - text: Stop
        if: visits(b) >= 2
        goto: won
  b:
    goto: c
  c:
    goto: a
  won:
    text: You won.
    ending: win
"""


def test_visits_are_counted_for_the_scenes_the_story_reads(make_story: StoryFactory) -> None:
    story = load_story(str(make_story(scenes=COUNTING)))
    turn = choose(story, start(story).state, "a:round")
    assert turn.state.visits == {"b": 1, "c": 1}  # read by an `if:` and by prose; a is never read
    turn = choose(story, turn.state, "a:round")
    assert turn.state.visits == {"b": 2, "c": 2}
    assert [o.text for o in turn.options] == ["Round", "Stop"]
    assert turn.passages[-1].paragraphs == ("Back again.",)


def test_fallback_is_offered_only_when_nothing_else_is_open(lighthouse) -> None:  # type: ignore[no-untyped-def]
    turn = replay(lighthouse, ["shore:search-the-boat", "shore:climb-the-path-to-the-lighthouse"])
    assert [o.text for o in turn.options] == ["Read the letter", "Try the tower door"]
    turn = choose(lighthouse, turn.state, "cottage:read-the-letter")
    assert [o.text for o in turn.options] == ["Try the tower door", "Sit by the cold stove and wait for morning"]
    assert turn.options[0].locked


def test_routes_decide_the_ending(lighthouse) -> None:  # type: ignore[no-untyped-def]
    path = ["shore:search-the-boat", "shore:wade-out-to-the-rocks", "shore:climb-the-path-to-the-lighthouse"]
    turn = replay(lighthouse, [*path, "cottage:try-the-tower-door"])
    assert turn.ending is not None and turn.ending.id == "light"
    assert turn.options == ()
    turn = replay(lighthouse, [*path, "cottage:read-the-letter", "cottage:try-the-tower-door"])
    assert turn.ending is not None and turn.ending.id == "letter"


def test_replay_names_the_failing_step(lighthouse) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(GameError, match="step 2: the choice 'shore:climb-the-path-to-the-lighthouse' is not open"):
        replay(lighthouse, ["shore:wade-out-to-the-rocks", "shore:climb-the-path-to-the-lighthouse"])


def test_the_state_is_immutable_and_steps_do_not_change_it(lighthouse) -> None:  # type: ignore[no-untyped-def]
    first = start(lighthouse).state
    choose(lighthouse, first, "shore:search-the-boat")
    assert first.values == lighthouse.defaults and first.history == ()
    with pytest.raises(AttributeError):
        first.scene = "x"  # type: ignore[misc]


def test_describe_renders_the_current_scene_again(lighthouse) -> None:  # type: ignore[no-untyped-def]
    state = replay(lighthouse, ["shore:wade-out-to-the-rocks"]).state
    turn = describe(lighthouse, state)
    assert [p.scene.id for p in turn.passages] == ["shore"]
    assert turn.passages[0].paragraphs[1] == "You are not afraid of the dark."


def test_state_round_trips_through_plain_data(lighthouse) -> None:  # type: ignore[no-untyped-def]
    state = replay(lighthouse, ["shore:search-the-boat", "shore:wade-out-to-the-rocks"]).state
    again, notes = from_data(lighthouse, to_data(lighthouse, state))
    assert again == state and notes == []


def test_interpolation_and_emphasis_in_prose(make_story: StoryFactory) -> None:
    scenes = SCENES.replace("    text: Start.", "    text: 'You have {n} coins and {bag}; *careful*.'")
    story = load_story(str(make_story(scenes=scenes)))
    assert start(story).passages[0].paragraphs == ("You have 0 coins and nothing; *careful*.",)
