"""Live reload for authors (`play --watch`): notice edited story files by polling, then reload.

Polling modification times needs no extra dependency and works on every file
system; a story folder holds a handful of files, so a scan costs microseconds.
"""

from __future__ import annotations

import os

from ..diagnostics import StoryError
from ..loader import load_story
from .outputs import Note, Output
from .session import Session

Snapshot = dict[str, tuple[int, int]]


def scan(root: str) -> Snapshot:
    """Each YAML file in the story folder with its modification time and size."""
    snapshot: Snapshot = {}
    try:
        names = os.listdir(root)
    except OSError:
        return snapshot
    for name in names:
        if not name.endswith((".yaml", ".yml")):
            continue
        try:
            info = os.stat(os.path.join(root, name))
        except OSError:
            continue
        snapshot[name] = (info.st_mtime_ns, info.st_size)
    return snapshot


class Watcher:
    """Remembers how the story folder looked, and reloads the story into a session when it changes."""

    def __init__(self, root: str) -> None:
        self.root = root
        self.snapshot = scan(root)

    def changed(self) -> bool:
        now = scan(self.root)
        if now == self.snapshot:
            return False
        self.snapshot = now
        return True

    def poll(self, session: Session) -> list[Output]:
        """Nothing if the files are as they were; else the reloaded game, or why it was not reloaded."""
        if not self.changed():
            return []
        return reload(session, self.root)


def reload(session: Session, root: str) -> list[Output]:
    try:
        story = load_story(root)
    except StoryError as exc:
        count = len(exc.diagnostics)
        first = exc.diagnostics[0].format() if exc.diagnostics else "it could not be loaded"
        return [
            Note(
                f"The edited story has {count} error{'s' * (count != 1)}; still playing the last good version. {first}",
                True,
            )
        ]
    return session.replace_story(story)
