"""What the status, journal, ending and saves screens say: pure functions from story and state to rows."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from ..model import Story, Variable
from ..runtime import GameError, open_choices, start, take
from ..state import GameState
from ..text import plain, tidy

if TYPE_CHECKING:
    from ..saveformat import BadSave, SaveFile


def credit_line(story: Story) -> str:
    """The title card's second line: the story's `credit:` as written, else "by" its author."""
    if story.credit:
        return story.credit
    return f"by {story.author}" if story.author else ""


def choice_words(story: Story, state: GameState, key: str) -> str:
    """A choice's words as the player reads them in `state`."""
    choice = story.choice(key)
    if choice is None:
        return key
    moment = (state.visits.get(choice.scene, 1), state.seed)
    return " ".join(plain(tidy(choice.text.render(state.values, state.visits, moment))).split())


def status_rows(story: Story, state: GameState) -> list[tuple[str, str]]:
    """The variables shown on the status screen as (label, value) lines, each as the story designs it.

    Sets give one line a member; a variable's description follows its value.
    """
    rows: list[tuple[str, str]] = []
    for var in story.variables.values():
        if not var.public:
            continue
        value = state.values[var.index]
        if var.type == "set":
            members = [m for m in var.members.values() if m.name in value]  # type: ignore[operator]
            if not members:
                rows.append((var.title, "none yet"))
            for m in members:
                line = f"{m.label}: {m.description}" if m.description else m.label
                rows.append((var.title if m is members[0] else "", line))
            continue
        if var.type == "flag":
            if value:
                rows.append((var.title, var.description or "yes"))
            continue
        shown = reading(var, value) if var.type == "int" else str(value)
        rows.append((var.title, shown or "-"))
        if var.description:
            rows.append(("", var.description))
    return rows


def reading(var: Variable, value: object) -> str:
    """How an int reads to the player: its words, a bar, a place between two words, or "3 of 5"."""
    assert isinstance(value, int)
    span = max(var.maximum - var.minimum, 1)
    if var.words:
        return next((words for least, words in reversed(var.words) if value >= least), "")
    if var.bar:
        cells = min(span, BAR_CELLS)
        filled = round((value - var.minimum) * cells / span)
        return "█" * filled + "░" * (cells - filled)
    if var.opposed is not None:
        at = round((value - var.minimum) * (SCALE_CELLS - 1) / span)
        line = "─" * at + "●" + "─" * (SCALE_CELLS - 1 - at)
        return f"{var.opposed[0]} {line} {var.opposed[1]}"
    return f"{value} of {var.maximum}"


BAR_CELLS = 10
SCALE_CELLS = 9


def where_rows(story: Story, state: GameState) -> list[tuple[str, str]]:
    scene = story.scenes[state.scene]
    rows = []
    if scene.episode is not None:
        rows.append(("Episode", f"{scene.episode.number}, {scene.episode.title}"))
    rows.append(("Scene", scene.title))
    return rows


def found_where(story: Story, state: GameState, source: str) -> str:
    """Where a member was found: the scene, and the choice that revealed it if one did."""
    scene_id, _, choice_id = source.partition(":")
    scene = story.scenes.get(scene_id)
    place = scene.title if scene else scene_id
    if choice_id and story.choice(source) is not None:
        return f"{place}, when you chose: {choice_words(story, state, source)}"
    return place


def journal_rows(story: Story, state: GameState) -> list[tuple[str, str]]:
    """Members found, in the order found: label and description, then where they were found."""
    rows: list[tuple[str, str]] = []
    for var_name, member, source in state.found:
        var = story.variables.get(var_name)
        if var is None or member not in var.members:
            continue
        if member not in state.values[var.index]:  # type: ignore[operator]
            continue  # lost again since
        m = var.members[member]
        if rows:
            rows.append(("", ""))  # a blank line between entries
        rows.append((m.label, m.description or var.title))
        rows.append(("", f"found in {found_where(story, state, source)}"))
    return rows


