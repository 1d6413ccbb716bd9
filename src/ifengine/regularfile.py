"""Reading an untrusted file: a regular file only, through one handle, never more than a limit.

Story files and save files both come from outside. Opening without blocking
keeps a FIFO from hanging the reader; checking the type and reading from the
same handle means a file swapped or replaced meanwhile is seen whole, old or
new; reading what the file holds (at most one byte past the limit) never
allocates the whole limit first. Callers turn the exceptions into their own
one-line messages.
"""

from __future__ import annotations

import os
import stat

_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)


class NotRegular(Exception):
    """The path names something other than a plain file; `kind` says what, in words."""

    def __init__(self, kind: str) -> None:
        super().__init__(kind)
        self.kind = kind


def kind_of(mode: int) -> str:
    """What a non-regular file is, in words for a message."""
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a pipe"
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a device"


def read_regular(path: str, limit: int, *, follow_links: bool = False) -> bytes:
    """The bytes of a regular file, at most `limit + 1` (so the caller can tell it is too large).

    NotRegular for anything else; OSError as the system gives it (with
    `follow_links` False, a symlink as the last component fails to open).
    """
    flags = _FLAGS if follow_links else _FLAGS | getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(path, flags)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise NotRegular(kind_of(info.st_mode))
        chunks: list[bytes] = []
        total = 0
        while total <= limit:  # the file may grow while it is read
            chunk = os.read(fd, max(min(info.st_size, limit) + 1 - total, 65536))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        return b"".join(chunks)[: limit + 1]
    finally:
        os.close(fd)
