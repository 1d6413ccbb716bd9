"""A game in progress as the player drives it: choices, commands, undo, saves.

The session turns one line of player input into a list of things to show
(`outputs`); renderers draw them. It never prints and never reads a terminal.
The clock, the saves store and the recorder are handed in, so tests drive it
with a fixed clock and a temporary folder.
"""

from __future__ import annotations

import os
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from ..chance import new_seed
from ..diagnostics import suggest
from ..model import Episode, Story
from ..runtime import GameError, Turn, choose, describe, start, start_at, take
from ..saves import AUTOSAVE, PREVIOUS, Loaded, SaveError, SaveStore
from ..state import GameState, StateError, from_data, to_data
from ..words import count
from .outputs import EndScreen, Info, Note, Output, Show, Table

if TYPE_CHECKING:
    from ..recording import Recording

from .views import SAVES_COLUMNS, duration, journal_rows, path_rows, saves_rows, status_parts, status_rows, where_rows

COMMANDS = {
    "help": "list the commands",
    "status": "where you are, and what the story shows of you",
    "journal": "what you have found, in the order you found it",
    "undo": "take back the last choice (again and again, to the start)",
    "save": "save [slot]: save the game (default slot: quicksave)",
    "load": "load [slot]: load a saved game (default slot: quicksave)",
    "saves": "list the saved games",
    "restart": "start again from the beginning",
    "quit": "leave the game",
}
TAKES_SLOT = ("save", "load")
QUICKSAVE = "quicksave"
RESERVED_SLOTS = (AUTOSAVE, PREVIOUS)

Recorder = Callable[["Recording"], None]


def new_game_id() -> str:
    return os.urandom(6).hex()


