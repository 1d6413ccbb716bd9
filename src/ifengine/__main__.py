"""`python -m ifengine` runs the same command as `ifengine`."""

from .cli import run

run()
