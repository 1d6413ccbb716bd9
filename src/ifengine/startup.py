"""Start-up with the cyclic garbage collector paused, until the player's prompt is live.

Starting to play imports rich and prompt_toolkit and loads the story: tens of
thousands of new objects and no garbage cycles worth finding, so the collector's
passes over them are pure cost (about 10 ms here). `pause` stops it;
`settle` moves everything start-up made into the permanent generation
(`gc.freeze`), so later collections never walk it again, and restarts it.
Both are safe to call more than once, and `settle` only restarts a collector
that `pause` stopped.
"""

from __future__ import annotations

import gc

_paused = False


def pause() -> None:
    global _paused
    if gc.isenabled():
        gc.disable()
        _paused = True


def settle() -> None:
    global _paused
    if _paused:
        _paused = False
        gc.freeze()
        gc.enable()
