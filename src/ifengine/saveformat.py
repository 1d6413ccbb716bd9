"""The save file's format: what a save holds, how it is written, and how it is checked field by field.

A save is plain JSON (format `ifengine-save`, version 1): the story's identity,
where the game stands, its times and the state's plain data. `decode` trusts
nothing in it: every field is checked, and the first wrong one is a `Damaged`
with a one-line reason.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from .historytext import HistoryText
from .model import Story
from .savejson import Damaged, parse_json, shown
from .state import GameState, to_data

FORMAT = "ifengine-save"
FORMAT_VERSION = 1


def now_text(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, UTC).isoformat(timespec="seconds")


def _time(text: Any, field: str) -> float:
    if not isinstance(text, str):
        raise Damaged(f"times.{field} should be a date and time")
    try:
        moment = datetime.fromisoformat(text)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        seconds = moment.timestamp()
        now_text(seconds)  # it must be writable again: in UTC its year must lie within 1..9999
    except (ValueError, OverflowError, OSError):
        raise Damaged(f"times.{field} is not a date and time a save can hold: {text[:40]!r}") from None
    return seconds


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
    modified: float = 0.0  # when the file last changed, to tell whether it is newer than a save that loads


def _field(data: dict[str, Any], name: str, kind: type, what: str) -> Any:
    value = data.get(name)
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise Damaged(f"'{name}' should be {what}")
    return value


def decode(slot: str, path: str, text: str) -> SaveFile:
    data = parse_json(text)
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise Damaged("it is not an ifengine save")
    version = data.get("version")
    if version != FORMAT_VERSION:
        if isinstance(version, int) and not isinstance(version, bool) and version > FORMAT_VERSION:
            raise Damaged(
                f"it was written in save format {version} by a newer ifengine; this one reads format {FORMAT_VERSION}"
            )
        raise Damaged(
            f"its save format version is {shown(repr(version), 40)}; this ifengine reads format {FORMAT_VERSION}"
        )
    story = _field(data, "story", dict, "a mapping with the story's id, version and fingerprint")
    where = _field(data, "where", dict, "a mapping with the scene and its title")
    times = _field(data, "times", dict, "a mapping with created, saved and play_seconds")
    state = _field(data, "state", dict, "a mapping")
    game = _field(data, "game", str, "text")
    episode = where.get("episode")
    if episode is not None and (not isinstance(episode, int) or isinstance(episode, bool)):
        raise Damaged("'where.episode' should be a number")
    play = times.get("play_seconds")
    if not isinstance(play, int | float) or isinstance(play, bool) or not 0 <= play < 1e10:
        raise Damaged("'times.play_seconds' should be a number of seconds")
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
        raise Damaged("its scene and its state disagree")
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
