"""Property: whatever text a story or a save holds, the rich page shows it literally and sends no control byte.

The renderer is driven with colour and styles off (color_system=None), so any
escape byte in its output came from the content, not from rich's own styling.
"""

from __future__ import annotations

import dataclasses
import io
import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rich.console import Console

from conftest import LIGHTHOUSE
from ifengine import load_story, start
from ifengine.expr import Env
from ifengine.model import Story
from ifengine.play import page
from ifengine.play.outputs import EndScreen, Info, Note, Output, Show, Table
from ifengine.play.terminal import safe
from ifengine.play.views import status_rows
from ifengine.text import compile_template

STORY = load_story(str(LIGHTHOUSE))
# Markup punctuation, escapes, C0, C1 and bidi controls, and ordinary letters; no template syntax ({ } * _).
MARKUP = ["[/]", "[link=file:///x]", "[blink]", "\\"]
CONTROLS = ["\x1b", "\x07", "\r", "\x9b", "\x85", "\u202e", "\u2066", "\u2028", "\x00", "\x7f"]
ALPHABET = st.sampled_from([*"[]/=#@ab é—", *MARKUP, *CONTROLS])
TEXT = st.lists(ALPHABET, min_size=1, max_size=3).map("".join)  # short: the label column never truncates it
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def hostile_story(texts: list[str]) -> Story:
    """The bundled sample with a hostile string in every field the page shows (the loader would refuse some)."""
    prose, choice, label, when, title, ending_title, _, _ = texts
    env = Env(STORY.variables, frozenset(STORY.scenes))
    shore = STORY.scenes["shore"]
    choices = tuple(dataclasses.replace(c, text=compile_template(f"go {choice}", env)) for c in shore.choices)
    scene = dataclasses.replace(
        shore, text=compile_template(f"Sea {prose}", env), choices=choices, flashback=True, when=when
    )
    items = STORY.variables["items"]
    members = {k: dataclasses.replace(m, label=f"{label}{k}") for k, m in items.members.items()}
    variables = {**STORY.variables, "items": dataclasses.replace(items, members=members, label=label)}
    endings = {k: dataclasses.replace(e, title=ending_title) for k, e in STORY.endings.items()}
    return dataclasses.replace(
        STORY, title=title, scenes={**STORY.scenes, "shore": scene}, variables=variables, endings=endings
    )


def shown(story: Story, outputs: list[Output]) -> str:
    out = io.StringIO()
    console = Console(file=out, width=200, force_terminal=True, color_system=None, highlight=False, record=True)
    renderer = page.Renderer(console, story, 190)
    renderer.title()
    renderer.draw(outputs)
    return out.getvalue()


def squeezed(text: str) -> str:
    return "".join(text.split())


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(TEXT, min_size=8, max_size=8))
def test_the_rich_page_shows_any_text_literally_and_sends_no_control_byte(texts: list[str]) -> None:
    story = hostile_story(texts)
    *_, value, save = texts
    state = start(story).state
    ending = next(iter(story.endings.values()))
    outputs: list[Output] = [
        Show(start(story), status=(f"s {value}",)),
        Note(f"n {value}", error=True),
        Info("Status", (*status_rows(story, state), ("Name", value))),
        Table("Saves", ("Slot", "Scene"), ((save, f"t {save}"),), (f"bad {save}",)),
        EndScreen(ending, (("Key choices", value),), ((ending.title, True),)),
    ]
    text = shown(story, outputs)
    assert not CONTROL.search(text), repr(text)
    whole = squeezed(text)
    prose, choice, *rest = texts
    for piece in [templated(prose), templated(choice), *rest]:
        assert squeezed(safe(piece)) in whole, (piece, text)


def templated(text: str) -> str:
    """What a template makes of text: whitespace (U+2028 too) folded, NUL (its internal marker) dropped."""
    return " ".join(text.replace("\x00", "").split())
