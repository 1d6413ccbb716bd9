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
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from .atomic import write_atomically
from .historytext import HistoryText
from .model import Story
from .state import GameState, StateError, from_data, to_data

FORMAT = "ifengine-save"
FORMAT_VERSION = 1
GALLERY_FORMAT = "ifengine-endings"
AUTOSAVE = "autosave"
PREVIOUS = "autosave-previous"  # the autosave of the game before, kept when a new game starts
DEFAULT_FOLDER = "saves"
ENV_FOLDER = "IFENGINE_SAVES"
MAX_BYTES = 4 * 1024 * 1024  # far above any real save; a bigger file is not one of ours
SLOT_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,39}")
_GALLERY_NAME = "_endings.json"  # starts with "_", which no slot name can


class SaveError(Exception):
    """A save that cannot be written, read or used; the message is one line for the player."""


def check_slot(name: str) -> str:
    """The slot name if it is safe to use as a file name; SaveError says what a good one looks like."""
    if SLOT_PATTERN.fullmatch(name):
        return name
    shown = name if len(name) <= 40 and name.isprintable() else repr(name[:40]) + ("..." if len(name) > 40 else "")
    raise SaveError(
        f"'{shown}' cannot be a slot name: use 1 to 40 letters, digits, '-' or '_', starting with a letter or digit"
    )


def default_folder(environ: dict[str, str] | None = None) -> str:
    """Where saves go when --saves is not given: $IFENGINE_SAVES, else ./saves."""
    env = os.environ if environ is None else environ
    return env.get(ENV_FOLDER) or DEFAULT_FOLDER


def now_text(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, UTC).isoformat(timespec="seconds")


def _time(text: Any, field: str) -> float:
    if not isinstance(text, str):
        raise _Damaged(f"times.{field} should be a date and time")
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise _Damaged(f"times.{field} is not a date and time: {text[:40]!r}") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()


@dataclass(frozen=True, slots=True)
class Meta:
    """Who a save belongs to and when: everything the saves table shows."""

    game: str  # one id per playthrough, so an autosave never silently replaces another game's
    story_id: str
    story_version: int
    fingerprint: str
    scene: str
    scene_title: str
    episode: int | None
    created: float
    saved: float
    play_seconds: float


@dataclass(frozen=True, slots=True)
class SaveFile:
    """A save as read from disk: its slot, its path, its metadata and its raw state data."""

    slot: str
    path: str
    meta: Meta
    state: dict[str, Any]


@dataclass(frozen=True, slots=True)
class BadSave:
    """A file in the saves folder that could not be read; `problem` is the one-line reason."""

    slot: str
    path: str
    problem: str


@dataclass(frozen=True, slots=True)
class Loaded:
    """A save fitted to the story as it is now; `notes` say what had to change."""

    save: SaveFile
    state: GameState
    notes: tuple[str, ...]


class _Damaged(Exception):
    """Internal: one field of a save is wrong; becomes a SaveError naming the file."""


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for key, value in pairs:
        if key in data:
            raise _Damaged(f"the key '{key[:40]}' appears twice")
        data[key] = value
    return data


def _no_constants(name: str) -> Any:
    raise _Damaged(f"{name} is not a number a save can hold")


def _unfinished(text: str) -> bool:
    """True when the text stops inside a string or before its brackets close: a cut-off file."""
    depth, in_string, escaped = 0, False, False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
        elif char in "]}":
            depth -= 1
    return in_string or depth > 0


