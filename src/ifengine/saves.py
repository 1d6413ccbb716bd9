"""Saved games on disk: one JSON file a slot, written atomically, read with suspicion.

Layout: `<saves>/<story id>/<slot>.json` for each slot (the autosave is the
slot `autosave`) and `<saves>/<story id>/_endings.json` for the endings this
player has seen. Slot names match a strict pattern, so no slot can name a path
outside its folder. A file is only ever replaced whole (temporary file in the
same folder, fsync, `os.replace`), and reading never changes anything: a bad
file is reported in one line naming it and the problem, and stays as it was.
"""

from __future__ import annotations

import json
import os
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .atomic import write_atomically
from .historytext import HistoryText
from .model import Story
from .names import DEVICE_NAMES, is_portable_story_id
from .savejson import Damaged, parse_json, read_text, shown
from .state import GameState, StateError, from_data

if TYPE_CHECKING:
    # The save file format is imported where a save is read or written: a start with no game in
    # progress never needs it (see benchmarks/README.md, start-up).
    from .saveformat import BadSave, SaveFile

GALLERY_FORMAT = "ifengine-endings"
AUTOSAVE = "autosave"
PREVIOUS = "autosave-previous"  # the autosave of the game before, kept when a new game starts
# The autosaves of the last games played, newest first: a new game's first autosave moves the
# others one place down (see `SaveStore.autosave`).
KEPT_SLOTS = (AUTOSAVE, PREVIOUS, "autosave-3", "autosave-4", "autosave-5")
DEFAULT_FOLDER = "saves"
ENV_FOLDER = "IFENGINE_SAVES"
SLOT_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,39}")
_GALLERY_NAME = "_endings.json"  # starts with "_", which no slot name can


class SaveError(Exception):
    """A save that cannot be written, read or used; the message is one line for the player."""


def check_slot(name: str) -> str:
    """The slot name if it is safe to use as a file name on any system; SaveError says what a good one looks like."""
    if not SLOT_PATTERN.fullmatch(name):
        raise SaveError(
            f"'{shown(name, 40)}' cannot be a slot name: use 1 to 40 letters, digits, '-' or '_', "
            "starting with a letter or digit"
        )
    if name.lower() in DEVICE_NAMES:
        raise SaveError(f"'{name}' cannot be a slot name: Windows keeps it for a device; choose another name")
    reserved = next((r for r in KEPT_SLOTS if r == name.lower() and r != name), None)
    if reserved is not None:
        raise SaveError(
            f"'{name}' cannot be a slot name: it differs from the game's own slot '{reserved}' only by case; "
            "choose another name"
        )
    return name


def check_story_id(story_id: str) -> str:
    """The story id if it can name a saves folder on any system; SaveError (one line) otherwise."""
    if is_portable_story_id(story_id):
        return story_id
    raise SaveError(
        f"the story id '{shown(story_id, 64)}' cannot name a saves folder: use 1 to 64 letters, digits, '-' or '_', "
        "starting with a letter or digit, and not a Windows device name"
    )


def default_folder(environ: dict[str, str] | None = None) -> str:
    """Where saves go when --saves is not given: $IFENGINE_SAVES, else ./saves."""
    env = os.environ if environ is None else environ
    return env.get(ENV_FOLDER) or DEFAULT_FOLDER


@dataclass(frozen=True, slots=True)
class Loaded:
    """A save fitted to the story as it is now; `notes` say what had to change."""

    save: SaveFile
    state: GameState
    notes: tuple[str, ...]
    skipped: tuple[BadSave, ...] = ()  # for `--continue`: damaged saves newer than this one


def _write_problem(exc: OSError | UnicodeEncodeError) -> str:
    if isinstance(exc, UnicodeEncodeError):  # a lone surrogate from the story or the caller
        return "it would hold text that is not valid Unicode (a lone surrogate such as \\ud800)"
    return _io_problem(exc)


def _io_problem(exc: OSError) -> str:
    return exc.strerror or type(exc).__name__


