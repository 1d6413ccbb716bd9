"""The page in a real terminal, drawn with rich: a calm column of prose.

The page is a column of prose about 72 characters wide (narrower when the
terminal is), with episode title cards, numbered choices and a quiet status
line. It is separate from the prompt (fancy.py) so that the first scene can be
on screen before prompt_toolkit has even been imported.
"""

from __future__ import annotations

from collections.abc import Iterable

from rich import box
from rich.console import Console, Group, RenderableType
from rich.padding import Padding
from rich.panel import Panel
from rich.rule import Rule
from rich.text import Text

from ..model import Story
from ..text import spans
from .outputs import EndScreen, Info, Note, Output, Show, Table
from .plain import UNSEEN, memory_goes_on
from .terminal import safe
from .views import credit_line

_STYLES = {"": "", "i": "italic", "b": "bold", "bi": "bold italic"}
READING_WIDTH = 72


def outside(text: str, style: str = "") -> Text:
    """Text from a story, a save or the file system, for rich: control characters visible, never markup.

    rich reads any `str` it is handed as markup (`[/]` crashes it, `[link=...]`
    makes a live hyperlink), so every rich call here takes a `Text` from this.
    """
    return Text(safe(text), style=style)


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

    def __init__(self, console: Console, story: Story, width: int = 0, paged: bool = False) -> None:
        self.console = console
        self.story = story
        self.width = width
        self.paged = paged  # stop at each screenful of a long turn (a terminal only, never piped)

    @property
    def measure(self) -> int:
        """The text column: the chosen width (72 by default), never wider than the terminal allows."""
        margin = 4 if self.console.width >= 60 else 2
        available = self.console.width - margin
        return max(20, min(self.width or READING_WIDTH, available))

    @property
    def indent(self) -> int:
        """The left margin: small, or on a terminal more than twice as wide as the text, enough to centre it."""
        if self.console.width >= 2 * self.measure:
            return (self.console.width - self.measure) // 2
        return 2 if self.console.width >= 60 else 1

    def _block(self, renderable: RenderableType) -> None:
        self.console.print(Padding(renderable, (0, self.indent)), width=self.measure + 2 * self.indent)

    def title(self) -> None:
        lines = outside(self.story.title, style="bold")
        byline = credit_line(self.story)
        if byline:
            lines.append("\n" + safe(byline), style="dim")
        if self.story.description:
            lines.append("\n\n" + safe(self.story.description), style="italic")
        self._block(Panel(lines, padding=(1, 2) if self.measure >= 50 else (0, 1), border_style="dim"))

    def draw(self, outputs: Iterable[Output]) -> str:
        """Draw outputs; returns what the reader typed at a "more" stop instead of only Enter ("" if nothing)."""
        typed = ""
        for item in outputs:
            if isinstance(item, Show):
                typed = self.paging(item) or typed
            elif isinstance(item, Note):
                self._block(outside(item.text, style="yellow" if item.error else "dim"))
            elif isinstance(item, Info):
                self.console.print()
                self._block(Group(outside(item.title, style="bold"), self._rows(item.rows)))
                self.console.print()
            elif isinstance(item, Table):
                self.table(item)
            elif isinstance(item, EndScreen):
                self.end_screen(item)
        return typed

    def paging(self, item: Show) -> str:
        """Draw a turn; one taller than the screen stops at each screenful until the reader presses Enter.

        A single choice can print a scene, a flashback and the next scene: without
        this, the start would scroll away before it was read. Anything else typed at
        a stop (a choice number typed ahead, a command) is never lost: the rest of the
        turn is drawn at once and the typed line is returned, for the prompt to act on.
        """
        page = self.console.height - 2
        if not self.paged or page < 5:
            self.turn(item)
            return ""
        with self.console.capture() as captured:
            self.turn(item)
        lines = captured.get().splitlines(keepends=True)
        typed = ""
        while len(lines) > page + 2 and not typed:
            self.console.file.write("".join(lines[:page]))
            self.console.file.flush()
            typed = self.console.input(Text(" " * self.indent + "··· more: press Enter ···", style="dim")).strip()
            lines = lines[page:]
        self.console.file.write("".join(lines))
        self.console.file.flush()
        return typed

    def _rows(self, rows: Iterable[tuple[str, str]]) -> RenderableType:
        from rich.table import Table as RichTable  # imported here: the first prompt never needs a table

        grid = RichTable.grid(padding=(0, 2))
        grid.add_column(style="bold", max_width=max(10, self.measure // 3))
        grid.add_column()
        for label, value in rows:
            grid.add_row(outside(label), outside(value))
        return grid

    def turn(self, item: Show) -> None:
        turn = item.turn
        for index, passage in enumerate(turn.passages):
            episode = item.card_before(index)
            if index == 0:
                self.console.print()  # apart from the prompt; a passage already ends with a blank line
            if episode is not None:  # one blank line above the card (the one before), one below
                card = Text(f"Episode {episode.number}\n", style="dim")
                card.append(safe(episode.title), style="bold")
                self._block(
                    Panel(card, padding=(1, 4) if self.measure >= 50 else (0, 2), border_style="dim", expand=False)
                )
                self.console.print()
            style = "italic" if passage.is_reply else ""
            memory = passage.scene.flashback and not passage.is_reply
            if memory:
                self._block(Rule(outside(passage.scene.when or "memory"), style="dim", characters="·"))
                style = "grey70"
            for para in passage.paragraphs:
                self._block(prose(para, style))
                self.console.print()
            if memory and not memory_goes_on(turn.passages, index):  # the return to the present, marked
                self._block(Rule(Text("now", style="dim"), style="dim", characters="·"))
                self.console.print()
        if turn.ending is not None:
            ending = turn.ending
            card = outside(ending.title, style="bold")
            card.append(f"\n{safe(ending.theme)}", style="dim italic")
            self._block(
                Panel(
                    card,
                    title=Text("The End"),
                    padding=(1, 4) if self.measure >= 50 else (0, 2),
                    border_style="dim",
                    expand=False,
                )
            )
            return
        if not turn.options:
            self._block(Text("There is no way on from here. Type undo or restart.", style="yellow"))
        choices: list[tuple[Text, Text]] = []
        for number, option in enumerate(turn.options, 1):
            words = outside(option.text, style="dim" if option.locked else "")
            if option.locked:
                words.append(f"  ({safe(option.reason) or 'locked'})", style="dim italic")
            choices.append((Text(f"{number}.", style="dim" if option.locked else "bold"), words))
        self._block(self.hanging(choices))
        if item.status:
            self.console.print()
            self._block(outside(pack(item.status, "  ·  ", self.measure), style="dim"))

    def hanging(self, rows: list[tuple[Text, Text]]) -> Text:
        """Labels right-aligned in a column, each text wrapped beside its label with a hanging indent.

        What a two-column grid would draw, without rich's table module (and the
        `fractions` and `decimal` it imports) on the way to the first prompt.
        """
        label_width = max((label.cell_len for label, _ in rows), default=0)
        width = max(1, self.measure - label_width - 1)
        out = Text()
        for label, words in rows:
            for index, line in enumerate(words.wrap(self.console, width)):
                if index == 0:
                    out.append(" " * (label_width - label.cell_len))
                    out.append_text(label)
                else:
                    out.append(" " * label_width)
                out.append(" ")
                out.append_text(line)
                out.append("\n")
        out.rstrip()
        return out

    def table(self, item: Table) -> None:
        from rich.table import Table as RichTable  # imported here: the first prompt never needs a table

        self.console.print()
        if self.measure >= 56:
            table = RichTable(title=outside(item.title), title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False)
            for column in item.columns:  # only the scene's title may wrap: a slot, a date, a time never break
                wraps = column == "Scene"
                table.add_column(outside(column), overflow="fold" if wraps else "ellipsis", no_wrap=not wraps)
            for row in item.rows:
                table.add_row(*(outside(cell) for cell in row))
            self._block(table)
        else:  # a narrow terminal: one save a block, every field named
            lines: list[RenderableType] = [outside(item.title, style="bold")]
            for row in item.rows:
                details = ", ".join(
                    f"{name.lower()} {cell}" for name, cell in zip(item.columns[1:], row[1:], strict=True)
                )
                lines += [outside(row[0], style="bold"), Padding(outside(details, style="dim"), (0, 0, 0, 2))]
            self._block(Group(*lines))
        for note in item.notes:
            self._block(outside(note, style="yellow"))
        self.console.print()

    def end_screen(self, screen: EndScreen) -> None:
        parts: list[RenderableType] = []
        if screen.ending.description:
            parts += [outside(screen.ending.description, style="italic"), Text()]
        parts += [Text("Your path", style="bold"), self._rows(screen.path), Text()]
        parts.append(Text(f"Endings seen: {screen.seen_count} of {len(screen.endings)}", style="bold"))
        for title, seen in screen.endings:
            line = Text("  ✓ " if seen else "  · ", style="" if seen else "dim")
            line.append(safe(title) if seen else UNSEEN, style="" if seen else "dim")
            parts.append(line)
        self.console.print()
        self._block(Group(*parts))
        self.console.print()
