"""A game in progress as the player drives it: choices, commands, undo.

The session turns one line of player input into a list of things to show
(`Show`, `Note`, `Info`); renderers draw them. It never prints and never reads.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..model import Episode, Story
from ..runtime import Turn, choose, describe, start
from ..state import GameState

COMMANDS = {
    "help": "list the commands",
    "status": "trust, allies and what the story shows of you",
    "journal": "what you have found, in the order you found it",
    "undo": "take back the last choice",
    "restart": "start again from the beginning",
    "quit": "leave the game",
}


@dataclass(frozen=True, slots=True)
class Show:
    """A turn to draw; `cards` maps a passage's index to the episode that begins with it."""

    turn: Turn
    cards: tuple[tuple[int, Episode], ...] = ()

    def card_before(self, index: int) -> Episode | None:
        for at, episode in self.cards:
            if at == index:
                return episode
        return None


@dataclass(frozen=True, slots=True)
class Note:
    """A one-line message: `error` ones explain what to type instead."""

    text: str
    error: bool = False


@dataclass(frozen=True, slots=True)
class Info:
    """A titled list of lines (status, journal, help)."""

    title: str
    rows: tuple[tuple[str, str], ...]


Output = Show | Note | Info


@dataclass
class Session:
    story: Story
    turn: Turn = field(init=False)
    past: list[GameState] = field(default_factory=list)
    finished: bool = False
    quit: bool = False

    def __post_init__(self) -> None:
        self.turn = start(self.story)
        self.finished = self.turn.ending is not None

    def opening(self) -> list[Output]:
        return [Show(self.turn, episode_cards(self.turn, None))]

    def current_episode(self) -> Episode | None:
        return self.story.scenes[self.turn.state.scene].episode

    def handle(self, line: str) -> list[Output]:
        """Interpret one line of input: a choice number, choice text, or a command."""
        text = line.strip()
        if not text:
            return [Note("Type the number of a choice, or help.", True)]
        if text.isdigit():
            return self.pick(int(text))
        word = text.lower()
        commands = [c for c in COMMANDS if c.startswith(word)]
        options = [i for i, o in enumerate(self.turn.options, 1) if o.text.lower().startswith(word)]
        if len(commands) == 1 and not options:
            return getattr(self, "cmd_" + commands[0])()
        if len(options) == 1 and not commands:
            return self.pick(options[0])
        if commands or options:
            names = commands + [f"{i}" for i in options]
            return [Note(f"'{text}' could mean {', '.join(names)}; type more of it.", True)]
        return [Note(f"'{text}' is not a choice or a command; type a choice's number, or help.", True)]

    def pick(self, number: int) -> list[Output]:
        options = self.turn.options
        if self.finished:
            return [Note("The story has ended; type restart or quit.", True)]
        if not 1 <= number <= len(options):
            if not options:
                return [Note("There is nothing to choose here; type undo or restart.", True)]
            return [Note(f"There is no choice {number}; type a number from 1 to {len(options)}.", True)]
        option = options[number - 1]
        if option.locked:
            reason = f": {option.reason}" if option.reason else ""
            return [Note(f"That choice is locked{reason}", True)]
        before = self.current_episode()
        self.past.append(self.turn.state)
        self.turn = choose(self.story, self.turn.state, option.choice.key)
        self.finished = self.turn.ending is not None
        return [Show(self.turn, episode_cards(self.turn, before))]

    def cmd_help(self) -> list[Output]:
        rows = [("1, 2, ...", "take that choice (or type the start of its words)")]
        rows += [(name, doc) for name, doc in COMMANDS.items()]
        return [Info("Commands", tuple(rows))]

    def cmd_quit(self) -> list[Output]:
        self.quit = True
        return [Note("Goodbye.")]

    def cmd_restart(self) -> list[Output]:
        self.past.append(self.turn.state)
        self.turn = start(self.story)
        self.finished = False
        return [Note("Starting again."), *self.opening()]

    def cmd_undo(self) -> list[Output]:
        if not self.past:
            return [Note("Nothing to undo: this is the start of the game.", True)]
        self.turn = describe(self.story, self.past.pop())
        self.finished = self.turn.ending is not None
        return [Note("You take it back."), Show(self.turn)]

    def cmd_status(self) -> list[Output]:
        return [Info("Status", tuple(status_rows(self.story, self.turn.state)))]

    def cmd_journal(self) -> list[Output]:
        rows = journal_rows(self.story, self.turn.state)
        if not rows:
            return [Note("Your journal is empty.")]
        return [Info("Journal", tuple(rows))]


def episode_cards(turn: Turn, before: Episode | None) -> tuple[tuple[int, Episode], ...]:
    """Where in a turn's passages a new episode begins, so its title card goes there."""
    cards = []
    for index, passage in enumerate(turn.passages):
        episode = passage.scene.episode
        if episode is not None and episode != before and not passage.is_reply:
            cards.append((index, episode))
            before = episode
    return tuple(cards)


def status_rows(story: Story, state: GameState) -> list[tuple[str, str]]:
    """The public variables as (label, value) lines; sets give one line a member."""
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
                rows.append(
                    (var.title if m is members[0] else "", f"{m.label}: {m.description}" if m.description else m.label)
                )
        elif var.type == "int":
            rows.append((var.title, f"{value} of {var.maximum}"))
        elif var.type == "flag":
            if value:
                rows.append((var.title, var.description or "yes"))
        else:
            rows.append((var.title, str(value)))
    return rows


def journal_rows(story: Story, state: GameState) -> list[tuple[str, str]]:
    """Members found, in order: label and description, with where they were found."""
    rows = []
    for var_name, member, source in state.found:
        var = story.variables.get(var_name)
        if var is None or member not in var.members:
            continue
        if member not in state.values[var.index]:  # type: ignore[operator]
            continue
        m = var.members[member]
        scene = story.scenes.get(source.partition(":")[0])
        where = f" (found in: {scene.title})" if scene else ""
        rows.append((m.label, (m.description or "") + where))
    return rows
