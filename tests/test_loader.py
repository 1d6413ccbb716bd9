"""Loading story folders: every mistake an author can make gets a located diagnostic."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from conftest import MANIFEST, SCENES, StoryFactory
from ifengine.diagnostics import StoryError
from ifengine.loader import load_story, read_story, slugify


def diagnostics(root: object) -> list[str]:
    _, found = read_story(str(root))
    return [d.format() for d in found]


def only(root: object) -> str:
    found = diagnostics(root)
    assert len(found) == 1, found
    return found[0]


def test_a_good_story_loads(make_story: StoryFactory) -> None:
    story = load_story(str(make_story()))
    assert story.title == "Tiny"
    assert list(story.scenes) == ["a", "b", "won", "lost"]
    assert story.scenes["a"].choices[0].key == "a:take-the-coin"
    assert story.defaults == (0, False, frozenset())


def test_story_yaml_path_is_accepted_too(make_story: StoryFactory) -> None:
    root = make_story()
    assert load_story(str(root / "story.yaml")).id == "tiny"


def test_missing_folder(tmp_path: object) -> None:
    assert "no such story folder" in only(f"{tmp_path}/nope")


def test_missing_manifest(tmp_path: object) -> None:
    assert "no story.yaml in this folder" in only(tmp_path)


def test_yaml_syntax_error_is_located(make_story: StoryFactory) -> None:
    root = make_story(scenes="scenes:\n  a: [1, 2\n")
    message = only(root)
    assert message.startswith(f"{root}/scenes.yaml:3:1: error: invalid YAML")


def test_empty_manifest(make_story: StoryFactory) -> None:
    root = make_story("")
    assert (
        only(root)
        == f"{root}/story.yaml:1:1: error: file is empty (a manifest needs at least id, title, start and endings)"
    )


def test_list_instead_of_mapping_manifest(make_story: StoryFactory) -> None:
    root = make_story("- id: tiny\n- title: Tiny\n")
    assert only(root) == f"{root}/story.yaml:1:1: error: the manifest must be a mapping of keys, not a list"


def test_tab_indented_manifest(make_story: StoryFactory) -> None:
    root = make_story("id: tiny\nstate:\n\tn: 1\n")
    assert "story.yaml:3:1: error: a tab character is used for indentation" in only(root)


def test_empty_scene_file(make_story: StoryFactory) -> None:
    root = make_story(scenes="")
    assert f"{root}/scenes.yaml:1:1: error: file is empty" in diagnostics(root)[0]


def test_unknown_key_suggests_the_right_one(make_story: StoryFactory) -> None:
    root = make_story(scenes=SCENES.replace("    text: Start.", "    txt: Start."))
    assert only(root) == f"{root}/scenes.yaml:3:5: error: unknown key 'txt' in scene 'a' (did you mean 'text'?)"


def test_wrong_value_type(make_story: StoryFactory) -> None:
    root = make_story(scenes=SCENES.replace("    text: Start.", "    text: [Start]"))
    assert (
        only(root)
        == f"{root}/scenes.yaml:3:11: error: 'text' must be text, not a list (YAML reads a value that starts with [ as a list: quote the text)"
    )


def test_comma_in_flow_mapping_gets_a_hint(make_story: StoryFactory) -> None:
    manifest = MANIFEST.replace("coin: A coin", "coin: {label: A coin, description: old, worn}")
    assert "put the text in quotes" in diagnostics(make_story(manifest))[0]


def test_missing_required_key(make_story: StoryFactory) -> None:
    root = make_story(MANIFEST.replace("title: Tiny\n", ""))
    assert only(root) == f"{root}/story.yaml:1:1: error: the manifest is missing 'title' (The story's title.)"


def test_duplicate_scene_ids_across_files(make_story: StoryFactory) -> None:
    root = make_story(scenes=SCENES, more="scenes:\n  won:\n    text: Again.\n    ending: win\n")
    assert (
        only(root)
        == f"{root}/scenes.yaml:15:3: error: duplicate scene id 'won' (first at {root}/more.yaml:2:3) (rename one of them)"
    )


def test_undeclared_variable_in_condition(make_story: StoryFactory) -> None:
    root = make_story(scenes=SCENES.replace("if: coin in bag", "if: coin in bgs"))
    assert only(root) == f"{root}/scenes.yaml:12:21: error: unknown variable 'bgs' (did you mean 'bag'?)"


def test_mistyped_variable_in_condition(make_story: StoryFactory) -> None:
    root = make_story(scenes=SCENES.replace("if: coin in bag", "if: f + 1 > 0"))
    assert only(root) == f"{root}/scenes.yaml:12:13: error: expected a number before '+' but this is true/false"


def test_undeclared_set_member(make_story: StoryFactory) -> None:
    root = make_story(scenes=SCENES.replace("bag += coin", "bag += coins"))
    assert only(root) == f"{root}/scenes.yaml:6:21: error: 'coins' is not a member of bag (did you mean 'coin'?)"


def test_expression_that_does_not_parse(make_story: StoryFactory) -> None:
    root = make_story(scenes=SCENES.replace("if: coin in bag", "if: n >= "))
    assert only(root).startswith(f"{root}/scenes.yaml:12:17:")
    assert "expression ends too soon" in only(root)


def test_prose_expression_errors_point_into_the_text(make_story: StoryFactory) -> None:
    root = make_story(scenes=SCENES.replace("    text: Start.", "    text: |\n      Start.\n      You have {coins}."))
    assert only(root).startswith(f"{root}/scenes.yaml:5:17: error: unknown variable 'coins'")


def test_unclosed_if_in_prose(make_story: StoryFactory) -> None:
    root = make_story(scenes=SCENES.replace("    text: Start.", "    text: '{if n > 1}Rich.'"))
    assert "{if} is not closed" in only(root)


def test_control_characters_in_prose_are_refused(make_story: StoryFactory) -> None:
    root = make_story(scenes=SCENES.replace("    text: Start.", '    text: "Start.\\e[31m"'))
    assert "control character U+001B in 'text'" in only(root)


def test_scene_with_no_way_on(make_story: StoryFactory) -> None:
    root = make_story(scenes=SCENES.replace("    text: You lost.\n    ending: lose\n", "    text: You lost.\n"))
    assert (
        f"{root}/scenes.yaml:19:3: error: scene 'lost' has no way on (add choices, goto, route or ending)"
        in diagnostics(root)
    )


def test_scene_with_two_ways_on(make_story: StoryFactory) -> None:
    root = make_story(scenes=SCENES.replace("    ending: lose\n", "    ending: lose\n    goto: a\n"))
    assert "has both goto and ending" in only(root)


def test_last_route_must_be_unconditional(make_story: StoryFactory) -> None:
    root = make_story(scenes=SCENES.replace("      - goto: lost", "      - if: n > 0\n        goto: lost"))
    assert "the last route has a condition" in only(root)


def test_duplicate_choice_ids_in_a_scene(make_story: StoryFactory) -> None:
    root = make_story(scenes=SCENES.replace("Leave", "Take the coin"))
    assert "two choices in scene 'a' have the id 'take-the-coin'" in only(root)


def test_bad_variable_declarations(make_story: StoryFactory) -> None:
    manifest = MANIFEST.replace("n: {type: int, min: 0, max: 3}", "n: {type: integer, min: 0, max: 3}")
    assert "unknown type 'integer' for variable 'n'" in diagnostics(make_story(manifest))[0]
    manifest = MANIFEST.replace("n: {type: int, min: 0, max: 3}", "n: {type: int, min: 0, max: 3, default: 9}")
    assert "default 9 is outside 0..3" in diagnostics(make_story(manifest))[0]
    manifest = MANIFEST.replace("f: {type: flag}", "f: {type: flag, values: [a]}")
    assert "'values' does not apply to a flag variable" in diagnostics(make_story(manifest))[0]


def test_files_list_names_must_exist(make_story: StoryFactory) -> None:
    root = make_story(MANIFEST + "files: [scenes.yaml, sceens.yaml]\n")
    assert "file 'sceens.yaml' does not exist (did you mean 'scenes.yaml'?)" in only(root)


def test_files_list_cannot_leave_the_folder(make_story: StoryFactory) -> None:
    root = make_story(MANIFEST + "files: [scenes.yaml, ../../etc/passwd]\n")
    assert "is not a file name in this folder" in only(root)


def test_load_story_raises_with_every_error(make_story: StoryFactory) -> None:
    root = make_story(scenes=SCENES.replace("goto: won", "goto: wonn").replace("bag += coin", "bag += coins"))
    with pytest.raises(StoryError) as info:
        load_story(str(root))
    assert len(info.value.diagnostics) == 1  # the file error; links are checked once files are clean
    root = make_story(scenes=SCENES.replace("goto: won", "goto: wonn"))
    with pytest.raises(StoryError, match="unknown scene 'wonn'"):
        load_story(str(root))


def test_fingerprint_changes_with_content(make_story: StoryFactory) -> None:
    first = load_story(str(make_story())).fingerprint
    second = load_story(str(make_story(scenes=SCENES.replace("Start.", "Begin.")))).fingerprint
    assert first != second


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("Call Leo's office", "call-leos-office"),
        ("Call Doña Sara at Santillán\u2019s", "call-dona-sara-at-santillans"),
        ("'Leave,' she said", "leave-she-said"),
        ("Wait {if n > 1}long{/if}", "wait-long"),
        ("¿Qué?", "que"),
        ("Ждать", ""),
    ],
)
def test_choice_ids_default_to_a_slug_of_the_text(text: str, slug: str) -> None:
    assert slugify(text) == slug


@pytest.mark.parametrize("story_id", ["/abs/path", "../../x", "''", "con", "a" * 65, "with space"])
def test_story_id_must_be_a_plain_portable_name(make_story: StoryFactory, story_id: str) -> None:
    message = only(make_story(MANIFEST.replace("id: tiny", f"id: {story_id}")))
    assert "cannot be a story id" in message and "story.yaml:" in message


def test_a_scene_file_linking_outside_the_story_folder_is_refused_without_its_lines(
    make_story: StoryFactory, tmp_path: Path
) -> None:
    secret = tmp_path / "secret.yaml"
    secret.write_text("password hunter2: [\n", encoding="utf-8")
    root = make_story()
    (root / "leak.yaml").symlink_to(secret)
    line = only(root)
    assert line.startswith(f"{root / 'leak.yaml'}: error: this file links outside the story folder")
    assert "hunter2" not in line


def test_a_link_to_a_file_inside_the_story_folder_still_loads(make_story: StoryFactory) -> None:
    root = make_story()
    (root / "other").mkdir()
    (root / "scenes.yaml").rename(root / "other" / "real.yml")
    (root / "scenes.yaml").symlink_to(root / "other" / "real.yml")
    assert list(load_story(str(root)).scenes) == ["a", "b", "won", "lost"]


def test_a_fifo_as_a_scene_file_is_refused_without_hanging(make_story: StoryFactory) -> None:
    root = make_story()
    os.mkfifo(root / "pipe.yaml")
    assert (
        only(root)
        == f"{root / 'pipe.yaml'}: error: not a regular file (a story file must be a plain file, not a pipe, device or folder)"
    )
