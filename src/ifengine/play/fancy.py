"""Play in a real terminal: rich for a calm page, prompt_toolkit for a comfortable prompt.

The page is a column of prose about 72 characters wide (narrower when the
terminal is), with episode title cards, numbered choices and a quiet status
line. The prompt completes commands and slot names, keeps a history, and asks
before Ctrl-C or Ctrl-D lose anything. With a watcher it also reloads the
story while waiting for input.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Iterator
from typing import Any

from prompt_toolkit import PromptSession
from prompt_toolkit.completion import CompleteEvent, Completer, Completion
from prompt_toolkit.document import Document
from rich import box
from rich.console import Console, Group, RenderableType
from rich.padding import Padding
from rich.panel import Panel
from rich.rule import Rule
from rich.table import Table as RichTable
from rich.text import Text

from ..model import Story
from ..text import spans
from .outputs import EndScreen, Info, Note, Output, Show, Table
from .plain import UNSEEN, leave_question
from .session import COMMANDS, TAKES_SLOT, Session
from .terminal import safe
from .watch import Watcher

_STYLES = {"": "", "i": "italic", "b": "bold", "bi": "bold italic"}
READING_WIDTH = 72
WATCH_INTERVAL = 0.5  # seconds between looks at the story's files


def prose(paragraph: str, style: str = "") -> Text:
    text = Text(style=style)
    for chunk, emphasis in spans(paragraph):
        text.append(safe(chunk), style=_STYLES[emphasis])
    return text


def pack(parts: Iterable[str], separator: str, width: int) -> str:
    """Join parts into lines no wider than `width`, breaking only between parts."""
    lines: list[str] = []
    for part in parts:
        if lines and len(lines[-1]) + len(separator) + len(part) <= width:
            lines[-1] += separator + part
        else:
            lines.append(part)
    return "\n".join(lines)


class Renderer:
    """Draws session output on a rich console at a comfortable reading width."""

    def __init__(self, console: Console, story: Story, width: int = 0) -> None:
        self.console = console
        self.story = story
        self.width = width

    @property
    def measure(self) -> int:
        """The text column: the chosen width (72 by default), never wider than the terminal allows."""
        margin = 4 if self.console.width >= 60 else 2
        available = self.console.width - margin
        return max(20, min(self.width or READING_WIDTH, available))

    @property
    def indent(self) -> int:
        return 2 if self.console.width >= 60 else 1

    def _block(self, renderable: RenderableType) -> None:
        self.console.print(Padding(renderable, (0, self.indent)), width=self.measure + 2 * self.indent)

    def title(self) -> None:
        lines = Text(safe(self.story.title), style="bold")
        if self.story.author:
            lines.append("\n" + safe(f"by {self.story.author}"), style="dim")
        if self.story.description:
            lines.append("\n\n" + safe(self.story.description), style="italic")
        self._block(Panel(lines, padding=(1, 2) if self.measure >= 50 else (0, 1), border_style="dim"))

    def draw(self, outputs: Iterable[Output]) -> None:
        for item in outputs:
            if isinstance(item, Show):
                self.turn(item)
            elif isinstance(item, Note):
                self._block(Text(safe(item.text), style="yellow" if item.error else "dim"))
            elif isinstance(item, Info):
                self.console.print()
                self._block(Group(Text(safe(item.title), style="bold"), self._rows(item.rows)))
                self.console.print()
            elif isinstance(item, Table):
                self.table(item)
            elif isinstance(item, EndScreen):
                self.end_screen(item)

    def _rows(self, rows: Iterable[tuple[str, str]]) -> RenderableType:
        grid = RichTable.grid(padding=(0, 2))
        grid.add_column(style="bold", max_width=max(10, self.measure // 3))
        grid.add_column()
        for label, value in rows:
            grid.add_row(safe(label), safe(value))
        return grid

    def turn(self, item: Show) -> None:
        turn = item.turn
        for index, passage in enumerate(turn.passages):
            episode = item.card_before(index)
            if episode is not None:
                card = Text(f"Episode {episode.number}\n", style="dim")
                card.append(safe(episode.title), style="bold")
                self.console.print()
                self._block(
                    Panel(card, padding=(1, 4) if self.measure >= 50 else (0, 2), border_style="dim", expand=False)
                )
            if index == 0:
                self.console.print()
            style = "italic" if passage.is_reply else ""
            if passage.scene.flashback and not passage.is_reply:
                self._block(Rule(safe(passage.scene.when or "memory"), style="dim", characters="·"))
                style = "grey70"
            for para in passage.paragraphs:
                self._block(prose(para, style))
                self.console.print()
        if turn.ending is not None:
            ending = turn.ending
            card = Text(safe(ending.title), style="bold")
            card.append(f"\n{safe(ending.theme)}", style="dim italic")
            self._block(
                Panel(
                    card,
                    title="The End",
                    padding=(1, 4) if self.measure >= 50 else (0, 2),
                    border_style="dim",
                    expand=False,
                )
            )
            return
        if not turn.options:
            self._block(Text("There is no way on from here. Type undo or restart.", style="yellow"))
        choices = RichTable.grid(padding=(0, 1))
        choices.add_column(justify="right", no_wrap=True)
        choices.add_column()
        for number, option in enumerate(turn.options, 1):
            words = Text(safe(option.text), style="dim" if option.locked else "")
            if option.locked:
                words.append(f"  ({safe(option.reason) or 'locked'})", style="dim italic")
            choices.add_row(Text(f"{number}.", style="dim" if option.locked else "bold"), words)
        self._block(choices)
        if item.status:
            self.console.print()
            self._block(Text(safe(pack(item.status, "  ·  ", self.measure)), style="dim"))

    def table(self, item: Table) -> None:
        self.console.print()
        if self.measure >= 56:
            table = RichTable(title=safe(item.title), title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False)
            for column in item.columns:
                table.add_column(column, overflow="fold")
            for row in item.rows:
                table.add_row(*(safe(cell) for cell in row))
            self._block(table)
        else:  # a narrow terminal: one save a block, every field named
            lines: list[RenderableType] = [Text(safe(item.title), style="bold")]
            for row in item.rows:
                details = ", ".join(
                    f"{name.lower()} {cell}" for name, cell in zip(item.columns[1:], row[1:], strict=True)
                )
                lines += [Text(safe(row[0]), style="bold"), Padding(Text(safe(details), style="dim"), (0, 0, 0, 2))]
            self._block(Group(*lines))
        for note in item.notes:
            self._block(Text(safe(note), style="yellow"))
        self.console.print()

    def end_screen(self, screen: EndScreen) -> None:
        parts: list[RenderableType] = []
        if screen.ending.description:
            parts += [Text(safe(screen.ending.description), style="italic"), Text()]
        parts += [Text("Your path", style="bold"), self._rows(screen.path), Text()]
        parts.append(Text(f"Endings seen: {screen.seen_count} of {len(screen.endings)}", style="bold"))
        for title, seen in screen.endings:
            line = Text("  ✓ " if seen else "  · ", style="" if seen else "dim")
            line.append(safe(title) if seen else UNSEEN, style="" if seen else "dim")
            parts.append(line)
        self.console.print()
        self._block(Group(*parts))
        self.console.print()


class PlayCompleter(Completer):
    """Completes command names, and slot names after `save` and `load`."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def get_completions(self, document: Document, complete_event: CompleteEvent) -> Iterator[Completion]:
        text = document.text_before_cursor.lstrip()
        word, space, rest = text.partition(" ")
        if not space:
            for name in COMMANDS:
                if name.startswith(word.lower()):
                    yield Completion(name, -len(word), display_meta=COMMANDS[name])
            return
        if word.lower() in TAKES_SLOT and " " not in rest and self.session.store is not None:
            for slot in self.session.store.slots():
                if slot.startswith(rest):
                    yield Completion(slot, -len(rest))


