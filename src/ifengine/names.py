"""Names that become file or folder names: portable on every system ifengine runs on.

The story id names its saves folder, so the loader (which reports a bad id at
its line) and the saves store (which refuses it again before writing) must
agree on exactly one rule; it lives here.
"""

from __future__ import annotations

import re

STORY_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}\Z")
# Names Windows keeps for devices, whatever their case or extension: never a file we write.
DEVICE_NAMES = frozenset({"con", "prn", "aux", "nul"} | {f"{d}{n}" for d in ("com", "lpt") for n in range(10)})


def is_portable_story_id(story_id: str) -> bool:
    """1 to 64 letters, digits, '-' or '_', starting with a letter or digit, and not a device name."""
    return STORY_ID.match(story_id) is not None and story_id.lower() not in DEVICE_NAMES
