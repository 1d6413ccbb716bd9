"""ifengine: branching interactive fiction in YAML, with a checker and an exhaustive explorer.

The public API: load a story, start a game, see and take choices.

    story = load_story("story/lighthouse")
    turn = start(story)
    turn = choose(story, turn.state, turn.open_options[0].choice.key)

Each name is imported on first use, so that `import ifengine.<module>` costs
only that module: the `ifengine` command starts with nothing loaded but what
it needs, in the order it chooses (see `command.py`).
"""

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .diagnostics import Diagnostic, StoryError
    from .explorer import explore
    from .loader import load_story, read_story
    from .model import Story
    from .runtime import GameError, Turn, advance, choose, describe, open_choices, options, replay, start
    from .state import GameState

__version__ = "0.1.0"

_HOME = {
    "Diagnostic": "diagnostics",
    "StoryError": "diagnostics",
    "explore": "explorer",
    "load_story": "loader",
    "read_story": "loader",
    "Story": "model",
    "GameError": "runtime",
    "Turn": "runtime",
    "advance": "runtime",
    "choose": "runtime",
    "describe": "runtime",
    "open_choices": "runtime",
    "options": "runtime",
    "replay": "runtime",
    "start": "runtime",
    "GameState": "state",
}


def __getattr__(name: str) -> Any:
    """The public API, each name loaded from its module on first use."""
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module 'ifengine' has no attribute {name!r}")
    value = getattr(import_module(f".{home}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_HOME])


__all__ = [
    "Diagnostic",
    "GameError",
    "GameState",
    "Story",
    "StoryError",
    "Turn",
    "advance",
    "choose",
    "describe",
    "explore",
    "load_story",
    "open_choices",
    "options",
    "read_story",
    "replay",
    "start",
]