def key_choices(story: Story, state: GameState) -> list[str]:
    """The decisions of a game, in the words the player read when taking them.

    A key choice changed something the player is shown, or changed something and
    was taken where another was open: a lone way on that only sets the story's
    own bookkeeping is not a decision. The game is replayed without rendering (linear in
    its length) to read each choice as it was shown; if the story has changed so
    that it no longer replays, the words are read against the final state.
    """
    found: dict[str, str] = {}
    try:
        current = start(story, seed=state.seed).state
        for key in state.history:
            choice = story.choice(key)
            open_ = open_choices(story, current)
            shown = choice is not None and any(story.variables[e.target].public for e in choice.effects)
            if choice is not None and choice.effects and (shown or len(open_) > 1) and key not in found:
                found[key] = choice_words(story, current, key)
            current = take(story, current, key)
    except GameError:
        return [choice_words(story, state, key) for key in dict.fromkeys(state.history) if _changes(story, key)]
    return list(found.values())


def _changes(story: Story, key: str) -> bool:
    choice = story.choice(key)
    return choice is not None and bool(choice.effects)


def path_rows(story: Story, state: GameState, limit: int = 8) -> list[tuple[str, str]]:
    """The ending screen's summary: the key choices as they read then, then every set, counted."""
    rows: list[tuple[str, str]] = []
    key_choices_ = key_choices(story, state)
    for index, words in enumerate(key_choices_[:limit]):
        rows.append(("Key choices" if index == 0 else "", words))
    if len(key_choices_) > limit:
        rows.append(("", f"and {len(key_choices_) - limit} more"))
    rows.append(("Choices made", str(len(state.history))))
    for var in story.variables.values():
        if var.type != "set":
            continue
        value = state.values[var.index]
        labels = [m.label for m in var.members.values() if m.name in value]  # type: ignore[operator]
        total = len(var.members)
        rows.append((var.title, f"{len(labels)} of {total}" + (f": {', '.join(labels)}" if labels else "")))
    return rows


def duration(seconds: float) -> str:
    """Play time as a player reads it: 45s, 12m, 1h 05m."""
    whole = int(seconds)
    if whole < 60:
        return f"{whole}s"
    minutes = whole // 60
    if minutes < 60:
        return f"{minutes}m"
    return f"{minutes // 60}h {minutes % 60:02d}m"


def local_time(seconds: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(seconds))


SAVES_COLUMNS = ("Slot", "Episode", "Scene", "Saved", "Played")


def saves_rows(items: list[SaveFile | BadSave]) -> tuple[list[tuple[str, ...]], list[str]]:
    """Rows for the saves table, and one line for each file that could not be read."""
    from ..saveformat import BadSave

    rows: list[tuple[str, ...]] = []
    notes: list[str] = []
    for item in items:
        if isinstance(item, BadSave):
            notes.append(f"{item.path}: {item.problem}")
            continue
        meta = item.meta
        episode = str(meta.episode) if meta.episode is not None else "-"
        rows.append((item.slot, episode, meta.scene_title, local_time(meta.saved), duration(meta.play_seconds)))
    return rows, notes


def status_parts(story: Story, state: GameState) -> list[str]:
    """The quiet line under the choices: the episode, then what the story shows there.

    `status_line` decides: numbers (counts such as "Trust 3/10", or an int's
    words, bar or scale where it has one), words (only ints with words: never a
    number), or none.
    """
    parts = []
    scene = story.scenes[state.scene]
    if scene.episode is not None:
        parts.append(f"Episode {scene.episode.number}")
    if story.status_line == "none":
        return parts
    for var in story.variables.values():
        if not var.on_line:
            continue
        value = state.values[var.index]
        if var.type == "int":
            if var.words:
                words = reading(var, value)
                if words:
                    parts.append(words)
            elif story.status_line == "numbers":
                designed = var.bar or var.opposed is not None
                parts.append(f"{var.title} {reading(var, value) if designed else f'{value}/{var.maximum}'}")
        elif var.type == "set" and story.status_line == "numbers":
            parts.append(f"{var.title} {len(value)}/{len(var.members)}")  # type: ignore[arg-type]
    return parts
