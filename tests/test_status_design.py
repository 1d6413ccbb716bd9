"""The status screen and the line under the choices, as the story designs them."""

from __future__ import annotations

import pytest

from conftest import StoryFactory
from ifengine.loader import load_story, read_story
from ifengine.play.views import status_parts, status_rows
from ifengine.runtime import choose, start

MANIFEST = """\
id: salon
title: Salon
start: door
status_line: {line}
state:
  standing:
    type: int
    min: 0
    max: 6
    default: 3
    show: always
    words: {{0: Quiet about you, 3: People nod, 5: Every door is open}}
  nerve: {{type: int, min: 0, max: 4, show: status, bar: true, description: Enough to ask?}}
  temper: {{type: int, min: 0, max: 8, default: 4, show: always, opposed: [cautious, reckless]}}
  trust: {{type: int, min: 0, max: 10, public: true}}
  hidden: {{type: int, min: 0, max: 3}}
endings:
  done: {{title: Done, theme: t}}
"""

SCENES = """\
scenes:
  door:
    choices:
      - text: Speak
        do: [standing -= 3, nerve += 2, temper += 4, trust += 2, hidden += 1]
        goto: hall
  hall:
    choices:
      - {text: Leave, goto: out}
  out:
    ending: done
"""


def story_with(make_story: StoryFactory, line: str = "numbers"):  # type: ignore[no-untyped-def]
    return load_story(str(make_story(MANIFEST.format(line=line), scenes=SCENES)))


def test_the_status_screen_shows_words_bars_scales_and_descriptions(make_story: StoryFactory) -> None:
    story = story_with(make_story)
    state = choose(story, start(story).state, "door:speak").state
    assert status_rows(story, state) == [
        ("Standing", "Quiet about you"),
        ("Nerve", "██░░"),
        ("", "Enough to ask?"),
        ("Temper", "cautious ────────● reckless"),
        ("Trust", "2 of 10"),
    ]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("numbers", ["People nod", "Temper cautious ────●──── reckless", "Trust 0/10"]),
        ("words", ["People nod"]),
        ("none", []),
    ],
)
def test_the_line_under_the_choices_follows_status_line(
    make_story: StoryFactory, line: str, expected: list[str]
) -> None:
    story = story_with(make_story, line)
    assert status_parts(story, start(story).state) == expected


def test_show_status_keeps_a_variable_off_the_line(make_story: StoryFactory) -> None:
    story = story_with(make_story)
    assert not any("Nerve" in part for part in status_parts(story, start(story).state))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("words: {{0: Quiet", "words: {{9: Quiet"),
        ("bar: true", "bar: true, words: {{0: x}}"),
        ("show: status, bar", "show: sometimes, bar"),
        ("opposed: [cautious, reckless]", "opposed: [cautious]"),
    ],
)
def test_bad_designs_are_located(make_story: StoryFactory, change: str, message: str) -> None:
    manifest = MANIFEST.replace(change, message).format(line="numbers")
    _, diagnostics = read_story(str(make_story(manifest, scenes=SCENES)))
    errors = [d.format() for d in diagnostics if d.severity.value == "error"]
    assert len(errors) == 1 and "story.yaml:" in errors[0], errors


def test_a_bad_status_line_is_located_with_a_suggestion(make_story: StoryFactory) -> None:
    _, diagnostics = read_story(str(make_story(MANIFEST.format(line="word"), scenes=SCENES)))
    assert any(
        "story.yaml:4:14: error: status_line must be one of numbers, words, none" in d.format() and "words" in d.hint
        for d in diagnostics
    )


def test_words_that_leave_the_lowest_values_uncovered_are_a_warning(make_story: StoryFactory) -> None:
    manifest = MANIFEST.replace("{{0: Quiet about you, 3", "{{3").format(line="numbers")
    _, diagnostics = read_story(str(make_story(manifest, scenes=SCENES)))
    assert any("no words for 0..2" in d.format() and d.severity.value == "warning" for d in diagnostics)
