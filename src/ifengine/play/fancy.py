"""Play in a real terminal: the rich page (page.py) and a comfortable prompt_toolkit prompt.

The prompt completes commands and slot names, keeps a history, and asks
before Ctrl-C or Ctrl-D lose anything. With a watcher it also reloads the
story while waiting for input.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from typing import Any

from prompt_toolkit import PromptSession
from prompt_toolkit.completion import CompleteEvent, Completer, Completion
from prompt_toolkit.document import Document
from rich.console import Console

from .. import startup
from .outputs import AFTER_THE_END, EndScreen, Note, Output
from .page import Renderer, pack, prose
from .plain import leave_question
from .session import COMMANDS, TAKES_SLOT, Session
from .watch import Watcher

__all__ = ["PlayCompleter", "Renderer", "pack", "prose", "run"]

WATCH_INTERVAL = 0.5  # seconds between looks at the story's files
LATER_DELAY = 0.3  # seconds after the prompt is first shown: work that can wait for the reader


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
    renderer: Renderer | None = None,
    typed: str = "",
    later: Callable[[], None] | None = None,
) -> int:
    """Play until the player leaves; the input/output arguments let tests drive a real prompt.

    Given a `renderer`, the title and opening are taken as already drawn (see
    `launch`, which draws them before this module is imported), and `typed` is
    what the reader typed at a "more" stop in the opening, acted on first.
    `later` runs once the prompt is live (see `launch.remember`).
    """
    if renderer is None:
        renderer = Renderer(console or Console(highlight=False), session.story, width)
        renderer.title()
        typed = renderer.draw(opening if opening is not None else session.opening())
    prompt: PromptSession[str] = PromptSession(
        completer=PlayCompleter(session), input=prompt_input, output=prompt_output, reserve_space_for_menu=4
    )
    startup.settle()
    return asyncio.run(_play(session, renderer, prompt, watcher, typed, later))


async def _play(
    session: Session,
    renderer: Renderer,
    prompt: PromptSession[str],
    watcher: Watcher | None,
    typed: str = "",
    later: Callable[[], None] | None = None,
) -> int:
    if later is not None:  # after the prompt has answered what was typed ahead
        asyncio.get_running_loop().call_later(LATER_DELAY, later)
    while not session.quit:
        if typed:  # typed at a "more" stop: acted on as if typed at the prompt
            line: str | None = typed
            typed = ""
        else:
            try:
                line = await _ask(prompt, " " * renderer.indent + "> ", session, renderer, watcher)
            except (KeyboardInterrupt, EOFError):
                if await _leave(prompt, session, renderer):
                    return 0
                continue
        if line is None:  # the story was reloaded while waiting
            continue
        outputs = session.handle(line)
        try:
            typed = renderer.draw(outputs)
        except KeyboardInterrupt:  # Ctrl-C while a long turn is drawn asks too, as at the prompt
            if await _leave(prompt, session, renderer):
                return 0
            continue
        if session.finished and not session.quit and any(isinstance(o, EndScreen) for o in outputs):
            renderer.draw([Note(AFTER_THE_END)])  # said once, as the story ends
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


async def _leave(prompt: PromptSession[str], session: Session, renderer: Renderer) -> bool:
    """Ask before leaving: the question wrapped in the text column, the answer on a line of its own."""
    question, _, choices = leave_question(session).rpartition(" [")
    renderer.draw([Note(question)])
    try:
        answer = await prompt.prompt_async(" " * renderer.indent + "[" + choices)
    except (KeyboardInterrupt, EOFError):
        return True
    return answer.strip().lower().startswith("y")