def parse_json(text: str) -> Any:
    """Strict JSON: no NaN/Infinity, no repeated keys, and deep nesting refused rather than crashing."""
    try:
        return json.loads(text, object_pairs_hook=_unique_keys, parse_constant=_no_constants)
    except json.JSONDecodeError as exc:
        if _unfinished(text):
            raise _Damaged("it ends in the middle of the data; the file is truncated") from None
        raise _Damaged(f"it is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from None
    except RecursionError:
        raise _Damaged("it is nested too deeply to be a save") from None


def _read_text(path: str) -> str:
    try:
        size = os.path.getsize(path)
        if size > MAX_BYTES:
            raise _Damaged(f"it is {size:,} bytes, too large to be a save")
        with open(path, "rb") as handle:
            raw = handle.read(size + 1)  # not MAX_BYTES: that would allocate all of it first
    except FileNotFoundError:
        raise _Damaged("there is no save in this slot (type saves to list them)") from None
    except IsADirectoryError:
        raise _Damaged("it is a folder, not a save file") from None
    except OSError as exc:
        raise _Damaged(f"it cannot be read ({exc.strerror or exc})") from None
    if not raw.strip():
        raise _Damaged("it is empty; the file is truncated")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise _Damaged("it is not UTF-8 text; the file is damaged") from None


def _field(data: dict[str, Any], name: str, kind: type, what: str) -> Any:
    value = data.get(name)
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise _Damaged(f"'{name}' should be {what}")
    return value


def _decode(slot: str, path: str, text: str) -> SaveFile:
    data = parse_json(text)
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise _Damaged("it is not an ifengine save")
    version = data.get("version")
    if version != FORMAT_VERSION:
        if isinstance(version, int) and not isinstance(version, bool) and version > FORMAT_VERSION:
            raise _Damaged(
                f"it was written in save format {version} by a newer ifengine; this one reads format {FORMAT_VERSION}"
            )
        raise _Damaged(f"its save format version is {version!r}; this ifengine reads format {FORMAT_VERSION}")
    story = _field(data, "story", dict, "a mapping with the story's id, version and fingerprint")
    where = _field(data, "where", dict, "a mapping with the scene and its title")
    times = _field(data, "times", dict, "a mapping with created, saved and play_seconds")
    state = _field(data, "state", dict, "a mapping")
    game = _field(data, "game", str, "text")
    episode = where.get("episode")
    if episode is not None and (not isinstance(episode, int) or isinstance(episode, bool)):
        raise _Damaged("'where.episode' should be a number")
    play = times.get("play_seconds")
    if not isinstance(play, int | float) or isinstance(play, bool) or not 0 <= play < 1e10:
        raise _Damaged("'times.play_seconds' should be a number of seconds")
    meta = Meta(
        game=game,
        story_id=_field(story, "id", str, "the story's id"),
        story_version=_field(story, "version", int, "a whole number"),
        fingerprint=_field(story, "fingerprint", str, "text"),
        scene=_field(where, "scene", str, "a scene id"),
        scene_title=_field(where, "title", str, "text"),
        episode=episode,
        created=_time(times.get("created"), "created"),
        saved=_time(times.get("saved"), "saved"),
        play_seconds=float(play),
    )
    if state.get("scene") != meta.scene:
        raise _Damaged("its scene and its state disagree")
    return SaveFile(slot, path, meta, state)


_HISTORY_MARK = "\x00history\x00"  # stands for the history in the text until it is spliced in


def encode(
    story: Story,
    state: GameState,
    game: str,
    created: float,
    saved: float,
    play_seconds: float,
    history: HistoryText | None = None,
) -> str:
    """The JSON text of a save: plain data only, never anything that runs code on load.

    With `history`, the history's text comes from it (encoding only what changed since
    its last use), so an autosave costs the same late in a long game as early.
    """
    scene = story.scenes[state.scene]
    state_data = to_data(story, state, with_history=history is None)
    if history is not None:
        state_data["history"] = _HISTORY_MARK
    data = {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "game": game,
        "story": {"id": story.id, "version": story.version, "fingerprint": story.fingerprint, "title": story.title},
        "where": {
            "scene": state.scene,
            "title": scene.title,
            "episode": scene.episode.number if scene.episode else None,
        },
        "times": {"created": now_text(created), "saved": now_text(saved), "play_seconds": round(play_seconds, 1)},
        "state": state_data,
    }
    text = json.dumps(data, indent=1, ensure_ascii=False)
    if history is not None:
        # The last mark is ours: only story-checked names (found, ending) come after it.
        before, _, after = text.rpartition(json.dumps(_HISTORY_MARK))
        text = before + history.json(state.history) + after
    return text + "\n"


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
    """The saves of one story in one saves folder."""

    def __init__(self, root: str, story: Story) -> None:
        self.root = root
        self.story = story
        self.folder = os.path.join(root, story.id)
        # The game in the autosave file as this store last wrote it, with the file's identity
        # then: while the file is unchanged, the next autosave need not read it to decide rotation.
        self._autosaved: tuple[str, tuple[int, int, int]] | None = None
        self._autosaved_history = HistoryText()

    def path(self, slot: str) -> str:
        return os.path.join(self.folder, check_slot(slot) + ".json")

    def _ensure_folder(self) -> None:
        try:
            os.makedirs(self.folder, exist_ok=True)
        except OSError as exc:
            raise SaveError(
                f"cannot create the saves folder {self.folder}: {_io_problem(exc)} (choose another with --saves DIR)"
            ) from None

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
        path = self.path(slot)
        self._ensure_folder()
        text = encode(self.story, state, game, created, now, play_seconds, history)
        try:
            write_atomically(path, text)
        except OSError as exc:
            raise SaveError(
                f"{path}: cannot write the save: {_io_problem(exc)}; the previous file is unchanged"
            ) from None
        return path

    def autosave(self, state: GameState, game: str, created: float, now: float, play_seconds: float) -> str:
        """Write the autosave; if it holds another game, keep that one as `autosave-previous` first."""
        path = self.path(AUTOSAVE)
        current = self._game_in(path)
        if current is not None and current != game:
            try:
                os.replace(path, self.path(PREVIOUS))
            except OSError as exc:
                raise SaveError(f"{path}: cannot keep the previous game's autosave: {_io_problem(exc)}") from None
        self._autosaved = None
        written = self.write(AUTOSAVE, state, game, created, now, play_seconds, self._autosaved_history)
        identity = _identity(path)
        self._autosaved = (game, identity) if identity is not None else None
        return written

    def _game_in(self, path: str) -> str | None:
        if self._autosaved is not None and _identity(path) == self._autosaved[1]:
            return self._autosaved[0]  # the file is as this store wrote it: no need to read it back
        try:
            return _decode(AUTOSAVE, path, _read_text(path)).meta.game
        except _Damaged:
            return None if not os.path.exists(path) else "?"

    def read(self, slot: str) -> SaveFile:
        path = self.path(slot)
        try:
            save = _decode(slot, path, _read_text(path))
        except _Damaged as exc:
            raise SaveError(f"{path}: {exc}") from None
        if save.meta.story_id != self.story.id:
            raise SaveError(f"{path}: it belongs to the story '{save.meta.story_id}', not '{self.story.id}'")
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
                    f"{save.path}: the story has changed since this save and it no longer fits: {exc}; the file is left as it is"
                ) from None
            raise SaveError(f"{save.path}: it is damaged: {exc}") from None
        if edited and not notes:
            notes = ["the story has been edited since this save; the game still fits it"]
        if save.meta.story_version != self.story.version:
            notes.insert(
                0, f"saved with version {save.meta.story_version} of the story; this is version {self.story.version}"
            )
        return Loaded(save, state, tuple(notes))

    def slots(self) -> list[str]:
        """Every slot name with a file in the folder, sorted; temporary and foreign files are ignored."""
        try:
            names = os.listdir(self.folder)
        except OSError:
            return []
        return sorted(n[:-5] for n in names if n.endswith(".json") and SLOT_PATTERN.fullmatch(n[:-5]))

    def listing(self) -> list[SaveFile | BadSave]:
        """Every save, newest first; a bad file is listed with its problem and stops nothing else."""
        good: list[SaveFile] = []
        bad: list[BadSave] = []
        for slot in self.slots():
            try:
                good.append(self.read(slot))
            except SaveError as exc:
                path = self.path(slot)
                bad.append(BadSave(slot, path, str(exc).removeprefix(f"{path}: ")))
        good.sort(key=lambda s: s.meta.saved, reverse=True)
        return [*good, *bad]

    def latest(self) -> Loaded | None:
        """The most recently saved game that still loads, for `--continue`; None if there is none.

        A newest save that no longer fits raises its SaveError rather than silently
        resuming an older one.
        """
        for item in self.listing():
            if isinstance(item, SaveFile):
                return self.fit(item)
        return None

    # --- the endings gallery ----------------------------------------------------------

    @property
    def gallery_path(self) -> str:
        return os.path.join(self.folder, _GALLERY_NAME)

    def endings_seen(self) -> dict[str, str]:
        """Ending id -> when first reached; SaveError if the gallery file is damaged."""
        path = self.gallery_path
        if not os.path.exists(path):
            return {}
        try:
            data = parse_json(_read_text(path))
        except _Damaged as exc:
            raise SaveError(f"{path}: {exc}") from None
        seen = data.get("seen") if isinstance(data, dict) and data.get("format") == GALLERY_FORMAT else None
        if not isinstance(seen, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in seen.items()):
            raise SaveError(f"{path}: it is not an ifengine endings gallery")
        return seen

    def record_ending(self, ending: str, now: float) -> dict[str, str]:
        """Add an ending to the gallery (kept whole if damaged: then SaveError and nothing is written)."""
        seen = self.endings_seen()
        if ending in seen:
            return seen
        seen = {**seen, ending: now_text(now)}
        self._ensure_folder()
        text = json.dumps({"format": GALLERY_FORMAT, "version": 1, "story": self.story.id, "seen": seen}, indent=1)
        try:
            write_atomically(self.gallery_path, text + "\n")
        except OSError as exc:
            raise SaveError(f"{self.gallery_path}: cannot record the ending: {_io_problem(exc)}") from None
        return seen


StoreFactory = Callable[[Story], SaveStore]
