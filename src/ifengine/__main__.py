"""`python -m ifengine` runs the same command as `ifengine`."""

from .command import run

run()
