"""A JSON Schema of the story format, generated from the loader's key table (`schema`).

Editors with a YAML language server use it for completion, hover help and
validation. Every key, its kinds, whether it is required and its documentation
come from `schema.KINDS`; only how the kinds nest (a scene's `choices` is a list
of choices) is stated here, and the tests check that every mapping or list
key is covered. The loader stays the judge: the schema catches most mistakes
while typing, `ifengine check` catches all of them.
"""

from __future__ import annotations

import json
from typing import Any

from . import schema
from .loader import IDENT, SLUG, STORY_ID

DRAFT = "http://json-schema.org/draft-07/schema#"

_JSON_TYPES = {"str": "string", "int": "integer", "bool": "boolean", "map": "object", "list": "array"}


def _pattern(python_regex: str) -> str:
    """A loader regex (`...\\Z`, matched from the start) as an anchored JSON Schema pattern."""
    return "^" + python_regex.removesuffix(r"\Z") + "$"


def _ref(kind: str) -> dict[str, str]:
    return {"$ref": f"#/definitions/{kind}"}


_EFFECTS = {"anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]}

# How the kinds nest: (kind, key) -> the schema of that key's value.
NESTING: dict[tuple[str, str], dict[str, Any]] = {
    ("manifest", "state"): {
        "type": "object",
        "propertyNames": {"pattern": _pattern(IDENT.pattern)},
        "additionalProperties": _ref("variable"),
    },
    ("variable", "words"): {
        "type": "object",
        "propertyNames": {"pattern": "^-?[0-9]+$"},
        "additionalProperties": {"type": "string"},
    },
    ("variable", "opposed"): {"type": "array", "minItems": 2, "maxItems": 2, "items": {"type": "string"}},
    ("manifest", "constants"): {
        "type": "object",
        "propertyNames": {"pattern": _pattern(IDENT.pattern)},
        "additionalProperties": {"type": ["integer", "boolean", "string"]},
    },
    ("scene", "local"): {
        "type": "object",
        "propertyNames": {"pattern": _pattern(IDENT.pattern)},
        "additionalProperties": _ref("variable"),
    },
    ("manifest", "endings"): {
        "type": "object",
        "minProperties": 1,
        "propertyNames": {"pattern": _pattern(IDENT.pattern)},
        "additionalProperties": _ref("ending"),
    },
    ("manifest", "files"): {"type": "array", "items": {"type": "string", "pattern": r"^[^./\\][^/\\]*$"}},
    ("manifest", "id"): {"type": "string", "pattern": _pattern(STORY_ID.pattern)},
    ("variable", "type"): {"enum": list(schema.VARIABLE_KEYS_BY_TYPE)},
    ("variable", "of"): {
        "type": "object",
        "minProperties": 1,
        "propertyNames": {"pattern": _pattern(IDENT.pattern)},
        "additionalProperties": {"anyOf": [{"type": "string"}, _ref("member")]},
    },
    ("variable", "values"): {"type": "array", "minItems": 1, "items": {"type": "string"}, "uniqueItems": True},
    ("variable", "default"): {
        "anyOf": [
            {"type": "integer"},
            {"type": "boolean"},
            {"type": "string"},
            {"type": "array", "items": {"type": "string"}},
        ]
    },
    ("scene file", "episode"): _ref("episode"),
    ("scene file", "scenes"): {
        "type": "object",
        "propertyNames": {"pattern": _pattern(IDENT.pattern)},
        "additionalProperties": _ref("scene"),
    },
    ("scene", "do"): _EFFECTS,
    ("scene", "choices"): {"type": "array", "minItems": 1, "items": _ref("choice")},
    ("scene", "route"): {"type": "array", "minItems": 1, "items": _ref("route")},
    ("scene", "after"): _EFFECTS,
    ("scene", "then"): {"anyOf": [{"type": "string"}, _ref("scene")]},
    ("choice", "choices"): {"type": "array", "minItems": 1, "items": _ref("choice")},
    ("choice", "then"): {"anyOf": [{"type": "string"}, _ref("scene")]},
    ("choice", "route"): {"type": "array", "minItems": 1, "items": _ref("route")},
    ("choice", "do"): _EFFECTS,
    ("choice", "id"): {"type": "string", "pattern": _pattern(SLUG.pattern)},
}

# Keys a variable of each type cannot do without, and the kind of its default (the loader says so too).
REQUIRED_BY_TYPE = {"int": ["min", "max"], "set": ["of"], "enum": ["values"]}
DEFAULT_BY_TYPE: dict[str, dict[str, Any]] = {
    "int": {"type": "integer"},
    "flag": {"type": "boolean"},
    "set": {"type": "array", "items": {"type": "string"}},
    "enum": {"type": "string"},
    "string": {"type": "string"},
}


def _definition_name(kind: str) -> str:
    return kind.replace(" ", "_")


def _object(kind: str, fields: dict[str, schema.Field]) -> dict[str, Any]:
    properties: dict[str, Any] = {}
    for key, f in fields.items():
        value = dict(NESTING.get((kind, key)) or _plain(f))
        if f.doc:
            value["description"] = f.doc
        properties[key] = value
    result: dict[str, Any] = {"type": "object", "properties": properties, "additionalProperties": False}
    required = [key for key, f in fields.items() if f.required]
    if required:
        result["required"] = required
    return result


def _plain(f: schema.Field) -> dict[str, Any]:
    types = [_JSON_TYPES[k] for k in f.kinds]
    return {"type": types[0] if len(types) == 1 else types}


def _variable() -> dict[str, Any]:
    result = _object("variable", schema.VARIABLE)
    typed = set().union(*schema.VARIABLE_KEYS_BY_TYPE.values())
    rules = []
    for type_, keys in schema.VARIABLE_KEYS_BY_TYPE.items():
        then: dict[str, Any] = {"properties": {k: False for k in sorted(typed - keys)}}
        then["properties"]["default"] = DEFAULT_BY_TYPE[type_]
        if type_ in REQUIRED_BY_TYPE:
            then["required"] = REQUIRED_BY_TYPE[type_]
        rules.append({"if": {"properties": {"type": {"const": type_}}, "required": ["type"]}, "then": then})
    result["allOf"] = rules
    return result


def _scene() -> dict[str, Any]:
    result = _object("scene", schema.SCENE)
    ways = list(schema.SCENE_WAYS_ON)
    result["oneOf"] = [{"required": [way]} for way in ways]
    return result


def _choice() -> dict[str, Any]:
    """A choice goes on by at most one of goto, choices and route (none: where its list gathers)."""
    result = _object("choice", schema.CHOICE)
    pairs = [["goto", "choices"], ["goto", "route"], ["choices", "route"]]
    result["not"] = {"anyOf": [{"required": pair} for pair in pairs]}
    return result


def story_schema() -> dict[str, Any]:
    """The whole schema: a file with `scenes` is a scene file, any other is the manifest."""
    definitions: dict[str, Any] = {}
    for kind, fields in schema.KINDS.items():
        if kind == "variable":
            definitions[_definition_name(kind)] = _variable()
        elif kind == "scene":
            definitions[_definition_name(kind)] = _scene()
        elif kind == "choice":
            definitions[_definition_name(kind)] = _choice()
        else:
            definitions[_definition_name(kind)] = _object(kind, fields)
    return {
        "$schema": DRAFT,
        "title": "ifengine story file",
        "description": "A story.yaml manifest, or a scene file (one with scenes:). Generated by `ifengine schema`.",
        "if": {"type": "object", "required": ["scenes"]},
        "then": _ref("scene_file"),
        "else": _ref("manifest"),
        "definitions": definitions,
    }


def schema_text() -> str:
    return json.dumps(story_schema(), indent=2, ensure_ascii=False) + "\n"
