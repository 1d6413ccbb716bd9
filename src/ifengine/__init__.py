"""ifengine: branching interactive fiction in YAML, with a checker and an exhaustive explorer.

The public API: load a story, start a game, see and take choices.

    story = load_story("story/lighthouse")
    turn = start(story)
    turn = choose(story, turn.state, turn.open_options[0].choice.key)
"""

from typing import TYPE_CHECKING, Any

from .diagnostics import Diagnostic, StoryError
from .loader import load_story, read_story
from .model import Story
from .runtime import GameError, Turn, advance, choose, describe, open_choices, options, replay, start
from .state import GameState

if TYPE_CHECKING:
    from .explorer import explore

__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    """`explore` is loaded on first use: playing a story never needs the explorer."""
    if name == "explore":
        from .explorer import explore

        return explore
    raise AttributeError(f"module 'ifengine' has no attribute {name!r}")


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