@dataclass
class Session:
    """One player's game. `store` is None when there is nowhere to save; `persist` turns the
    autosave and the endings gallery on (explicit `save`/`load` work either way)."""

    story: Story
    store: SaveStore | None = None
    persist: bool = True
    clock: Callable[[], float] = time.time
    recorder: Recorder | None = None
    seeds: Callable[[], int] = field(default=lambda: new_seed(secrets.randbits(53)))  # each new game's luck
    turn: Turn = field(init=False)
    past: list[GameState] = field(default_factory=list)
    finished: bool = False
    quit: bool = False
    game: str = field(default_factory=new_game_id)
    created: float = field(init=False)
    autosave_error: str = ""  # the last autosave failure, so it is reported once, not every turn
    choices_since_save: int = 0
    seen_here: set[str] = field(default_factory=set)
    _play_base: float = 0.0
    _resumed: float = field(init=False)
    # Undo across a restart brings back the game left: (undo depth, game id, created, play seconds then).
    _restarts: list[tuple[int, str, float, float]] = field(default_factory=list)
    _restart_asked: bool = False

    def __post_init__(self) -> None:
        self.turn = start(self.story, seed=self.seeds())
        self.finished = self.turn.ending is not None
        self.created = self._resumed = self.clock()

    # --- what the player sees first ------------------------------------------------

    def opening(self) -> list[Output]:
        return [self._show(None)]

    def resume(self, loaded: Loaded) -> list[Output]:
        """Continue a saved game (for `--continue`), as if the player had typed `load`."""
        return self._take_loaded(loaded, "Continuing")

    # --- input ---------------------------------------------------------------------

    def handle(self, line: str) -> list[Output]:
        """Interpret one line of input: a choice number, the start of a choice's words, or a command."""
        text = line.strip()
        if not text:
            return [Note("Type the number of a choice, or help.", True)]
        if text.isdigit():
            return self.pick(int(text))
        word, _, arg = text.partition(" ")
        arg = arg.strip()
        commands = self.matching_commands(word, bool(arg))
        options = [i for i, o in enumerate(self.turn.options, 1) if o.text.lower().startswith(text.lower())]
        if len(commands) == 1 and not options:
            return self.run_command(commands[0], arg)
        if len(options) == 1 and not commands:
            return self.pick(options[0])
        if commands or options:
            names = commands + [f"{i}" for i in options]
            return [Note(f"'{text}' could mean {', '.join(names)}; type more of it.", True)]
        close = suggest(word.lower(), COMMANDS)
        if close:  # 'hlep' -> did you mean 'help'?
            return [Note(f"'{text}' is not a choice or a command; {close}", True)]
        return [Note(f"'{text}' is not a choice or a command; type a choice's number, or help.", True)]

    @staticmethod
    def matching_commands(word: str, has_arg: bool) -> list[str]:
        """Commands this word names: an exact name wins, else every command it starts."""
        word = word.lower()
        names = [c for c in COMMANDS if not has_arg or c in TAKES_SLOT]
        if word in names:
            return [word]
        return [c for c in names if c.startswith(word)]

    def run_command(self, name: str, arg: str = "") -> list[Output]:
        if name != "restart":
            self._restart_asked = False
        if name == "save":
            return self.cmd_save(arg)
        if name == "load":
            return self.cmd_load(arg)
        handler: Callable[[], list[Output]] = getattr(self, "cmd_" + name)
        return handler()

    def pick(self, number: int) -> list[Output]:
        options = self.turn.options
        if self.finished:
            return [Note("The story has ended: type undo to take back your last choice, restart, load or quit.", True)]
        if not 1 <= number <= len(options):
            if not options:
                return [Note("There is nothing to choose here; type undo or restart.", True)]
            numbers = "1" if len(options) == 1 else f"a number from 1 to {len(options)}"
            return [Note(f"There is no choice {number}; type {numbers}.", True)]
        option = options[number - 1]
        if option.locked:
            reason = f": {option.reason}" if option.reason else ""
            return [Note(f"That choice is locked{reason}", True)]
        before = self.current_episode()
        self.past.append(self.turn.state)
        self.turn = choose(self.story, self.turn.state, option.choice.key)
        self.finished = self.turn.ending is not None
        self.choices_since_save += 1
        out: list[Output] = [self._show(before)]
        out += self._after_change()
        if self.turn.ending is not None:
            out += self._end_screen()
        return out

    # --- commands ------------------------------------------------------------------

    def cmd_help(self) -> list[Output]:
        rows = [("1, 2, ...", "take that choice (or type the start of its words)")]
        rows += [(name, doc) for name, doc in COMMANDS.items()]
        rows += [("", "Commands may be shortened when that is unambiguous: st for status, j for journal.")]
        return [Info("Commands", tuple(rows))]

    def cmd_quit(self) -> list[Output]:
        self.quit = True
        return [Note("Goodbye.")]

    def cmd_restart(self) -> list[Output]:
        risk = self.at_risk()
        if risk and not self._restart_asked:  # nothing keeps this game: ask once
            self._restart_asked = True
            return [
                Note(f"Restart? {risk[0].upper()}{risk[1:]}; type restart again to start over, or save first.", True)
            ]
        self._restart_asked = False
        self._restarts.append((len(self.past), self.game, self.created, self.play_seconds()))
        self.past.append(self.turn.state)
        self.turn = start(self.story, seed=self.seeds())
        self.finished = self.turn.ending is not None
        self.game, self.created, self._play_base, self._resumed = new_game_id(), self.clock(), 0.0, self.clock()
        self.choices_since_save = 0
        kept = (
            " The game you left is kept among your saves (type saves), and undo takes you back to it."
            if (self.persist and self.store is not None and not risk)
            else ""
        )
        return [Note(f"Starting again.{kept}"), *self.opening(), *self._after_change()]

    def cmd_undo(self) -> list[Output]:
        if not self.past:
            return [Note("Nothing to undo: this is the start of the game.", True)]
        if self._restarts and self._restarts[-1][0] == len(self.past) - 1:  # back over a restart: that game again
            _, self.game, self.created, self._play_base = self._restarts.pop()
            self._resumed = self.clock()
        self.turn = describe(self.story, self.past.pop())
        self.finished = self.turn.ending is not None
        self.choices_since_save = max(0, self.choices_since_save - 1)
        steps = len(self.past)
        left = f"{steps} more step{'s' * (steps != 1)} can be undone" if steps else "this is the start of the game"
        return [Note(f"You take it back ({left})."), self._show(self.current_episode()), *self._after_change()]

    def cmd_status(self) -> list[Output]:
        state = self.turn.state
        rows = where_rows(self.story, state) + status_rows(self.story, state)
        rows.append(("Played", duration(self.play_seconds())))
        return [Info("Status", tuple(rows))]

    def cmd_journal(self) -> list[Output]:
        rows = journal_rows(self.story, self.turn.state)
        if not rows:
            return [Note("Your journal is empty.")]
        return [Info("Journal", tuple(rows))]

    def cmd_save(self, slot: str) -> list[Output]:
        slot = slot or QUICKSAVE
        if self.store is None:
            return [Note("There is no saves folder to save to.", True)]
        if slot in RESERVED_SLOTS:
            return [Note(f"'{slot}' is kept by the game itself; choose another name, such as save mine.", True)]
        try:
            path = self.store.write(slot, self.turn.state, self.game, self.created, self.clock(), self.play_seconds())
        except SaveError as exc:
            return [Note(str(exc), True)]
        self.choices_since_save = 0
        return [Note(f"Saved to '{slot}' ({path}).")]

    def cmd_load(self, slot: str) -> list[Output]:
        slot = slot or QUICKSAVE
        if self.store is None:
            return [Note("There is no saves folder to load from.", True)]
        try:
            loaded = self.store.load(slot)
        except SaveError as exc:
            return [Note(str(exc), True)]
        return self._take_loaded(loaded, f"Loaded '{slot}'")

    def cmd_saves(self) -> list[Output]:
        if self.store is None:
            return [Note("There is no saves folder.", True)]
        items = self.store.listing()
        if not items:
            return [Note(f"No saved games yet in {self.store.folder}; type save to make one.")]
        rows, notes = saves_rows(items)
        return [Table(f"Saved games ({self.store.folder})", SAVES_COLUMNS, tuple(rows), tuple(notes))]

    # --- state changes -------------------------------------------------------------

    def _show(self, before: Episode | None) -> Show:
        """The current turn, with title cards for episodes begun since `before`."""
        status = tuple(status_parts(self.story, self.turn.state))
        return Show(self.turn, episode_cards(self.turn, before), status)

    def current_episode(self) -> Episode | None:
        return self.story.scenes[self.turn.state.scene].episode

    def play_seconds(self) -> float:
        return self._play_base + max(0.0, self.clock() - self._resumed)

    def at_risk(self) -> str:
        """What leaving now would lose, in words; empty when nothing would be."""
        if self.choices_since_save == 0 or (self.persist and self.store is not None and not self.autosave_error):
            return ""
        n = self.choices_since_save
        return f"your last {n} choice{'s' * (n != 1)} {'are' if n != 1 else 'is'} not saved"

    def _take_loaded(self, loaded: Loaded, verb: str) -> list[Output]:
        state = loaded.state
        self.past = past_states(self.story, state)
        self.turn = describe(self.story, state)
        self.finished = self.turn.ending is not None
        meta = loaded.save.meta
        self.game, self.created, self._play_base, self._resumed = (
            meta.game,
            meta.created,
            meta.play_seconds,
            self.clock(),
        )
        self.choices_since_save = 0
        scene = self.story.scenes[state.scene]
        out: list[Output] = [Note(f"{verb}: {scene.title}, after {count(len(state.history), 'choice')}.")]
        out += [Note(f"Note: {note}.") for note in loaded.notes]
        if not self.past and state.history:
            out.append(Note("Undo can only go back to this point: the story changed since the save."))
        out.append(self._show(None))
        return out + self._after_change()

    def _after_change(self) -> list[Output]:
        """Autosave and record after anything that changes the game; report failures once."""
        out: list[Output] = []
        if self.recorder is not None:
            state = self.turn.state
            try:
                from ..recording import Recording

                self.recorder(
                    Recording(
                        self.story.id,
                        tuple(state.history),
                        state.ending,
                        seed=state.seed if self.story.uses_chance else 0,
                    )
                )
            except OSError as exc:
                out.append(Note(f"cannot write the recording: {exc.strerror or exc}", True))
        if not self.persist or self.store is None:
            return out
        try:
            moved = self.store.autosave(self.turn.state, self.game, self.created, self.clock(), self.play_seconds())
        except SaveError as exc:
            if str(exc) != self.autosave_error:
                out.append(Note(f"autosave failed: {exc}", True))
            self.autosave_error = str(exc)
            return out
        out += [Note(note, True) for note in moved]
        if self.autosave_error:
            out.append(Note("Autosave works again."))
        self.autosave_error = ""
        return out

    def _end_screen(self) -> list[Output]:
        ending = self.turn.ending
        assert ending is not None
        self.seen_here.add(ending.id)
        seen: set[str] = set(self.seen_here)
        out: list[Output] = []
        if self.persist and self.store is not None:
            try:
                seen |= set(self.store.record_ending(ending.id, self.clock()))
            except SaveError as exc:
                out.append(Note(f"the endings gallery was not updated: {exc}", True))
        endings = tuple((e.title, e.id in seen) for e in self.story.endings.values())
        out.insert(0, EndScreen(ending, tuple(path_rows(self.story, self.turn.state)), endings))
        return out

    def replace_story(self, story: Story) -> list[Output]:
        """Go on with an edited story (live reload): keep the game if it fits, else start again."""
        old_story = self.story
        self.story = story
        self._rebind_store()
        try:
            state, notes = from_data(story, to_data(old_story, self.turn.state))
        except StateError as exc:
            scene = self.turn.state.scene
            self.past = []
            if scene in story.scenes:
                self.turn = start_at(story, scene, seed=self.seeds())
                message = f"The story changed and this game no longer fits it: {exc}; starting this scene again, fresh."
            else:
                self.turn = start(story, seed=self.seeds())
                message = f"The story changed and this game no longer fits it: {exc}; starting again."
            self.finished = self.turn.ending is not None
            self.game, self.created, self._play_base, self._resumed = new_game_id(), self.clock(), 0.0, self.clock()
            self.choices_since_save = 0
            return [Note(message, True), *self.opening(), *self._after_change()]
        try:
            self.past = [refit(old_story, story, old) for old in self.past]
        except StateError:
            self.past = []
            notes.append("undo starts from here: earlier steps no longer fit the story")
        self.turn = describe(story, state)
        self.finished = self.turn.ending is not None
        out: list[Output] = [Note("The story changed; reloaded, and this game still fits it.")]
        out += [Note(f"Note: {note}.") for note in notes]
        return [*out, self._show(self.current_episode()), *self._after_change()]

    def _rebind_store(self) -> None:
        if self.store is not None:
            self.store = SaveStore(self.store.root, self.story)


