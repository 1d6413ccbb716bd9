"""Play in a real terminal: rich for a calm page, prompt_toolkit for a comfortable prompt."""

from __future__ import annotations

from collections.abc import Iterable

from rich.console import Console, Group
from rich.padding import Padding
from rich.panel import Panel
from rich.rule import Rule
from rich.text import Text

from ..model import Story
from ..text import spans
from .session import COMMANDS, Info, Note, Output, Session, Show
from .terminal import safe

_STYLES = {"": "", "i": "italic", "b": "bold", "bi": "bold italic"}


def prose(paragraph: str, style: str = "") -> Text:
    text = Text(style=style)
    for chunk, emphasis in spans(paragraph):
        text.append(safe(chunk), style=_STYLES[emphasis])
    return text


class Renderer:
    """Draws session output on a rich console at a comfortable reading width."""

    def __init__(self, console: Console, story: Story, width: int = 0) -> None:
        self.console = console
        self.story = story
        self.width = width

    @property
    def measure(self) -> int:
        available = self.console.width - 4
        return max(20, min(self.width or 72, available))

    def _block(self, renderable: object) -> None:
        self.console.print(Padding(renderable, (0, 2)), width=self.measure + 4)  # type: ignore[arg-type]

    def title(self) -> None:
        lines = Text(safe(self.story.title), style="bold")
        if self.story.author:
            lines.append("\n" + safe(f"by {self.story.author}"), style="dim")
        if self.story.description:
            lines.append("\n\n" + safe(self.story.description), style="italic")
        self._block(Panel(lines, padding=(1, 2), border_style="dim"))

    def draw(self, outputs: Iterable[Output]) -> None:
        for item in outputs:
            if isinstance(item, Show):
                self.turn(item)
            elif isinstance(item, Note):
                self._block(Text(safe(item.text), style="yellow" if item.error else "dim"))
            elif isinstance(item, Info):
                rows = [Text(safe(item.title), style="bold")]
                for label, value in item.rows:
                    line = Text("  ")
                    line.append(safe(label), style="bold")
                    line.append(("  " if label else "    ") + safe(value))
                    rows.append(line)
                self._block(Group(*rows))

    def turn(self, item: Show) -> None:
        turn = item.turn
        for index, passage in enumerate(turn.passages):
            episode = item.card_before(index)
            if episode is not None:
                card = Text(f"Episode {episode.number}\n", style="dim")
                card.append(safe(episode.title), style="bold")
                self.console.print()
                self._block(Panel(card, padding=(1, 4), border_style="dim", expand=False))
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
            self._block(Panel(card, title="The End", padding=(1, 4), border_style="dim", expand=False))
            return
        if not turn.options:
            self._block(Text("There is no way on from here. Type undo or restart.", style="yellow"))
        for number, option in enumerate(turn.options, 1):
            line = Text(f"{number:>2}. ", style="bold" if not option.locked else "dim")
            line.append(safe(option.text), style="dim" if option.locked else "")
            if option.locked:
                line.append(f"  ({safe(option.reason) or 'locked'})", style="dim italic")
            self._block(line)
        self._block(self.status_line(item))

    def status_line(self, item: Show) -> Text:
        state = item.turn.state
        parts = []
        scene = self.story.scenes[state.scene]
        if scene.episode is not None:
            parts.append(f"Episode {scene.episode.number}")
        for var in self.story.variables.values():
            if not var.public:
                continue
            value = state.values[var.index]
            if var.type == "int":
                parts.append(f"{var.title} {value}/{var.maximum}")
            elif var.type == "set":
                parts.append(f"{var.title} {len(value)}/{len(var.members)}")  # type: ignore[arg-type]
        return Text(safe("  ·  ".join(parts)), style="dim")


def run(story: Story, width: int = 0) -> int:
    from prompt_toolkit import PromptSession
    from prompt_toolkit.completion import WordCompleter

    console = Console(highlight=False)
    renderer = Renderer(console, story, width)
    session = Session(story)
    prompt: PromptSession[str] = PromptSession(completer=WordCompleter(list(COMMANDS), sentence=True))
    renderer.title()
    renderer.draw(session.opening())
    while not session.quit:
        try:
            line = prompt.prompt("> ")
        except (KeyboardInterrupt, EOFError):
            try:
                answer = prompt.prompt("Leave the game? [y/N] ")
            except (KeyboardInterrupt, EOFError):
                answer = "y"
            if answer.strip().lower().startswith("y"):
                return 0
            continue
        renderer.draw(session.handle(line))
        if session.finished:
            renderer.draw([Note("Type restart to play again, or quit.")])
    return 0