def _identity(path: str) -> tuple[int, int, int] | None:
    """Inode, size and modification time: what changes when anyone replaces or edits the file."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    return (info.st_ino, info.st_size, info.st_mtime_ns)


class SaveStore:
    """The saves of one story in one saves folder.

    The story id names the folder, so it must be a plain, portable name (the
    loader checks it too; this is the second line of defence).
    """

    def __init__(self, root: str, story: Story) -> None:
        self.root = root
        self.story = story
        self.folder = os.path.join(root, check_story_id(story.id))
        # The game in the autosave file as this store last wrote it, with the file's identity
        # then: while the file is unchanged, the next autosave need not read it to decide rotation.
        self._autosaved: tuple[str, tuple[int, int, int]] | None = None
        self._autosaved_history = HistoryText()

    def path(self, slot: str) -> str:
        self._check_folder()
        return os.path.join(self.folder, check_slot(slot) + ".json")

    def _check_folder(self) -> None:
        """Refuse a story folder that is a symlink (it could lead anywhere) or not a folder at all."""
        if os.path.islink(self.folder):
            raise SaveError(
                f"{shown(self.folder)}: it is a symbolic link; saves never follow one out of the saves folder: remove it"
            )
        if os.path.lexists(self.folder) and not os.path.isdir(self.folder):
            raise SaveError(
                f"{shown(self.folder)}: it is not a folder; move it away or choose another with --saves DIR"
            )

    def _ensure_folder(self) -> None:
        try:
            os.makedirs(self.folder, exist_ok=True)
        except OSError as exc:
            raise SaveError(
                f"cannot create the saves folder {shown(self.folder)}: {_io_problem(exc)} "
                "(choose another with --saves DIR)"
            ) from None
        self._check_folder()

    def write_own(self, name: str, text: str) -> None:
        """Replace one of the engine's own files in this story's folder (`name` starts with "_", as no slot can)."""
        if not name.startswith("_") or os.sep in name or (os.altsep and os.altsep in name):
            raise ValueError(f"not a name for the engine's own file: {name!r}")
        self._ensure_folder()
        path = os.path.join(self.folder, name)
        try:
            write_atomically(path, text)
        except (OSError, UnicodeEncodeError) as exc:
            raise SaveError(f"{shown(path)}: cannot write it: {_write_problem(exc)}") from None

    def write(
        self,
        slot: str,
        state: GameState,
        game: str,
        created: float,
        now: float,
        play_seconds: float,
        history: HistoryText | None = None,
    ) -> str:
        """Save `state` to `slot`; the slot's previous file survives any failure. Returns the path."""
        from .saveformat import encode

        path = self.path(slot)
        self._ensure_folder()
        text = encode(self.story, state, game, created, now, play_seconds, history)
        try:
            write_atomically(path, text)
        except (OSError, UnicodeEncodeError) as exc:
            raise SaveError(
                f"{shown(path)}: cannot write the save: {_write_problem(exc)}; the previous file is unchanged"
            ) from None
        return path

    def autosave(self, state: GameState, game: str, created: float, now: float, play_seconds: float) -> list[str]:
        """Write the autosave; if it holds another game, that game moves down the kept autosaves first.

        The autosaves of the last KEPT_GAMES distinct games are kept (`autosave`,
        `autosave-previous`, `autosave-3`, ...). When one more game starts and
        all are taken, the shortest game (fewest choices; the oldest of equals)
        is the one let go, so a long game is never pushed out by a game of one
        choice. A file that cannot be read never replaces one that can: it is
        moved aside under its own name, and the returned notes tell the player.
        """
        path = self.path(AUTOSAVE)
        notes: list[str] = []
        current = self._game_in(path)
        if isinstance(current, Damaged):
            notes.append(self._set_aside(path, current, now))
            current = None
        if current is not None and current != game:
            notes += self._make_room(now)
        self._autosaved = None
        self.write(AUTOSAVE, state, game, created, now, play_seconds, self._autosaved_history)
        identity = _identity(path)
        self._autosaved = (game, identity) if identity is not None else None
        return notes

    def _make_room(self, now: float) -> list[str]:
        """Move each kept game's autosave one place down, letting the shortest go if every place is taken."""
        from .saveformat import decode

        notes: list[str] = []
        kept: list[tuple[str, int]] = []  # (slot, choices) of readable kept autosaves, newest first
        for slot in KEPT_SLOTS:
            path = self.path(slot)
            if not os.path.lexists(path):
                continue
            try:
                save = decode(slot, path, read_text(path))
            except Damaged as exc:
                notes.append(self._set_aside(path, exc, now))
                continue
            history = save.state.get("history")
            kept.append((slot, len(history) if isinstance(history, list) else 0))
        if len(kept) >= len(KEPT_SLOTS):
            # The shortest game goes; among equals the oldest (the last in the list).
            fewest = min(choices for _, choices in kept)
            victim = [slot for slot, choices in kept if choices == fewest][-1]
            try:
                os.remove(self.path(victim))
            except OSError as exc:
                raise SaveError(f"{shown(self.path(victim))}: cannot make room: {_io_problem(exc)}") from None
            kept = [k for k in kept if k[0] != victim]
        # Shift down from the oldest, so no move lands on a file still to be moved.
        targets = list(KEPT_SLOTS[1 : len(kept) + 1])
        for (slot, _), target in reversed(list(zip(kept, targets, strict=True))):
            if slot == target:
                continue
            try:
                os.replace(self.path(slot), self.path(target))
            except OSError as exc:
                raise SaveError(
                    f"{shown(self.path(slot))}: cannot keep this game's autosave: {_io_problem(exc)}"
                ) from None
        return notes

    def _game_in(self, path: str, remembered: bool = True) -> str | Damaged | None:
        """The game an autosave file holds; None if there is no file; Damaged if it cannot be read.

        While the autosave is exactly as this store last wrote it (same inode, size and
        modification time), the game is known without reading the file back.
        """
        from .saveformat import decode

        if remembered and self._autosaved is not None and _identity(path) == self._autosaved[1]:
            return self._autosaved[0]
        if not os.path.lexists(path):
            return None
        try:
            return decode(AUTOSAVE, path, read_text(path)).meta.game
        except Damaged as exc:
            return exc

    def _set_aside(self, path: str, problem: Damaged, now: float) -> str:
        """Rename an unreadable file to `<slot>.damaged-<time>.json` (never over another file); say so."""
        stem = path.removesuffix(".json")
        stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(now))
        for n in range(1, 100):
            aside = f"{stem}.damaged-{stamp}{'' if n == 1 else f'-{n}'}.json"
            try:
                _rename_without_replacing(path, aside)
            except FileExistsError:
                continue
            except OSError as exc:
                raise SaveError(
                    f"{shown(path)}: {problem}, and it cannot be moved aside ({_io_problem(exc)}); "
                    "move it away yourself"
                ) from None
            return f"{shown(path)}: {problem}; it was moved aside to {shown(aside)}"
        raise SaveError(f"{shown(path)}: {problem}, and too many damaged files are set aside; move them away")

    def read(self, slot: str) -> SaveFile:
        path = self.path(slot)
        try:
            text = read_text(path)  # first: with no such file, nothing more is imported or read
            from .saveformat import decode

            save = decode(slot, path, text)
        except Damaged as exc:
            raise SaveError(f"{shown(path)}: {exc}") from None
        if save.meta.story_id != self.story.id:
            raise SaveError(
                f"{shown(path)}: it belongs to the story '{shown(save.meta.story_id, 64)}', not '{self.story.id}'"
            )
        return save

    def load(self, slot: str) -> Loaded:
        """Read a slot and fit it to the story as it is now, or refuse with the reason."""
        save = self.read(slot)
        return self.fit(save)

    def fit(self, save: SaveFile) -> Loaded:
        edited = save.meta.fingerprint != self.story.fingerprint
        try:
            state, notes = from_data(self.story, save.state)
        except StateError as exc:
            if edited:
                raise SaveError(
                    f"{shown(save.path)}: the story has changed since this save and it no longer fits: {exc}; "
                    "the file is left as it is"
                ) from None
            raise SaveError(f"{shown(save.path)}: it is damaged: {exc}") from None
        if edited and not notes:
            notes = ["the story has been edited since this save; the game still fits it"]
        if save.meta.story_version != self.story.version:
            notes.insert(
                0, f"saved with version {save.meta.story_version} of the story; this is version {self.story.version}"
            )
        return Loaded(save, state, tuple(notes))

    def slots(self) -> list[str]:
        """Every slot name with a file in the folder, sorted; temporary and foreign files are ignored."""
        self._check_folder()
        try:
            names = os.listdir(self.folder)
        except OSError:
            return []
        return sorted(n[:-5] for n in names if n.endswith(".json") and _is_slot(n[:-5]))

    def listing(self) -> list[SaveFile | BadSave]:
        """Every save, newest first; a bad file is listed with its problem and stops nothing else."""
        from .saveformat import BadSave

        try:
            slots = self.slots()
        except SaveError as exc:  # the story's folder itself cannot be used: that is the one thing to list
            return [BadSave("", self.folder, str(exc).removeprefix(f"{shown(self.folder)}: "))]
        good: list[SaveFile] = []
        bad: list[BadSave] = []
        for slot in slots:
            try:
                good.append(self.read(slot))
            except SaveError as exc:
                path = self.path(slot)
                bad.append(BadSave(slot, path, str(exc).removeprefix(f"{shown(path)}: "), _modified(path)))
        good.sort(key=lambda s: s.meta.saved, reverse=True)
        return [*good, *bad]

    def latest(self) -> Loaded | None:
        """The most recently saved game that still loads, for `--continue`; None if there is none.

        A newest save that no longer fits raises its SaveError rather than silently
        resuming an older one; damaged files passed over are in `Loaded.skipped`.
        """
        from .saveformat import BadSave, SaveFile

        items = self.listing()
        bad = [item for item in items if isinstance(item, BadSave)]
        for item in items:
            if isinstance(item, SaveFile):
                loaded = self.fit(item)
                newer = _modified(item.path)
                skipped = tuple(b for b in bad if b.modified >= newer)
                return Loaded(loaded.save, loaded.state, loaded.notes, skipped)
        return None

    def damaged(self) -> list[BadSave]:
        """Every file in the folder that looks like a save but cannot be read."""
        from .saveformat import BadSave

        return [item for item in self.listing() if isinstance(item, BadSave)]

    # --- the endings gallery ----------------------------------------------------------

    @property
    def gallery_path(self) -> str:
        self._check_folder()
        return os.path.join(self.folder, _GALLERY_NAME)

    def endings_seen(self) -> dict[str, str]:
        """Ending id -> when first reached; SaveError if the gallery file is damaged."""
        path = self.gallery_path
        if not os.path.lexists(path):
            return {}
        try:
            data = parse_json(read_text(path))
        except Damaged as exc:
            raise SaveError(f"{shown(path)}: {exc}") from None
        seen = data.get("seen") if isinstance(data, dict) and data.get("format") == GALLERY_FORMAT else None
        if not isinstance(seen, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in seen.items()):
            raise SaveError(f"{shown(path)}: it is not an ifengine endings gallery")
        return seen

    def record_ending(self, ending: str, now: float) -> dict[str, str]:
        """Add an ending to the gallery (kept whole if damaged: then SaveError and nothing is written)."""
        from .saveformat import now_text

        seen = self.endings_seen()
        if ending in seen:
            return seen
        seen = {**seen, ending: now_text(now)}
        self._ensure_folder()
        text = json.dumps({"format": GALLERY_FORMAT, "version": 1, "story": self.story.id, "seen": seen}, indent=1)
        try:
            write_atomically(self.gallery_path, text + "\n")
        except (OSError, UnicodeEncodeError) as exc:
            raise SaveError(f"{shown(self.gallery_path)}: cannot record the ending: {_write_problem(exc)}") from None
        return seen


def _is_slot(name: str) -> bool:
    try:
        check_slot(name)
    except SaveError:
        return False
    return True


def _modified(path: str) -> float:
    try:
        return os.lstat(path).st_mtime
    except OSError:
        return 0.0


def _rename_without_replacing(path: str, target: str) -> None:
    """Rename `path` to `target`; FileExistsError if `target` exists (a hard link where the system has them)."""
    try:
        os.link(path, target, follow_symlinks=False)
    except FileExistsError:
        raise
    except (
        OSError,
        NotImplementedError,
    ):  # no hard links here (a folder, or a file system without them): check, then rename
        if os.path.lexists(target):
            raise FileExistsError(target) from None
        os.rename(path, target)
        return
    os.unlink(path)


StoreFactory = Callable[[Story], SaveStore]