def refit(old_story: Story, story: Story, state: GameState) -> GameState:
    """A state of `old_story` fitted to `story` (StateError if it does not fit), keeping its
    shared history as it is: the history is not checked against the story, and copying it
    for every undo step would make a live reload cost the square of the game's length."""
    fitted, _ = from_data(story, to_data(old_story, state, with_history=False))
    return replace(fitted, history=state.history)


def past_states(story: Story, state: GameState) -> list[GameState]:
    """The states before each choice in `state.history`, rebuilt by replaying it, so undo works
    after a load; empty if the history no longer replays to exactly this state.

    Linear in the history: no text is rendered, and consecutive states share
    their history and every part a choice did not change.
    """
    try:
        current = start(story, seed=state.seed).state
        states = [current]
        for key in state.history:
            current = take(story, current, key)
            states.append(current)
    except GameError:
        return []
    if current != state:
        return []
    states.pop()
    return states


def episode_cards(turn: Turn, before: Episode | None) -> tuple[tuple[int, Episode], ...]:
    """Where in a turn's passages a new episode begins, so its title card goes there."""
    cards = []
    for index, passage in enumerate(turn.passages):
        episode = passage.scene.episode
        if episode is not None and episode != before and not passage.is_reply:
            cards.append((index, episode))
            before = episode
    return tuple(cards)
