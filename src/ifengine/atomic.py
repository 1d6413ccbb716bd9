"""Replacing a file whole or not at all: the one way ifengine writes anything a player keeps."""

from __future__ import annotations

import contextlib
import os
import re
import time

STALE_SECONDS = 60.0  # a temporary file this old belongs to a write that was killed


def write_atomically(path: str, text: str, prefix: str = ".tmp-") -> None:
    """Write `text` to `path` so that a crash leaves either the old file or the new one.

    A temporary file in the same folder (so the rename cannot cross file
    systems) is written and fsynced, then renamed over `path`; the folder is
    fsynced too where the system allows, so the rename itself survives a
    power cut.
    """
    import tempfile  # imported here: it pulls in `random`, and start-up never writes

    folder = os.path.dirname(os.path.abspath(path))
    remove_stale_temporaries(folder, prefix)
    fd, tmp = tempfile.mkstemp(prefix=prefix, suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    try:
        dir_fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dir_fd)
    except OSError:
        pass
    finally:
        os.close(dir_fd)


def remove_stale_temporaries(folder: str, prefix: str = ".tmp-") -> None:
    """Delete our own temporary files that a killed write left behind (only regular files, only old ones)."""
    pattern = re.compile(re.escape(prefix) + r"[a-z0-9_]{8}\.tmp")
    try:
        names = [name for name in os.listdir(folder) if pattern.fullmatch(name)]
    except OSError:
        return
    cutoff = time.time() - STALE_SECONDS
    for name in names:
        candidate = os.path.join(folder, name)
        with contextlib.suppress(OSError):
            info = os.lstat(candidate)
            if info.st_mtime < cutoff and info.st_mode & 0o170000 == 0o100000:
                os.unlink(candidate)
