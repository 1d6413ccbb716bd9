"""Plain text play for pipes, scripts and screen readers: same content, no colour or boxes."""

from __future__ import annotations

import textwrap
from collections.abc import Iterable
from typing import TextIO

from ..model import Story
from ..runtime import Turn
from ..text import plain
from .session import Info, Note, Output, Session, Show
from .terminal import safe


def _wrap(text: str, width: int) -> str:
    return textwrap.fill(text, width=width) if width else text


def render(outputs: Iterable[Output], out: TextIO, width: int = 72) -> None:
    for item in outputs:
        if isinstance(item, Show):
            _turn(item, out, width)
        elif isinstance(item, Note):
            out.write(safe(("! " if item.error else "") + item.text) + "\n")
        elif isinstance(item, Info):
            out.write(f"\n{safe(item.title)}\n")
            for label, value in item.rows:
                line = f"  {label}: {value}" if label else f"    {value}"
                out.write(safe(_wrap(line, width)) + "\n")
            out.write("\n")


def _turn(item: Show, out: TextIO, width: int) -> None:
    turn: Turn = item.turn
    for index, passage in enumerate(turn.passages):
        episode = item.card_before(index)
        if episode is not None:
            out.write(safe(f"\n== Episode {episode.number}: {episode.title} ==\n"))
        out.write("\n")
        if passage.scene.flashback and not passage.is_reply:
            caption = f" ({passage.scene.when})" if passage.scene.when else ""
            out.write(safe(f"-- Memory{caption} --") + "\n")
        for para in passage.paragraphs:
            out.write(safe(_wrap(plain(para), width)) + "\n\n")
    if turn.ending is not None:
        out.write(safe(f"THE END: {turn.ending.title} ({turn.ending.theme})") + "\n")
        return
    if not turn.options:
        out.write("There is no way on from here. Type undo or restart.\n")
    for number, option in enumerate(turn.options, 1):
        line = f"  {number}. {option.text}"
        if option.locked:
            line += f" [locked: {option.reason}]" if option.reason else " [locked]"
        out.write(safe(line) + "\n")


def title_card(story: Story, out: TextIO) -> None:
    out.write(safe(story.title) + "\n")
    if story.author:
        out.write(safe(f"by {story.author}") + "\n")


def run(story: Story, lines: Iterable[str], out: TextIO, width: int = 72) -> int:
    """Play from lines of input until an ending (exit 0), quit (0) or end of input (1)."""
    session = Session(story)
    title_card(story, out)
    render(session.opening(), out, width)
    if session.finished:
        return 0
    for line in lines:
        out.write(f"> {safe(line.rstrip())}\n")
        render(session.handle(line), out, width)
        if session.quit:
            return 0
        if session.finished:
            return 0
    out.write("! Input ended before the story did.\n")
    return 1
