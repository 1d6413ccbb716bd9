"""The `ifengine` command's entry point: the garbage collector is paused before the engine is imported.

Importing the engine and its libraries makes tens of thousands of objects and
no garbage cycles worth a collection; collecting during the imports costs a
few milliseconds of every start. `startup.pause()` runs first, here, and
`cli.main` gives the collector back: at once for every command but `play`,
and for `play` once the prompt is live (see startup.py).
"""

from . import startup

startup.pause()

import sys  # noqa: E402

from .cli import main  # noqa: E402


def run() -> None:
    sys.exit(main())
