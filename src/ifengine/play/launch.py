"""`ifengine play`: choose the front end, the saves folder, and what to resume, record or watch.

Pipe mode (standard input is not a terminal) keeps its contract: one line per
input, plain text, exit 0 at an ending or `quit`, 1 if the input ends first.
It only writes the autosave and the endings gallery when a saves folder is
named (`--saves` or $IFENGINE_SAVES) or `--continue` is given, so scripts do
not litter the working directory; `save` and `load` work either way.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
import textwrap
import time
from collections.abc import Mapping
from typing import NamedTuple, TextIO

from .. import startup
from ..loader import load_story, story_root
from ..model import Story
from ..savejson import shown
from ..saves import AUTOSAVE, ENV_FOLDER, Loaded, SaveError, SaveStore, default_folder
from .outputs import Note, Output
from .session import Recorder, Session
from .watch import Watcher


class PlayOptions(NamedTuple):
    """How to play, from the command line."""

    plain: bool = False
    width: int = 0
    saves: str | None = None
    resume: bool = False
    record: str | None = None
    watch: bool = False


class PlayError(Exception):
    """A play option that cannot be honoured; the message is one line."""


def _recorder(path: str) -> Recorder:
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise PlayError(f"cannot record to {path}: the folder {folder} does not exist")
    if os.path.isdir(path):
        raise PlayError(f"cannot record to {path}: it is a folder; give a file name such as run.yaml")

    from .. import recording

    def write(rec: recording.Recording) -> None:
        recording.write(path, rec)

    return write


def load(path: str, options: PlayOptions, environ: Mapping[str, str] | None = None) -> Story:
    """The story to play: compiled scene by scene as play reaches it when the saves folder
    records it checked clean as it is now (`checked.py`), else loaded and checked in full.
    """
    from .. import checked

    env = os.environ if environ is None else environ
    folder = options.saves or default_folder(dict(env))
    root = story_root(path)

    def known(story_id: str, fingerprint: str) -> checked.Checked | None:
        return checked.recalled(folder, story_id, fingerprint) or checked.shipped(root, fingerprint)

    return load_story(path, known)


def remember(story: Story, folder: str) -> None:
    """After a full load, record the story as checked clean in the saves folder, for quicker later starts.

    Play calls it in a terminal only (piped play, a script's, starts in full each
    time and leaves no files), once the prompt is live: the write waits for the
    disk, and the reader should not. One that fails costs only a quicker next start.
    """
    if story.summary is not None:
        return
    from .. import checked

    with contextlib.suppress(SaveError):
        SaveStore(folder, story).write_own(checked.RECORD_NAME, checked.record_text(story))


def play(
    story: Story,
    options: PlayOptions,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
    environ: Mapping[str, str] | None = None,
) -> int:
    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    env = os.environ if environ is None else environ
    piped = not stdin.isatty()
    folder = options.saves or default_folder(dict(env))
    named = bool(options.saves or env.get(ENV_FOLDER))
    try:
        store = SaveStore(folder, story)
    except SaveError as exc:
        raise PlayError(str(exc)) from None
    recorder = _recorder(options.record) if options.record else None
    session = Session(story, store, persist=not piped or named or options.resume, recorder=recorder)
    opening: list[Output] | None = None
    if options.resume:
        opening = _resume(session, store)
    elif not piped and session.persist:
        offer = in_progress(store)
        if offer is not None:
            answer = _ask(stdin, stdout, offer_question(story, offer))
            if answer is None:  # the input closed: nothing was played, nothing to save
                return 0
            opening = session.resume(offer) if answer else _fresh(session)
    watcher = Watcher(story.root) if options.watch else None
    plain = options.plain or piped or not stdout.isatty() or bool(env.get("NO_COLOR"))
    if plain:
        startup.settle()  # plain play needs no more start-up
        from . import plain as plain_play

        if piped:
            width = options.width if options.width > 0 else 72
            return plain_play.run(session, stdin, stdout, width, opening, watcher)
        remember(story, folder)
        columns = shutil.get_terminal_size((80, 24)).columns
        width = options.width if options.width > 0 else max(20, min(72, columns - 1))
        return plain_play.run_terminal(session, stdout, width=width, opening=opening, watcher=watcher)
    # The first scene goes on screen before the prompt's library is imported:
    # the player is reading while it loads.
    from .page import Console, Renderer

    renderer = Renderer(Console(highlight=False), story, options.width, paged=True)
    renderer.title()
    typed = renderer.draw(opening if opening is not None else session.opening())
    from . import fancy

    return fancy.run(session, watcher=watcher, renderer=renderer, typed=typed, later=lambda: remember(story, folder))


def in_progress(store: SaveStore) -> Loaded | None:
    """The game the autosave holds, if it has not ended and still fits the story; None otherwise (never an error)."""
    try:
        loaded = store.load(AUTOSAVE)
    except SaveError:
        return None
    return loaded if loaded.state.ending is None and loaded.state.history else None


def offer_question(story: Story, loaded: Loaded) -> str:
    """Where and when the game in progress was left, and the question, in one line."""
    state, meta = loaded.state, loaded.save.meta
    scene = story.scenes[state.scene]
    episode = f"Episode {scene.episode.number}, " if scene.episode is not None else ""
    choices = len(state.history)
    return (
        f"You have a game in progress: {episode}{scene.title}, {choices} choice{'s' * (choices != 1)},"
        f" saved {ago(time.time() - meta.saved)}.\nContinue it? [Y/n] "
    )


def ago(seconds: float) -> str:
    """How long ago, as a reader says it."""
    minutes = int(max(seconds, 0) // 60)
    if minutes < 1:
        return "just now"
    for size, unit in ((60 * 24, "day"), (60, "hour"), (1, "minute")):
        if minutes >= size:
            n = minutes // size
            return f"{n} {unit}{'s' * (n != 1)} ago"
    return "just now"


def _ask(stdin: TextIO, stdout: TextIO, question: str) -> bool | None:
    """Yes (the default) or no from the terminal; None when the input closes.

    The question is wrapped to the terminal, so its [Y/n] is never split.
    """
    width = max(20, min(72, shutil.get_terminal_size((80, 24)).columns - 2))
    *said, asked = question.split("\n")
    question = "".join(textwrap.fill(line, width) + "\n" for line in said) + asked
    while True:
        stdout.write(question)
        stdout.flush()
        line = stdin.readline()
        if not line:
            stdout.write("\n")
            return None
        answer = line.strip().lower()
        if answer in ("", "y", "yes", "c", "continue"):
            return True
        if answer in ("n", "no", "new"):
            return False
        stdout.write("Type y to continue that game, or n to start a new one.\n")


def _fresh(session: Session) -> list[Output]:
    return [
        Note("Starting a new game. The other one is kept: type saves to see it, and load to go back to it."),
        *session.opening(),
    ]


def _resume(session: Session, store: SaveStore) -> list[Output]:
    """The opening for `--continue`: the latest save, or a new game with a word on why."""
    try:
        loaded = store.latest()
    except SaveError as exc:
        raise PlayError(f"cannot continue: {exc}") from None
    if loaded is None:
        skipped = [Note(f"{shown(bad.path)}: {bad.problem}; it cannot be continued", True) for bad in store.damaged()]
        return [
            *skipped,
            Note(f"No saved game of {session.story.title} in {shown(store.folder)}; starting a new game."),
            *session.opening(),
        ]
    if not loaded.skipped:
        return session.resume(loaded)
    skipped = [Note(f"{shown(bad.path)}: {bad.problem}; skipped", True) for bad in loaded.skipped]
    instead = Note(f"Continuing from the older save '{loaded.save.slot}' ({shown(loaded.save.path)}) instead.")
    return [*skipped, instead, *session.resume(loaded)]