def run(
    session: Session,
    console: Console | None = None,
    width: int = 0,
    opening: list[Output] | None = None,
    watcher: Watcher | None = None,
    prompt_input: Any = None,
    prompt_output: Any = None,
) -> int:
    """Play until the player leaves; the input/output arguments let tests drive a real prompt."""
    console = console or Console(highlight=False)
    renderer = Renderer(console, session.story, width)
    prompt: PromptSession[str] = PromptSession(
        completer=PlayCompleter(session), input=prompt_input, output=prompt_output, reserve_space_for_menu=4
    )
    renderer.title()
    renderer.draw(opening if opening is not None else session.opening())
    return asyncio.run(_play(session, renderer, prompt, watcher))


async def _play(session: Session, renderer: Renderer, prompt: PromptSession[str], watcher: Watcher | None) -> int:
    while not session.quit:
        try:
            line = await _ask(prompt, "> ", session, renderer, watcher)
        except (KeyboardInterrupt, EOFError):
            if await _leave(prompt, session):
                return 0
            continue
        if line is None:  # the story was reloaded while waiting
            continue
        outputs = session.handle(line)
        try:
            renderer.draw(outputs)
        except KeyboardInterrupt:  # Ctrl-C while a long turn is drawn asks too, as at the prompt
            if await _leave(prompt, session):
                return 0
            continue
        if session.finished and not session.quit:
            renderer.draw([Note("Type restart to play again, load to go back to a save, or quit.")])
    return 0


async def _ask(
    prompt: PromptSession[str], message: str, session: Session, renderer: Renderer, watcher: Watcher | None
) -> str | None:
    """One line of input; None if the story's files changed meanwhile (then the reload is drawn)."""
    if watcher is None:
        return await prompt.prompt_async(message)
    reloaded: list[Output] = []

    async def watch() -> None:
        while True:
            await asyncio.sleep(WATCH_INTERVAL)
            if watcher.changed():
                reloaded.extend(_reload(session, watcher))
                if prompt.app.is_running:
                    prompt.app.exit(result="")
                return

    task = asyncio.ensure_future(watch())
    try:
        line = await prompt.prompt_async(message)
    finally:
        task.cancel()
    if reloaded:
        renderer.story = session.story
        renderer.draw(reloaded)
        return None
    return line


def _reload(session: Session, watcher: Watcher) -> list[Output]:
    from .watch import reload

    return reload(session, watcher.root)


async def _leave(prompt: PromptSession[str], session: Session) -> bool:
    try:
        answer = await prompt.prompt_async(leave_question(session))
    except (KeyboardInterrupt, EOFError):
        return True
    return answer.strip().lower().startswith("y")
