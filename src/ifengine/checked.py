"""The record that this exact story was loaded and checked clean: later starts compile scenes on first use.

Loading compiles every scene's prose and conditions, most of what starting
to play costs, though play needs one scene at a time. After a full load
that finds nothing wrong, play writes a record to the story's saves folder
(`<saves>/<story id>/_checked.json`): the story's fingerprint (a hash of
every file's bytes), the engine's (its modules' names, sizes and times, as
Python's own bytecode cache judges its sources), and the facts of the
whole story that play needs before it has compiled it all (`Summary`).
The next start with the same files and the same engine compiles each scene
when play reaches it (`ondemand.py`); any difference in either, or a record
that is damaged, means a full load and check, as on the first start.

The stories that ship with ifengine carry their record beside their
`story.yaml` (`checked.json`, written by `ship`, compared with a fresh load by
the test suite), so even their first start compiles scenes on first use;
only those folders are trusted that way.

The record is untrusted like any file in the saves folder: it is read
through `savejson` (regular file, bounded, strict JSON), every field is
checked, and a record that names a scene the story lacks is ignored. It
can only say which checked story this is, never run anything.
"""

from __future__ import annotations

import hashlib
import os
from typing import NamedTuple

from .model import Story, Summary, returns
from .names import is_portable_story_id
from .savejson import Damaged, parse_json, read_text
from .state import counted_scenes

RECORD_NAME = "_checked.json"  # starts with "_", which no slot name can
SHIPPED_NAME = "checked.json"  # beside a bundled story's story.yaml
SHIPPED_ENGINE = "the engine this story ships with"  # see `shipped`
FORMAT = "ifengine-checked"
MAX_IDS = 100_000  # far above any real story's scenes; a longer list is not one of ours

_engine: str | None = None

FileIndex = tuple[tuple[str, tuple[str, ...]], ...]  # each scene file, and the ids of its scenes, in order


class Checked(NamedTuple):
    """A story's record: its summary, and where each scene is (None when scenes declare `local:` values,
    which add to the story's state: every file is read then)."""

    summary: Summary
    files: FileIndex | None


def engine_key() -> str:
    """What changes whenever the engine's code does: its modules' names, sizes and modification times."""
    global _engine
    if _engine is None:
        here = os.path.dirname(os.path.abspath(__file__))
        digest = hashlib.sha256()
        for folder, subfolders, names in os.walk(here):
            subfolders[:] = sorted(d for d in subfolders if d not in ("__pycache__", "stories"))  # code only
            for name in sorted(names):
                if name.endswith(".py"):
                    info = os.stat(os.path.join(folder, name))
                    digest.update(f"{os.path.relpath(os.path.join(folder, name), here)}:{info.st_size}:".encode())
                    digest.update(f"{info.st_mtime_ns}\n".encode())
        _engine = digest.hexdigest()[:32]
    return _engine


def summarise(story: Story) -> Summary:
    """The whole-story facts play needs, from a story loaded in full."""
    returns_to, returning = returns(story.scenes.values())
    return Summary(counted_scenes(story), story.uses_chance, story.uses_calls, returns_to, returning)


def file_index(story: Story) -> FileIndex | None:
    """Each scene file's top-level scenes, in order; None when a scene declares `local:` values."""
    if any(variable.scope for variable in story.variables.values()):
        return None
    by_file: dict[str, list[str]] = {os.path.join(story.root, name): [] for name in story.files}
    for scene in story.scenes.values():
        if not scene.parent:
            by_file[scene.pos.path].append(scene.id)
    return tuple((name, tuple(by_file[os.path.join(story.root, name)])) for name in story.files)


def record_path(saves: str, story_id: str) -> str | None:
    """Where the record of a story lives, or None when its id cannot name a folder or the folder is a link."""
    if not is_portable_story_id(story_id):
        return None
    folder = os.path.join(saves, story_id)
    if os.path.islink(folder):
        return None
    return os.path.join(folder, RECORD_NAME)


