"""Habits from ink, ChoiceScript and prose writing meet a located hint in this format's words."""

from __future__ import annotations

import pytest

from conftest import MANIFEST, StoryFactory
from ifengine.check import check_story
from ifengine.expr import Env, ExprError, compile_condition, compile_effect
from ifengine.loader import read_story
from ifengine.text import compile_template
from ifengine.yamlsource import SourceError, load_text

ENV = Env({}, frozenset({"a"}))


@pytest.mark.parametrize(
    ("source", "message", "offset"),
    [
        ("{if true}a{elseif x}b{/if}", "{elseif} is written {elif ...} here", 10),
        ("{if true}a{else if x}b{/if}", "{else if} is written {elif ...} here", 10),
        ("{if true}a{endif}", "{endif} is written {/if} here", 10),
        ("We walked <>", "ink's glue <> is written {glue} here", 10),
        ("Off we go.\n-> next", "ink's divert -> is not prose here", 11),
    ],
)
def test_ink_prose_habits(source: str, message: str, offset: int) -> None:
    with pytest.raises(ExprError) as caught:
        compile_template(source, ENV)
    assert (caught.value.message, caught.value.offset) == (message, offset)


def test_a_knot_stitch_in_seen_is_named() -> None:
    with pytest.raises(ExprError, match=r"ink's knot.stitch: scene ids here have no dots"):
        compile_condition("seen(knot.stitch)", ENV)


@pytest.mark.parametrize(
    ("source", "message", "hint"),
    [
        ("trust %+ 10", "ChoiceScript's fairmath", "write trust += 10"),
        ("+10", "names the variable it changes", "write trust += 10"),
    ],
)
def test_choicescript_effect_habits(source: str, message: str, hint: str) -> None:
    with pytest.raises(ExprError) as caught:
        compile_effect(source, ENV)
    assert message in caught.value.message and caught.value.hint.startswith(hint)


def test_an_ink_divert_in_a_goto_is_named(make_story: StoryFactory) -> None:
    scenes = "scenes:\n  a:\n    choices:\n      - {text: Go, goto: -> b}\n  b:\n    ending: win\n"
    story, _ = read_story(str(make_story(MANIFEST, scenes=scenes)))
    assert story is not None
    found = [d for d in check_story(story) if "unknown scene '-> b'" in d.message]
    assert found and found[0].hint == "ink's -> is not needed here: write the scene id alone, b"


@pytest.mark.parametrize(
    ("line", "says"),
    [
        ('text: "Hello," she said.', "starts with a quote that closes before the line ends"),
        ("text: 'Tis late, it's late.", "an apostrophe inside text in single quotes ends the quotes"),
        ("text: He said: no, never.", "': ' inside text reads as a new key"),
        ("text: *Never* again.", "is read as a YAML alias, not emphasis"),
        ("text: - Yes, she said.", "is read as a list"),
        ("text: {seq: a | b} and more", "is read as a YAML mapping"),
    ],
)
def test_prose_that_trips_yaml_says_what_to_do(line: str, says: str) -> None:
    with pytest.raises(SourceError) as caught:
        load_text("s.yaml", f"scenes:\n  a:\n    {line}\n    ending: e\n")
    d = caught.value.diagnostic
    assert says in d.message and (d.pos.line, d.pos.col) == (3, 11)
    assert "single quotes" in d.hint and "|" in d.hint


def test_a_flow_list_where_text_belongs_says_to_quote_it(make_story: StoryFactory) -> None:
    scenes = "scenes:\n  a:\n    text: [Say nothing]\n    ending: win\n"
    _, diagnostics = read_story(str(make_story(MANIFEST, scenes=scenes)))
    assert any("starts with [ as a list: quote the text" in d.hint for d in diagnostics)


def test_a_scene_file_left_out_of_files_is_a_warning_and_a_hint(make_story: StoryFactory) -> None:
    manifest = MANIFEST + "files: [a.yaml]\n"
    root = make_story(manifest, a="scenes:\n  a:\n    goto: far\n", b="scenes:\n  far:\n    ending: win\n")
    story, diagnostics = read_story(str(root))
    assert any(
        "'b.yaml' is in the story folder but not under files:" in d.message and d.severity.value == "warning"
        for d in diagnostics
    )
    assert story is not None
    unknown = [d for d in check_story(story) if "unknown scene 'far'" in d.message]
    assert unknown and "is it in b.yaml?" in unknown[0].hint


def test_an_int_left_to_start_at_a_negative_min_is_a_warning(make_story: StoryFactory) -> None:
    manifest = MANIFEST.replace("  f: {type: flag}\n", "  mood: {type: int, min: -5, max: 5}\n  f: {type: flag}\n")
    _, diagnostics = read_story(str(make_story(manifest)))
    assert any("starts at its min, -5, because it has no default" in d.message for d in diagnostics)
