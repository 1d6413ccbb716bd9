"""Replaying recorded playthroughs against the current story: a regression suite for authors.

A recording (see `recording`) lists the choice keys a game took. It is played
headlessly with `runtime.replay`, the same functions every front end uses; when
a step fails, the game is walked again up to that step to say exactly why: the
choice no longer exists, belongs to another scene, is locked, hidden or used up,
or the game had already ended.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from . import recording as recordings
from .diagnostics import Pos, StoryError, suggest
from .loader import load_story, read_story
from .model import Story
from .runtime import GameError, Turn, choose, open_choices, options, replay, start
from .yamlsource import SourceError


@dataclass(frozen=True, slots=True)
class Outcome:
    """The result of replaying one recording: `message` is one line, `pos` where to look."""

    pos: Pos
    ok: bool
    message: str

    def format(self) -> str:
        return f"{self.pos}: {'ok' if self.ok else 'FAILED'}: {self.message}"


def recording_files(folder: str) -> list[str]:
    """Every .yaml/.yml file under `folder` (hidden ones skipped), sorted: a regression suite."""
    found = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        found += [os.path.join(root, f) for f in files if f.endswith((".yaml", ".yml")) and not f.startswith(".")]
    return sorted(found)


def story_folder_for(path: str) -> str | None:
    """The nearest folder holding story.yaml at or above the recording's folder."""
    folder = os.path.dirname(os.path.abspath(path))
    while True:
        if os.path.isfile(os.path.join(folder, "story.yaml")):
            return folder
        parent = os.path.dirname(folder)
        if parent == folder:
            return None
        folder = parent


def _why(story: Story, turn: Turn, key: str, exc: GameError) -> str:
    """Why the choice `key` cannot be taken in `turn`, in the author's terms."""
    state = turn.state
    if state.ending is not None:
        return f"the game had already ended ('{state.ending}') before choice '{key}'"
    here = [c.key for c in story.scenes[state.scene].choices]
    choice = story.choice(key)
    if choice is None:
        hint = suggest(key, here)
        return f"choice '{key}' no longer exists" + (
            f" ({hint})" if hint else f" (scene '{state.scene}' offers: {', '.join(here) or 'none'})"
        )
    if choice.scene != state.scene:
        return f"choice '{key}' belongs to scene '{choice.scene}', but the game is in scene '{state.scene}'"
    if choice in open_choices(story, state):
        return str(exc)  # the choice was open: the story failed after it (a routing loop)
    shown = {o.choice.key: o for o in options(story, state)}
    if key in shown:
        reason = shown[key].reason or f"requires: {choice.requirement.source if choice.requirement else ''}"
        return f"choice '{key}' is locked: {reason}"
    if choice.once and key in state.taken:
        return f"choice '{key}' is once-only and was already taken"
    if choice.condition is not None and not choice.condition.test(state.values, state.visits):
        return f"choice '{key}' is hidden: its condition '{choice.condition.source}' is false"
    if choice.requirement is not None and not choice.requirement.test(state.values, state.visits):
        return f"choice '{key}' is locked: {choice.locked_reason or 'requires: ' + choice.requirement.source}"
    return f"choice '{key}' is a fallback, offered only when no other choice is open"


def _failed_step(story: Story, keys: tuple[str, ...], exc: GameError, seed: int) -> tuple[int, str]:
    """Walk the recording again to find the failing step and explain it."""
    turn = start(story, seed=seed)
    for step, key in enumerate(keys, 1):
        try:
            turn = choose(story, turn.state, key)
        except GameError as step_exc:
            return step, _why(story, turn, key, step_exc)
    return len(keys), str(exc)


def replay_recording(story: Story, path: str, rec: recordings.Recording, expect_ending: str | None = None) -> Outcome:
    """Replay one recording; fails on the first step that cannot be taken, or on the wrong ending."""
    file_pos = Pos(path)
    if rec.story != story.id:
        return Outcome(file_pos, False, f"recorded for story '{rec.story}', but this story is '{story.id}'")
    expected = expect_ending or rec.ending
    ending_pos = rec.ending_pos if (rec.ending and not expect_ending and rec.ending_pos) else file_pos
    if expected is not None and expected not in story.endings:
        hint = suggest(expected, story.endings) or "endings: " + ", ".join(story.endings)
        return Outcome(ending_pos, False, f"there is no ending '{expected}' in the story ({hint})")
    steps = len(rec.choices)
    try:
        turn = replay(story, rec.choices, rec.seed)
    except GameError as exc:
        step, why = _failed_step(story, rec.choices, exc, rec.seed)
        pos = rec.choice_positions[step - 1] if step - 1 < len(rec.choice_positions) else file_pos
        return Outcome(pos, False, f"step {step} of {steps}: {why}")
    reached = turn.state.ending
    plural = "s" * (steps != 1)
    if expected is not None and reached != expected:
        if reached is None:
            return Outcome(
                ending_pos,
                False,
                f"after {steps} step{plural} the game is in scene '{turn.state.scene}', not at ending '{expected}'",
            )
        return Outcome(ending_pos, False, f"reached ending '{reached}', not '{expected}'")
    if reached is not None:
        return Outcome(file_pos, True, f"{steps} step{plural}, ending '{reached}' ({story.endings[reached].title})")
    return Outcome(file_pos, True, f"{steps} step{plural}, stops in scene '{turn.state.scene}' (no ending expected)")


class StoryFinder:
    """Which story a recording is replayed against: the one given, else the nearest story
    folder above the recording, else a bundled story with the recorded id. Each loads once."""

    def __init__(self, explicit: str | None, bundled: list[str]) -> None:
        self.explicit = explicit
        self.bundled = bundled
        self.loaded: dict[str, Story] = {}

    def load(self, folder: str) -> Story:
        if folder not in self.loaded:
            self.loaded[folder] = load_story(folder)
        return self.loaded[folder]

    def __call__(self, path: str, rec: recordings.Recording) -> Story:
        if self.explicit is not None:
            return self.load(self.explicit)
        folder = story_folder_for(path)
        if folder is not None:
            return self.load(folder)
        for candidate in self.bundled:
            story, _ = read_story(candidate)
            if story is not None and story.id == rec.story:
                return self.load(candidate)
        raise LookupError(f"no story folder above this recording, and no bundled story '{rec.story}'")


def replay_all(
    paths: list[str], story_for: Callable[[str, recordings.Recording], Story], expect_ending: str | None = None
) -> Iterator[Outcome]:
    """Replay each file in turn; a file that cannot be read, or whose story cannot load, fails on its own."""
    for path in paths:
        try:
            rec = recordings.read(path)
        except SourceError as exc:
            d = exc.diagnostic
            yield Outcome(d.pos, False, d.message + (f" ({d.hint})" if d.hint else ""))
            continue
        try:
            story = story_for(path, rec)
        except LookupError as exc:
            yield Outcome(Pos(path), False, f"{exc.args[0]} (pass --story FOLDER)")
            continue
        except StoryError as exc:
            first = exc.diagnostics[0]
            more = len(exc.diagnostics) - 1
            extra = f" (and {more} more; run ifengine check)" if more else " (run ifengine check)"
            yield Outcome(first.pos, False, f"the story does not load: {first.message}{extra}")
            continue
        yield replay_recording(story, path, rec, expect_ending)
