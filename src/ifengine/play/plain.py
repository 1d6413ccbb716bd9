"""Plain text play for pipes, scripts and screen readers: the same content, no colour, no boxes.

Two loops share one renderer. `run` reads lines from a pipe and echoes each
(`> line`) so a transcript reads like a session; it exits 0 at an ending or
`quit` and 1 if the input ends first. `run_terminal` is plain mode in a real
terminal (`--plain`, `NO_COLOR`): it prompts, goes on after an ending, and asks
before Ctrl-C or Ctrl-D lose anything.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Iterable
from typing import TextIO

from ..model import Story
from ..runtime import Turn
from ..text import plain
from .outputs import AFTER_THE_END, EndScreen, Info, Note, Output, Show, Table
from .session import Session
from .terminal import safe
from .views import credit_line
from .watch import Watcher

UNSEEN = "???"


def _wrap(text: str, width: int, indent: str = "") -> str:
    if not width:
        return indent + text
    return textwrap.fill(
        text, width=width, initial_indent=indent, subsequent_indent=indent + "  " * bool(indent), break_on_hyphens=False
    )


def render(outputs: Iterable[Output], out: TextIO, width: int = 72) -> None:
    for item in outputs:
        if isinstance(item, Show):
            _turn(item, out, width)
        elif isinstance(item, Note):
            out.write(safe(("! " if item.error else "") + item.text) + "\n")  # never wrapped: one line, greppable
        elif isinstance(item, Info):
            out.write(f"\n{safe(item.title)}\n")
            _rows(item.rows, out, width)
            out.write("\n")
        elif isinstance(item, Table):
            _table(item, out, width)
        elif isinstance(item, EndScreen):
            _end_screen(item, out, width)
    out.flush()


def _rows(rows: Iterable[tuple[str, str]], out: TextIO, width: int) -> None:
    for label, value in rows:
        if not label and not value:
            out.write("\n")
            continue
        line = f"{label}: {value}" if label else f"  {value}"
        out.write(safe(_wrap(line, width, "  ")) + "\n")


def memory_goes_on(passages: tuple, index: int) -> bool:
    """Whether the flashback passage at `index` is followed by more of the same memory."""
    later = passages[index + 1] if index + 1 < len(passages) else None
    return later is not None and later.scene.flashback and not later.is_reply


def _turn(item: Show, out: TextIO, width: int) -> None:
    turn: Turn = item.turn
    for index, passage in enumerate(turn.passages):
        episode = item.card_before(index)
        if episode is not None:
            out.write(safe(f"\n== Episode {episode.number}: {episode.title} ==\n"))
        if index == 0 or episode is not None:
            out.write("\n")
        if passage.scene.flashback and not passage.is_reply:
            caption = f" ({passage.scene.when})" if passage.scene.when else ""
            out.write(safe(f"-- Memory{caption} --") + "\n")
        for para in passage.paragraphs:
            out.write(safe(_wrap(plain(para), width)) + "\n\n")
        if passage.scene.flashback and not passage.is_reply and not memory_goes_on(turn.passages, index):
            out.write("-- Now --\n\n")
    if turn.ending is not None:
        out.write(safe(f"THE END: {turn.ending.title} ({turn.ending.theme})") + "\n")
        return
    if not turn.options:
        out.write("There is no way on from here. Type undo or restart.\n")
    for number, option in enumerate(turn.options, 1):
        line = f"{number}. {option.text}"
        if option.locked:
            line += f" [locked: {option.reason}]" if option.reason else " [locked]"
        out.write(safe(_wrap(line, width, "  ")) + "\n")
    if item.status:
        out.write(safe(_wrap("(" + "; ".join(item.status) + ")", width, "  ")) + "\n")


def _table(table: Table, out: TextIO, width: int) -> None:
    out.write(f"\n{safe(table.title)}\n")
    widths = [max(len(row[i]) for row in (table.columns, *table.rows)) for i in range(len(table.columns))]
    if 2 + sum(widths) + 2 * (len(widths) - 1) <= (width or 10_000):
        for row in (table.columns, *table.rows):
            out.write(
                safe("  " + "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()) + "\n"
            )
    else:  # too narrow for columns: one save a line, every field named
        for row in table.rows:
            fields = ", ".join(f"{name.lower()} {cell}" for name, cell in zip(table.columns[1:], row[1:], strict=True))
            out.write(safe(_wrap(f"{row[0]}: {fields}", width, "  ")) + "\n")
    for note in table.notes:
        out.write(safe(_wrap("! " + note, width, "  ")) + "\n")
    out.write("\n")


def _end_screen(screen: EndScreen, out: TextIO, width: int) -> None:
    if screen.ending.description:
        out.write(safe(_wrap(screen.ending.description, width)) + "\n")
    out.write("\nYour path\n")
    _rows(screen.path, out, width)
    out.write(f"\nEndings seen: {screen.seen_count} of {len(screen.endings)}\n")
    for title, seen in screen.endings:
        out.write(safe(f"  [{'x' if seen else ' '}] {title if seen else UNSEEN}") + "\n")
    out.write("\n")


def title_card(story: Story, out: TextIO, width: int = 72) -> None:
    """The title, who it is by (or the story's own credit line), and its description, as the rich card has them."""
    out.write(safe(story.title) + "\n")
    byline = credit_line(story)
    if byline:
        out.write(safe(_wrap(byline, width)) + "\n")
    if story.description:
        out.write("\n" + safe(_wrap(story.description, width)) + "\n")


def _first(session: Session, opening: list[Output] | None) -> list[Output]:
    return opening if opening is not None else session.opening()


def run(
    session: Session,
    lines: Iterable[str],
    out: TextIO,
    width: int = 72,
    opening: list[Output] | None = None,
    watcher: Watcher | None = None,
) -> int:
    """Play from lines of input until an ending (exit 0), quit (0) or end of input (1)."""
    title_card(session.story, out, width)
    render(_first(session, opening), out, width)
    if session.finished:
        return 0
    for line in lines:
        if watcher is not None:
            render(watcher.poll(session), out, width)
        out.write(f"> {safe(line.rstrip())}\n")
        outputs = session.handle(line)
        render(outputs, out, width)
        if session.quit or session.finished:
            return 0
    out.write("! Input ended before the story did.\n")
    return 1


def run_terminal(
    session: Session,
    out: TextIO,
    read: Callable[[str], str] = input,
    width: int = 72,
    opening: list[Output] | None = None,
    watcher: Watcher | None = None,
) -> int:
    """Plain mode in a terminal: prompt, play on after endings, ask before losing anything."""
    title_card(session.story, out, width)
    render(_first(session, opening), out, width)
    while True:
        try:
            line = read("> ")
        except (KeyboardInterrupt, EOFError):
            out.write("\n")
            if _confirm_leave(session, out, read):
                return 0
            continue
        if watcher is not None:
            render(watcher.poll(session), out, width)
        outputs = session.handle(line)
        render(outputs, out, width)
        if session.quit:
            return 0
        if session.finished and any(isinstance(o, EndScreen) for o in outputs):  # said once, as the story ends
            render([Note(AFTER_THE_END)], out, width)


def leave_question(session: Session) -> str:
    risk = session.at_risk()
    if risk:
        return f"Leave the game? {risk[0].upper()}{risk[1:]}. [y/N] "
    return "Leave the game? Your place is saved. [y/N] "


def _confirm_leave(session: Session, out: TextIO, read: Callable[[str], str]) -> bool:
    try:
        answer = read(leave_question(session))
    except (KeyboardInterrupt, EOFError):
        out.write("\n")
        return True
    return answer.strip().lower().startswith("y")
