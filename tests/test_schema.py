"""`ifengine schema`: a JSON Schema of story files that agrees with the loader."""

from __future__ import annotations

import json
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from conftest import LIGHTHOUSE, MANIFEST, REPO, SCENES, StoryFactory
from ifengine import read_story, schema
from ifengine.jsonschema import NESTING, story_schema
from ifengine.yamlsource import load_file

Cli = Callable[..., tuple[int, str, str]]
BUNDLED = REPO / "story" / "no-one-saw-us-leave"
VALIDATOR = jsonschema.Draft7Validator(story_schema())


def schema_errors(path: Path) -> list[str]:
    return [e.message for e in VALIDATOR.iter_errors(load_file(str(path)))]


def story_files(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.yaml"))


def test_schema_command_prints_a_valid_draft_7_schema(cli: Cli) -> None:
    code, out, _ = cli("schema")
    assert code == 0
    data = json.loads(out)
    jsonschema.Draft7Validator.check_schema(data)
    assert data == story_schema()


def test_every_key_of_the_loader_table_is_in_the_schema() -> None:
    definitions = story_schema()["definitions"]
    for kind, fields in schema.KINDS.items():
        properties = definitions[kind.replace(" ", "_")]["properties"]
        assert set(properties) == set(fields), kind
        for key, field in fields.items():
            assert properties[key]["description"] == field.doc


def test_every_mapping_or_list_key_says_what_it_holds() -> None:
    """A new map or list key in schema.py must be given its nesting in jsonschema.py."""
    for kind, fields in schema.KINDS.items():
        for key, field in fields.items():
            if "map" in field.kinds or "list" in field.kinds:
                assert (kind, key) in NESTING, f"{kind}.{key}"


@pytest.mark.parametrize("folder", [LIGHTHOUSE, BUNDLED], ids=["lighthouse", "bundled"])
def test_real_stories_validate(folder: Path) -> None:
    for path in story_files(folder):
        assert schema_errors(path) == [], path


def test_the_test_fixture_story_validates(make_story: StoryFactory) -> None:
    root = make_story()
    assert [schema_errors(p) for p in story_files(root)] == [[], []]


def _manifest_with(extra: str) -> str:
    return textwrap.dedent(MANIFEST) + textwrap.dedent(extra)


BAD_MANIFESTS = {
    "unknown key": (_manifest_with("colour: blue\n"), "unknown key 'colour'", "Additional properties"),
    "wrong type": (MANIFEST.replace("title: Tiny", "title: [Tiny]"), "'title' must be text", "is not of type"),
    "missing key": (MANIFEST.replace("start: a\n", ""), "is missing 'start'", "'start' is a required property"),
    "int without max": (
        MANIFEST.replace("{type: int, min: 0, max: 3}", "{type: int, min: 0}"),
        "needs whole-number min and max",
        "'max' is a required property",
    ),
    "key of another type": (
        MANIFEST.replace("f: {type: flag}", "f: {type: flag, values: [a]}"),
        "'values' does not apply to a flag",
        "False schema does not allow",
    ),
    "unknown type": (
        MANIFEST.replace("f: {type: flag}", "f: {type: flg}"),
        "unknown type 'flg'",
        "is not one of",
    ),
    "default of the wrong kind": (
        MANIFEST.replace("f: {type: flag}", "f: {type: flag, default: 'yes'}"),
        "a flag's default is true or false",
        "is not of type 'boolean'",
    ),
    "bad variable name": (
        MANIFEST.replace("  f: {type: flag}", "  my flag: {type: flag}"),
        "cannot be a variable name",
        "does not match",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_MANIFESTS))
def test_bad_manifests_fail_both_loader_and_schema(make_story: StoryFactory, case: str) -> None:
    manifest, loader_says, schema_says = BAD_MANIFESTS[case]
    root = make_story(manifest)
    _, diagnostics = read_story(str(root))
    assert any(loader_says in d.message for d in diagnostics), [d.message for d in diagnostics]
    assert any(schema_says in m for m in schema_errors(root / "story.yaml"))


BAD_SCENES = {
    "unknown key": (SCENES.replace("    route:\n", "    routes:\n"), "unknown key 'routes'", "Additional properties"),
    "no way on": (
        SCENES.replace("    text: You lost.\n    ending: lose\n", "    text: You lost.\n"),
        "has no way on",
        "is not valid under any of the given schemas",
    ),
    "two ways on": (
        SCENES.replace("    text: You lost.\n", "    text: You lost.\n    goto: a\n"),
        "has both goto and ending",
        "is valid under each of",
    ),
    "choice with two ways on": (
        SCENES.replace(
            "      - text: Leave\n        goto: b\n",
            "      - text: Leave\n        goto: b\n        route: [{goto: b}]\n",
        ),
        "a choice with both goto and route",
        "should not be valid under",
    ),
    "bad choice id": (
        SCENES.replace("      - text: Leave\n", "      - text: Leave\n        id: Go Home\n"),
        "cannot be a choice id",
        "does not match",
    ),
    "effects as a number": (SCENES.replace("do: [f = true]", "do: 3"), "'do' must be text or a list", "is not valid"),
}


@pytest.mark.parametrize("case", sorted(BAD_SCENES))
def test_bad_scene_files_fail_both_loader_and_schema(make_story: StoryFactory, case: str) -> None:
    scenes, loader_says, schema_says = BAD_SCENES[case]
    root = make_story(scenes=scenes)
    _, diagnostics = read_story(str(root))
    assert any(loader_says in d.message for d in diagnostics), [d.message for d in diagnostics]
    assert any(schema_says in m for m in schema_errors(root / "scenes.yaml")), schema_errors(root / "scenes.yaml")


def test_a_scene_file_is_told_apart_from_the_manifest_by_its_scenes_key() -> None:
    data: Any = {"scenes": {"a": {"text": "x", "ending": "e"}}}
    assert list(VALIDATOR.iter_errors(data)) == []
    data = {"id": "x", "title": "X", "start": "a", "endings": {"e": {"title": "E", "theme": "t"}}}
    assert list(VALIDATOR.iter_errors(data)) == []
    data["scenes"] = {}
    assert list(VALIDATOR.iter_errors(data)) != []
