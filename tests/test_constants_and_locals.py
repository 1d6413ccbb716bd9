"""Named constants, and values that live only while play is in one scene."""

from __future__ import annotations

from conftest import StoryFactory
from ifengine.explorer import explore
from ifengine.loader import load_story, read_story
from ifengine.runtime import choose, start
from ifengine.state import from_data, to_data

MANIFEST = """\
id: consts
title: Constants
start: door
constants:
  MAX_TRIES: 2
  CITY: Brindisi
  KIND: true
state:
  luck: {type: int, min: 0, max: 9}
endings:
  in: {title: In, theme: t}
  out: {title: Out, theme: t}
"""

SCENES = """\
scenes:
  door:
    text: "A green door in {CITY}."
    local:
      tries: {type: int, min: 0, max: 5}
    choices:
      - text: "Knock ({tries} of {MAX_TRIES})"
        id: knock
        if: tries < MAX_TRIES
        do: tries += 1
        choices:
          - text: Wait
            call: street
            goto: door
          - text: Knock again
            goto: door
      - text: Give up
        if: KIND
        goto: away
  street:
    text: The street.
    do: luck += 1
    goto: return
  away:
    choices:
      - {text: Come back, goto: door, if: luck < 3}
      - {text: Leave, goto: gone}
  gone:
    ending: out
"""


def test_constants_read_in_conditions_and_text(make_story: StoryFactory) -> None:
    story = load_story(str(make_story(MANIFEST, scenes=SCENES)))
    turn = start(story)
    assert turn.passages[0].paragraphs == ("A green door in Brindisi.",)
    assert [o.text for o in turn.options] == ["Knock (0 of 2)", "Give up"]
    assert "MAX_TRIES" not in to_data(story, turn.state)["values"]


def test_a_local_value_lives_while_play_stays_in_its_scene(make_story: StoryFactory) -> None:
    story = load_story(str(make_story(MANIFEST, scenes=SCENES)))
    state = start(story).state
    state = choose(story, state, "door:knock").state
    state = choose(story, state, "door/knock:knock-again").state
    assert state.value(story, "door.tries") == 1  # going back to the scene from its own nested choice keeps it
    turn = choose(story, state, "door:knock")
    assert turn.state.value(story, "door.tries") == 2
    assert [o.text for o in choose(story, turn.state, "door/knock:wait").options] == ["Give up"]


def test_a_call_out_and_back_keeps_the_local_values(make_story: StoryFactory) -> None:
    story = load_story(str(make_story(MANIFEST, scenes=SCENES)))
    state = choose(story, start(story).state, "door:knock").state
    state = choose(story, state, "door/knock:wait").state
    assert state.scene == "door" and state.value(story, "door.tries") == 1 and state.value(story, "luck") == 1


def test_leaving_the_scene_resets_its_local_values(make_story: StoryFactory) -> None:
    story = load_story(str(make_story(MANIFEST, scenes=SCENES)))
    state = choose(story, start(story).state, "door:knock").state
    state = choose(story, state, "door/knock:wait").state
    state = choose(story, state, "door:give-up").state
    assert state.scene == "away" and state.value(story, "door.tries") == 0
    again = choose(story, state, "away:come-back")
    assert again.options[0].text == "Knock (0 of 2)"


def test_local_values_survive_a_save_mid_scene(make_story: StoryFactory) -> None:
    story = load_story(str(make_story(MANIFEST, scenes=SCENES)))
    state = choose(story, start(story).state, "door:knock").state
    assert from_data(story, to_data(story, state)) == (state, [])


def test_explore_finds_every_ending_with_locals_and_constants(make_story: StoryFactory) -> None:
    report = explore(load_story(str(make_story(MANIFEST, scenes=SCENES))))
    assert report.complete and set(report.ending_paths) == {"out"}
    assert report.verdicts.items["endings"]["in"].status == "unreachable"


def test_a_constant_cannot_be_changed(make_story: StoryFactory) -> None:
    bad = SCENES.replace("do: tries += 1", "do: MAX_TRIES += 1")
    _, diagnostics = read_story(str(make_story(MANIFEST, scenes=bad)))
    assert any("'MAX_TRIES' is a constant and cannot change" in d.format() for d in diagnostics)


def test_constant_and_local_name_clashes_are_located(make_story: StoryFactory) -> None:
    manifest = MANIFEST.replace("  KIND: true\n", "  KIND: true\n  luck: 3\n")
    _, diagnostics = read_story(str(make_story(manifest, scenes=SCENES.replace("tries:", "luck:"))))
    found = [d.format() for d in diagnostics]
    assert any("story.yaml:8:" in m and "both a constant and a variable" in m for m in found), found
    assert any("scenes.yaml:5:" in m and "local 'luck' has the name of a story variable" in m for m in found), found


def test_a_local_is_not_seen_outside_its_scene(make_story: StoryFactory) -> None:
    bad = SCENES.replace("{text: Leave, goto: gone}", "{text: Leave, goto: gone, if: tries > 0}")
    _, diagnostics = read_story(str(make_story(MANIFEST, scenes=bad)))
    assert any("unknown variable 'tries'" in d.format() for d in diagnostics)


def test_a_local_counted_against_a_constant_keeps_its_states_apart(make_story: StoryFactory) -> None:
    """A comparison atom must name the local as the story does, or the explorer merges its counts."""
    scenes = """\
    scenes:
      door:
        local:
          tries: {type: int, min: 0, max: 5}
        choices:
          - {text: Knock, if: tries < MAX_TRIES, do: tries += 1, goto: door}
          - {text: Leave, goto: gone}
      gone:
        ending: out
    """
    report = explore(load_story(str(make_story(MANIFEST.replace("  luck:", "  unused_luck:"), scenes=scenes))))
    assert report.complete and not report.loops and report.share_method.startswith("exact")
    assert (report.shortest, report.longest) == (1, 3)


def test_constants_compare_with_each_other_and_from_either_side(make_story: StoryFactory) -> None:
    scenes = SCENES.replace("if: KIND", "if: MAX_TRIES > 1 and 3 > luck and CITY == 'Brindisi'")
    story = load_story(str(make_story(MANIFEST, scenes=scenes)))
    assert [o.text for o in start(story).options] == ["Knock (0 of 2)", "Give up"]