def record_text(story: Story, engine: str = "") -> str:
    """The record of a story just loaded in full and checked clean (by this engine, unless `engine` says)."""
    import json

    summary = summarise(story)
    index = file_index(story)
    return (
        json.dumps(
            {
                "format": FORMAT,
                "version": 1,
                "engine": engine or engine_key(),
                "story": story.fingerprint,
                "counted": sorted(summary.counted),
                "uses_chance": summary.uses_chance,
                "uses_calls": summary.uses_calls,
                "returns_to": list(summary.returns_to),
                "returning": sorted(summary.returning),
                "files": None if index is None else [[name, list(ids)] for name, ids in index],
            },
            indent=1,
        )
        + "\n"
    )


def recalled(saves: str, story_id: str, fingerprint: str) -> Checked | None:
    """The summary recorded for this story as it is now, under this engine; None for anything else."""
    path = record_path(saves, story_id)
    if path is None or not os.path.lexists(path):
        return None
    return _read(path, fingerprint, engine_key())


def shipped(root: str, fingerprint: str) -> Checked | None:
    """The record shipped with a bundled story (`story/<name>/checked.json`), for its first start.

    Only the stories that ship inside ifengine are trusted this way: their records
    are written by `ship` and compared with a fresh full load by the test suite,
    so a release's records always match its engine. Any other folder's is ignored.
    """
    real = os.path.realpath(root)
    if os.path.dirname(real) not in bundled_folders():
        return None
    path = os.path.join(real, SHIPPED_NAME)
    return _read(path, fingerprint, SHIPPED_ENGINE) if os.path.lexists(path) else None


def ship(root: str) -> None:
    """Write a bundled story's shipped record (maintainers run it after changing the story or the engine)."""
    from .atomic import write_atomically
    from .loader import load_story

    write_atomically(os.path.join(root, SHIPPED_NAME), record_text(load_story(root), SHIPPED_ENGINE))


def bundled_folders() -> tuple[str, ...]:
    """Where the stories that ship with ifengine are: inside the wheel, or in a source checkout."""
    here = os.path.dirname(os.path.realpath(__file__))
    return (os.path.join(here, "stories"), os.path.realpath(os.path.join(here, "..", "..", "story")))


def _read(path: str, fingerprint: str, engine: str) -> Checked | None:
    try:
        data = parse_json(read_text(path))
    except Damaged:
        return None
    if not isinstance(data, dict) or data.get("format") != FORMAT or data.get("version") != 1:
        return None
    if data.get("story") != fingerprint or data.get("engine") != engine:
        return None
    counted, returns_to, returning = (_ids(data.get(key)) for key in ("counted", "returns_to", "returning"))
    chance, calls = data.get("uses_chance"), data.get("uses_calls")
    if (
        counted is None
        or returns_to is None
        or returning is None
        or type(chance) is not bool
        or type(calls) is not bool
    ):
        return None
    files = data.get("files")
    index = None if files is None else _index(files)
    if files is not None and index is None:
        return None
    return Checked(Summary(frozenset(counted), chance, calls, tuple(returns_to), frozenset(returning)), index)


def _index(value: object) -> FileIndex | None:
    """A list of [file name, [scene ids]] pairs, or None for anything else."""
    if not isinstance(value, list) or len(value) > MAX_IDS:
        return None
    out = []
    for item in value:
        if not isinstance(item, list) or len(item) != 2 or not isinstance(item[0], str):
            return None
        ids = _ids(item[1])
        if ids is None:
            return None
        out.append((item[0], tuple(ids)))
    return tuple(out)


def _ids(value: object) -> list[str] | None:
    """A list of scene ids, or None for anything else."""
    if not isinstance(value, list) or len(value) > MAX_IDS:
        return None
    if not all(isinstance(item, str) and 0 < len(item) <= 400 for item in value):
        return None
    return value
