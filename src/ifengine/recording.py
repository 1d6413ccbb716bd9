"""Recorded playthroughs: the choice keys a game took, as a small YAML file.

A recording is what `ifengine play --record FILE` writes and what
`ifengine replay FILE` plays back against the current story, so a folder of
them works as a regression suite for a story.

    story: lighthouse
    ending: light            # optional: the ending this playthrough must reach
    seed: 1234               # optional: the game's luck, for a story that uses chance
    choices:
      - shore:search-the-boat
      - shore:wade-out-to-the-rocks
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .atomic import write_atomically
from .chance import MAX_SEED
from .diagnostics import Pos, error
from .yamlsource import Map, Seq, SourceError, load_file

MAX_CHOICES = 100_000


@dataclass(frozen=True, slots=True)
class Recording:
    story: str
    choices: tuple[str, ...]
    ending: str | None = None
    # Where each choice (and the ending) was written, when read from a file: replay points at them.
    choice_positions: tuple[Pos, ...] = field(default=(), compare=False)
    ending_pos: Pos | None = field(default=None, compare=False)
    seed: int = 0


def dump(recording: Recording) -> str:
    """YAML text for a recording; keys are plain (`scene:id`), so quoting keeps them text."""
    lines = [f"story: {recording.story}"]
    if recording.ending:
        lines.append(f"ending: {recording.ending}")
    if recording.seed:
        lines.append(f"seed: {recording.seed}")
    lines.append("choices:" if recording.choices else "choices: []")
    lines += [f"  - '{key}'" for key in recording.choices]
    return "\n".join(lines) + "\n"


def write(path: str, recording: Recording) -> None:
    """Write atomically: the previous recording survives any failure."""
    write_atomically(path, dump(recording), prefix=".recording-")


def read(path: str) -> Recording:
    """Read a recording; SourceError with a located one-line message if it is malformed."""
    data = load_file(path)
    if not isinstance(data, Map):
        raise SourceError(error(Pos(path, 1, 1), "a recording must be a mapping with story: and choices:"))
    for key in data:
        if key not in ("story", "choices", "ending", "seed"):
            raise SourceError(
                error(
                    data.key_loc(key).pos, f"unknown key '{key}' in a recording", "keys: story, choices, ending, seed"
                )
            )
    story = data.get("story")
    choices = data.get("choices")
    ending = data.get("ending")
    if not isinstance(story, str):
        raise SourceError(error(data.loc.pos, "a recording needs story: the story's id"))
    if not isinstance(choices, list) or not all(isinstance(c, str) for c in choices):
        where = data.value_pos("choices") if "choices" in data else data.loc.pos
        raise SourceError(error(where, "choices: must be a list of choice keys such as shore:search-the-boat"))
    if len(choices) > MAX_CHOICES:
        raise SourceError(error(data.value_pos("choices"), f"more than {MAX_CHOICES:,} choices"))
    if ending is not None and not isinstance(ending, str):
        raise SourceError(error(data.value_pos("ending"), "ending: must be an ending id"))
    seed = data.get("seed", 0)
    if not isinstance(seed, int) or isinstance(seed, bool) or not 0 <= seed <= MAX_SEED:
        raise SourceError(error(data.value_pos("seed"), f"seed: must be a whole number from 0 to {MAX_SEED}"))
    positions = tuple(loc.pos for _, loc in choices.located()) if isinstance(choices, Seq) else ()
    ending_pos = data.value_pos("ending") if "ending" in data else None
    return Recording(story, tuple(choices), ending, positions, ending_pos, seed)
