"""The session: what each line of input does, undo, saving and loading, the ending screen, live reload."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import LIGHTHOUSE, StoryFactory
from ifengine.loader import load_story
from ifengine.model import Story
from ifengine.play.outputs import EndScreen, Info, Note, Output, Show, Table
from ifengine.play.session import Session
from ifengine.recording import Recording
from ifengine.saves import SaveStore


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, now: float = 1_750_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def story() -> Story:
    return load_story(str(LIGHTHOUSE))


@pytest.fixture
def store(tmp_path: Path, story: Story) -> SaveStore:
    return SaveStore(str(tmp_path / "saves"), story)


def session_for(story: Story, store: SaveStore | None = None, clock: Clock | None = None) -> Session:
    return Session(story, store, clock=clock or Clock())


def notes(outputs: list[Output]) -> list[str]:
    return [o.text for o in outputs if isinstance(o, Note)]


def errors(outputs: list[Output]) -> list[str]:
    return [o.text for o in outputs if isinstance(o, Note) and o.error]


def play(session: Session, *lines: str) -> list[Output]:
    out: list[Output] = []
    for line in lines:
        out += session.handle(line)
    return out


# --- choices and commands ----------------------------------------------------------------


def test_a_number_takes_that_choice(story: Story) -> None:
    session = session_for(story)
    play(session, "2")
    assert session.turn.state.history == ("shore:wade-out-to-the-rocks",)


def test_the_start_of_a_choice_takes_it(story: Story) -> None:
    session = session_for(story)
    play(session, "wade")
    assert session.turn.state.history == ("shore:wade-out-to-the-rocks",)


def test_a_command_may_be_shortened_when_unambiguous(story: Story) -> None:
    out = session_for(story).handle("st")
    assert isinstance(out[0], Info) and out[0].title == "Status"


def test_an_ambiguous_prefix_names_the_candidates(story: Story) -> None:
    assert errors(session_for(story).handle("sa")) == ["'sa' could mean save, saves; type more of it."]


def test_a_locked_choice_says_why(story: Story) -> None:
    assert errors(session_for(story).handle("3")) == [
        "That choice is locked: The path is too dark to find without a light."
    ]


def test_help_lists_every_command(story: Story) -> None:
    info = session_for(story).handle("help")[0]
    assert isinstance(info, Info)
    labels = [label for label, _ in info.rows]
    for name in ("save", "load", "saves", "undo", "status", "journal", "restart", "help", "quit"):
        assert name in labels


def test_status_shows_place_public_state_and_play_time(story: Story) -> None:
    clock = Clock()
    session = session_for(story, clock=clock)
    play(session, "1", "1")
    clock.now += 125
    info = session.handle("status")[0]
    assert isinstance(info, Info)
    assert info.rows == (
        ("Episode", "1, The Shore"),
        ("Scene", "On the shore"),
        ("Courage", "3 of 5"),
        ("", "Enough to climb stairs in the dark?"),
        ("Things you carry", "An oil lamp: Its glass is cracked, but it still burns."),
        ("", "A rusted key: Heavy, and too large for any door in the village."),
        ("Soaked to the skin", "The cold is in your bones now."),
        ("Played", "2m"),
    )


def test_journal_lists_finds_in_order_with_where_each_was_found(story: Story) -> None:
    session = session_for(story)
    play(session, "wade", "search")
    info = session.handle("journal")[0]
    assert isinstance(info, Info)
    assert info.rows == (
        ("A rusted key", "Heavy, and too large for any door in the village."),
        ("", "found in The rocks"),
        ("", ""),  # a blank line between entries
        ("An oil lamp", "Its glass is cracked, but it still burns."),
        ("", "found in On the shore, when you chose: Search the boat"),
    )


def test_an_empty_journal_says_so(story: Story) -> None:
    assert notes(session_for(story).handle("journal")) == ["Your journal is empty."]


def test_each_turn_carries_the_quiet_status_line(story: Story) -> None:
    show = session_for(story).handle("1")[0]
    assert isinstance(show, Show)
    assert show.status == ("Episode 1", "Courage 2/5", "Things you carry 1/3")


def test_an_episode_card_comes_when_an_episode_begins(story: Story) -> None:
    session = session_for(story)
    out = play(session, "1", "1", "1")
    show = out[-1]
    assert isinstance(show, Show) and [e.title for _, e in show.cards] == ["The Tower"]


# --- undo --------------------------------------------------------------------------------


def test_undo_steps_back_exactly_one_choice_each_time_to_the_start(story: Story) -> None:
    session = session_for(story)
    states = [session.turn.state]
    for line in ("1", "1", "1", "1"):
        session.handle(line)
        states.append(session.turn.state)
    for expected in reversed(states[:-1]):
        session.handle("undo")
        assert session.turn.state == expected
    assert errors(session.handle("undo")) == ["Nothing to undo: this is the start of the game."]


def test_undo_from_an_ending_plays_on(story: Story) -> None:
    session = session_for(story)
    play(session, "1", "1", "1", "2")
    assert session.finished
    session.handle("undo")
    assert not session.finished and session.turn.state.scene == "cottage"


def test_restart_can_be_undone(story: Story) -> None:
    session = session_for(story)
    play(session, "1", "1")
    before = session.turn.state
    play(session, "restart", "restart")  # nothing keeps this game, so the first restart asks
    assert session.turn.state.history == ()
    play(session, "undo")
    assert session.turn.state == before


def test_restart_asks_once_when_nothing_keeps_the_game(story: Story) -> None:
    session = session_for(story)
    play(session, "1")
    first = session.handle("restart")
    assert errors(first) == [
        "Restart? Your last 1 choice is not saved; type restart again to start over, or save first."
    ]
    assert session.turn.state.history == ("shore:search-the-boat",)
    play(session, "status")  # anything else in between: the question is asked again
    play(session, "restart")
    assert session.turn.state.history == ("shore:search-the-boat",)
    play(session, "restart")
    assert session.turn.state.history == ()


def test_restart_with_an_autosave_does_not_ask_and_says_the_game_is_kept(story: Story, store: SaveStore) -> None:
    session = Session(story, store, clock=Clock())
    play(session, "1")
    out = session.handle("restart")
    assert session.turn.state.history == () and "The game you left is kept among your saves" in notes(out)[0]


def test_undoing_a_restart_brings_back_that_games_clock_and_id(story: Story) -> None:
    clock = Clock()
    session = session_for(story, clock=clock)
    game = session.game
    play(session, "1")
    clock.now += 180
    play(session, "restart", "restart")
    clock.now += 19
    assert session.play_seconds() == 19 and session.game != game
    play(session, "undo")
    clock.now += 1
    assert session.game == game and session.play_seconds() == 181


# --- saving and loading ------------------------------------------------------------------


def test_save_then_load_in_a_new_session_continues_at_the_same_scene_and_state(story: Story, store: SaveStore) -> None:
    first = session_for(story, store)
    play(first, "1", "1", "1", "save mine", "quit")
    second = session_for(story, store)
    out = second.handle("load mine")
    assert second.turn.state == first.turn.state
    assert notes(out)[0] == "Loaded 'mine': The keeper's cottage, after 3 choices."


def test_undo_after_loading_goes_back_through_the_saved_history(story: Story, store: SaveStore) -> None:
    first = session_for(story, store)
    play(first, "1", "1", "save mine")
    second = session_for(story, store)
    play(second, "load mine", "undo")
    assert second.turn.state.history == ("shore:search-the-boat",)
    play(second, "undo")
    assert second.turn.state.history == ()


def test_save_without_a_slot_uses_quicksave(story: Story, store: SaveStore) -> None:
    session = session_for(story, store)
    play(session, "1", "save")
    assert "quicksave" in store.slots()
    play(session, "2", "load")
    assert session.turn.state.history == ("shore:search-the-boat",)


def test_a_hostile_slot_name_gets_one_line_and_writes_nothing(story: Story, store: SaveStore) -> None:
    session = session_for(story, store)
    out = session.handle("save ../../etc/passwd")
    assert errors(out) == [
        "'../../etc/passwd' cannot be a slot name: use 1 to 40 letters, digits, '-' or '_', starting with a letter or digit"
    ]
    assert store.slots() == []


def test_the_autosave_slots_cannot_be_saved_over_by_hand(story: Story, store: SaveStore) -> None:
    assert errors(session_for(story, store).handle("save autosave")) == [
        "'autosave' is kept by the game itself; choose another name, such as save mine."
    ]


def test_loading_a_damaged_save_keeps_the_current_game(story: Story, store: SaveStore) -> None:
    session = session_for(story, store)
    play(session, "1", "save mine")
    Path(store.path("mine")).write_text("{")
    before = session.turn.state
    out = session.handle("load mine")
    assert errors(out) == [f"{store.path('mine')}: it ends in the middle of the data; the file is truncated"]
    assert session.turn.state == before


def test_every_choice_is_autosaved(story: Story, store: SaveStore) -> None:
    session = session_for(story, store)
    play(session, "1", "1")
    assert store.load("autosave").state == session.turn.state


def test_nothing_is_autosaved_when_persistence_is_off(story: Story, store: SaveStore) -> None:
    session = Session(story, store, persist=False, clock=Clock())
    play(session, "1")
    assert store.slots() == []
    assert session.at_risk() == "your last 1 choice is not saved"


def test_a_failing_autosave_is_reported_once_and_puts_progress_at_risk(story: Story, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    session = session_for(story, SaveStore(str(blocker), story))
    first = errors(session.handle("1"))
    second = errors(session.handle("1"))
    assert len(first) == 1 and first[0].startswith("autosave failed: cannot create the saves folder")
    assert second == []
    assert session.at_risk() == "your last 2 choices are not saved"


def test_nothing_is_at_risk_when_autosave_works(story: Story, store: SaveStore) -> None:
    session = session_for(story, store)
    play(session, "1")
    assert session.at_risk() == ""


def test_play_time_carries_over_a_save(story: Story, store: SaveStore) -> None:
    clock = Clock()
    first = session_for(story, store, clock)
    clock.now += 600
    play(first, "1", "save mine")
    second = session_for(story, store, clock)
    play(second, "load mine")
    clock.now += 60
    assert second.play_seconds() == 660


def test_saves_lists_good_saves_and_names_the_bad_file(story: Story, store: SaveStore) -> None:
    session = session_for(story, store)
    play(session, "1", "save mine", "save other")
    Path(store.path("other")).write_text('{"format": "ifengine-save", "version": 99}')
    table = session.handle("saves")[0]
    assert isinstance(table, Table)
    assert [row[0] for row in table.rows] == ["autosave", "mine"]
    assert table.notes == (
        f"{store.path('other')}: it was written in save format 99 by a newer ifengine; this one reads format 1",
    )


def test_an_edited_story_that_fits_loads_with_notes(make_story: StoryFactory, tmp_path: Path) -> None:
    root = make_story()
    story = load_story(str(root))
    store = SaveStore(str(tmp_path / "saves"), story)
    session = session_for(story, store)
    session.handle("save mine")
    manifest = (root / "story.yaml").read_text()
    (root / "story.yaml").write_text(manifest.replace("  f: {type: flag}\n", "  f: {type: flag}\n  g: {type: flag}\n"))
    edited = load_story(str(root))
    out = session_for(edited, SaveStore(str(tmp_path / "saves"), edited)).handle("load mine")
    assert "Note: new variable 'g' starts at its default." in notes(out)


# --- the ending screen -------------------------------------------------------------------


def test_the_ending_screen_summarises_the_path(story: Story) -> None:
    session = session_for(story)
    out = play(session, "1", "1", "1", "2")
    screen = next(o for o in out if isinstance(o, EndScreen))
    assert screen.ending.title == "The Light Returns"
    assert screen.path == (
        ("Key choices", "Search the boat"),
        ("", "Wade out to the rocks"),
        ("Choices made", "4"),
        ("Things you carry", "2 of 3: An oil lamp, A rusted key"),
    )


def test_the_ending_screen_counts_endings_seen_across_playthroughs(story: Story, store: SaveStore) -> None:
    play(session_for(story, store), "1", "1", "1", "2")
    out = play(session_for(story, store), "1", "1", "1", "1", "1")
    screen = next(o for o in out if isinstance(o, EndScreen))
    assert screen.endings == (("The Light Returns", True), ("The Keeper's Daughter", True), ("The Long Night", False))
    assert screen.seen_count == 2


def test_after_an_ending_choices_are_refused_politely(story: Story) -> None:
    session = session_for(story)
    play(session, "1", "1", "1", "2")
    assert errors(session.handle("1")) == [
        "The story has ended: type undo to take back your last choice, restart, load or quit."
    ]


def test_a_mistyped_command_gets_a_close_suggestion(story: Story) -> None:
    session = session_for(story)
    assert errors(session.handle("hlep")) == ["'hlep' is not a choice or a command; did you mean 'help'?"]
    assert errors(session.handle("xyzzy")) == ["'xyzzy' is not a choice or a command; type a choice's number, or help."]


# --- recording and live reload -----------------------------------------------------------


def test_the_recorder_gets_the_path_after_every_change(story: Story) -> None:
    recorded: list[Recording] = []
    session = Session(story, None, clock=Clock(), recorder=recorded.append)
    play(session, "1", "1", "undo", "1", "1", "2")
    assert [len(r.choices) for r in recorded] == [1, 2, 1, 2, 3, 4]
    assert recorded[-1] == Recording(
        "lighthouse",
        (
            "shore:search-the-boat",
            "shore:wade-out-to-the-rocks",
            "shore:climb-the-path-to-the-lighthouse",
            "cottage:try-the-tower-door",
        ),
        "light",
    )


def test_a_reloaded_story_that_fits_keeps_the_game(make_story: StoryFactory) -> None:
    root = make_story()
    session = session_for(load_story(str(root)))
    (root / "scenes.yaml").write_text((root / "scenes.yaml").read_text().replace("Start.", "The start."))
    out = session.replace_story(load_story(str(root)))
    assert notes(out)[0] == "The story changed; reloaded, and this game still fits it."
    show = next(o for o in out if isinstance(o, Show))
    assert show.turn.passages[0].paragraphs == ("The start.",)


def test_a_reloaded_story_that_no_longer_fits_says_why_and_starts_again(make_story: StoryFactory) -> None:
    from conftest import MANIFEST, SCENES

    root = make_story(MANIFEST.replace("start: a", "start: a2"), scenes=SCENES.replace("  a:\n", "  a2:\n"))
    session = session_for(load_story(str(root)))
    (root / "story.yaml").write_text(MANIFEST)
    (root / "scenes.yaml").write_text(SCENES)
    out = session.replace_story(load_story(str(root)))
    assert errors(out) == [
        "The story changed and this game no longer fits it: scene 'a2' is not in the story any more; starting again."
    ]
    assert session.turn.state.scene == "a"


def test_a_reloaded_story_whose_scene_remains_starts_that_scene_again(make_story: StoryFactory) -> None:
    from conftest import MANIFEST, SCENES

    counting = SCENES.replace(
        "    choices:\n",
        "    choices:\n      - text: Count\n        once: true\n        do: [n += 2]\n        goto: a\n",
        1,
    )
    root = make_story(scenes=counting)
    session = session_for(load_story(str(root)))
    session.handle("1")
    assert session.turn.state.value(session.story, "n") == 2
    (root / "story.yaml").write_text(MANIFEST.replace("max: 3}", "max: 1}"))
    out = session.replace_story(load_story(str(root)))
    assert errors(out) == [
        "The story changed and this game no longer fits it: variable 'n' is 2, outside 0..1; "
        "starting this scene again, fresh."
    ]
    assert session.turn.state.scene == "a" and session.turn.state.history == ()
    assert session.turn.state.value(session.story, "n") == 0


def test_the_ending_lists_key_choices_as_they_read_when_taken(make_story) -> None:  # type: ignore[no-untyped-def]
    manifest = """\
    id: path
    title: Path
    start: a
    state:
      coins: {type: int, min: 0, max: 99, default: 50, public: true}
      plumbing: {type: flag}
    endings:
      done: {title: Done, theme: t}
    """
    scenes = """\
    scenes:
      a:
        choices:
          - {text: "Spend five (now {coins})", do: coins += 5, goto: b}
          - {text: Keep them, goto: b}
      b:
        choices:
          - {text: Go on, do: plumbing = true, goto: c}
      c:
        ending: done
    """
    from ifengine.loader import load_story
    from ifengine.play.views import key_choices

    story = load_story(str(make_story(manifest, scenes=scenes)))
    session = session_for(story)
    play(session, "1", "1")
    assert session.turn.ending is not None
    assert key_choices(story, session.turn.state) == ["Spend five (now 50)"]  # not 55; the lone Go on is bookkeeping
