"""The keys of the story format, in one table that the loader enforces.

Each object kind maps its keys to a Field: the accepted value kinds, whether it
is required, and a line of documentation. The loader checks every file against
this table, so unknown keys and wrong types are reported in one place.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Field:
    """One key a story file may hold: the kinds of value it takes, and whether it must be there."""

    kinds: tuple[str, ...]  # any of: str, int, bool, map, list
    required: bool = False
    doc: str = ""


def _f(kinds: str, doc: str, required: bool = False) -> Field:
    return Field(tuple(kinds.split("|")), required, doc)


MANIFEST = {
    "id": _f("str", "A short name for the story (letters, digits, - and _); saves remember it.", True),
    "title": _f("str", "The story's title.", True),
    "author": _f("str", "Who wrote it."),
    "credit": _f("str", "The title card's line in place of 'by' and the author, worded as you like."),
    "description": _f("str", "One or two sentences for the title card."),
    "version": _f("int", "A whole number to raise when you publish a new version."),
    "start": _f("str", "The id of the first scene.", True),
    "files": _f("list", "Scene files in order (default: every other .yaml file, sorted)."),
    "state": _f("map", "The story's variables, by name."),
    "constants": _f("map", "Named values that never change: whole numbers, true/false or text."),
    "endings": _f("map", "The story's endings, by id.", True),
    "status_line": _f("str", "The line under the choices: numbers (the default), words (no numbers), or none."),
}

VARIABLE = {
    "type": _f("str", "int, flag, set, enum or string.", True),
    "label": _f("str", "The name players see."),
    "description": _f("str", "One line players see on the status screen."),
    "public": _f("bool", "Show it on the status screen and the line under the choices (as show: always)."),
    "show": _f("str", "Where players see it: always (status screen and the line under the choices), status, or never."),
    "words": _f("map", "int: words to show instead of the number, by the lowest value each applies from."),
    "bar": _f("bool", "int: show it as a bar from min to max."),
    "opposed": _f("list", "int: two words for its ends, shown with a marker between them (cautious, reckless)."),
    "default": _f("int|bool|str|list", "The starting value."),
    "min": _f("int", "int: the smallest value (required for int)."),
    "max": _f("int", "int: the largest value (required for int)."),
    "of": _f("map", "set: the members, as name: Label or name: {label, description}."),
    "values": _f("list", "enum: the allowed values."),
}
VARIABLE_KEYS_BY_TYPE = {
    "int": {"min", "max", "default", "words", "bar", "opposed"},
    "flag": {"default"},
    "set": {"of", "default"},
    "enum": {"values", "default"},
    "string": {"default"},
}

MEMBER = {
    "label": _f("str", "The name players see.", True),
    "description": _f("str", "One line players see in the journal or status screen."),
}

ENDING = {
    "title": _f("str", "The ending's title.", True),
    "theme": _f("str", "One or two words: what the ending is about.", True),
    "description": _f("str", "One line for the endings gallery."),
}

SCENE_FILE = {
    "episode": _f("map", "This file's episode: {number, title}."),
    "scenes": _f("map", "The scenes, by id.", True),
}

EPISODE = {
    "number": _f("int", "The episode's number.", True),
    "title": _f("str", "The episode's title.", True),
}

SCENE = {
    "title": _f("str", "A short title for the saves list."),
    "text": _f("str", "The prose, with {expression} and {if ...}...{/if}."),
    "again": _f("str", "The prose on later visits, in place of text."),
    "do": _f("str|list", "Effects applied when the scene is entered, before its text is shown."),
    "after": _f("str|list", "Effects applied after its text is shown (the text still reads the old values)."),
    "choices": _f("list", "The player's choices."),
    "goto": _f("str", "Flow straight on to this scene (`return` goes back to where a call said to go on)."),
    "route": _f("list", "Go to the first route whose condition holds, or pick one by chance: weights."),
    "ending": _f("str", "This scene ends the game with this declared ending."),
    "call": _f("str", "Play this scene first, until it returns; then go on by goto."),
    "then": _f("str|map", "Where choices without a goto gather: a scene id, `return`, or a scene written here."),
    "flashback": _f("bool", "Show the scene set apart, as memory."),
    "when": _f("str", "A caption such as 'Mexico City, 1958'."),
    "assumes": _f("str|bool", "A condition that must hold whenever the scene is entered; explore proves it."),
    "local": _f("map", "Values that live only while play is in this scene (declared as under state:)."),
}
SCENE_WAYS_ON = ("choices", "goto", "route", "ending")

CHOICE = {
    "text": _f("str", "What the player reads; `[ ]` marks words shown only in the menu.", True),
    "goto": _f("str", "The scene it leads to (`return` to go back from a called scene)."),
    "choices": _f("list", "Choices that follow this one, instead of a goto."),
    "then": _f("str|map", "Where this choice's own choices gather: a scene id, `return`, or a scene written here."),
    "route": _f("list", "Routes to follow when it is taken (for example by chance:), instead of a goto."),
    "call": _f("str", "Play this scene first, until it returns; then go on by goto (or where choices gather)."),
    "id": _f("str", "A stable id; saves and recordings store it."),
    "if": _f("str|bool", "Hidden unless this condition holds."),
    "requires": _f("str|bool", "Shown locked unless this condition holds."),
    "locked": _f("str", "The reason shown on a locked choice."),
    "once": _f("bool", "Hidden after it has been taken once."),
    "fallback": _f("bool", "Offered only when no other choice is open."),
    "do": _f("str|list", "Effects applied when it is taken."),
    "reply": _f("str", "Prose shown right after it is taken."),
    "assumes": _f("str|bool", "A condition that must hold whenever the choice is shown; explore proves it."),
}

ROUTE = {
    "if": _f("str|bool", "Take this route when the condition holds (omit on the last)."),
    "goto": _f("str", "The scene to go to (`return` to go back from a called scene).", True),
    "chance": _f("int", "A weight: routes with weights are picked at random, in proportion."),
    "call": _f("str", "Play this scene first, until it returns; then go on by goto."),
}

KINDS = {
    "manifest": MANIFEST,
    "variable": VARIABLE,
    "member": MEMBER,
    "ending": ENDING,
    "scene file": SCENE_FILE,
    "episode": EPISODE,
    "scene": SCENE,
    "choice": CHOICE,
    "route": ROUTE,
}
