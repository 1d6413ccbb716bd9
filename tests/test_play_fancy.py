"""The rich front end driven through a real prompt_toolkit prompt (pipe input) and a recording console."""

from __future__ import annotations

import io
import os
import time
from pathlib import Path

import pytest
from prompt_toolkit.completion import CompleteEvent
from prompt_toolkit.document import Document
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput
from rich.console import Console

from conftest import LIGHTHOUSE
from ifengine.loader import load_story
from ifengine.model import Story
from ifengine.play import fancy
from ifengine.play.session import Session
from ifengine.saves import SaveStore

CTRL_C, CTRL_D = "\x03", "\x04"
LIGHT = ["1", "1", "1", "2"]


@pytest.fixture
def story() -> Story:
    return load_story(str(LIGHTHOUSE))


def console_of(width: int) -> Console:
    return Console(file=io.StringIO(), width=width, record=True, force_terminal=True, color_system="truecolor")


def drive(session: Session, keys: str, width: int = 100) -> tuple[int, str, Console]:
    """Type `keys` into the real prompt; returns the exit code, the screen's text, and the console."""
    console = console_of(width)
    with create_pipe_input() as pipe:
        pipe.send_text(keys)
        pipe.close()  # the end of the keys is the end of input, as Ctrl-D on a real terminal
        code = fancy.run(session, console=console, prompt_input=pipe, prompt_output=DummyOutput())
    return code, console.export_text(clear=False), console


def lines(*typed: str) -> str:
    return "".join(f"{line}\n" for line in typed)


def test_a_whole_playthrough_reaches_the_ending_screen(story: Story, tmp_path: Path) -> None:
    session = Session(story, SaveStore(str(tmp_path), story))
    code, screen, _ = drive(session, lines(*LIGHT, "quit"))
    assert code == 0
    for words in ("The Light Returns", "hope", "Your path", "Key choices", "Endings seen: 1 of 3", "???"):
        assert words in screen


@pytest.mark.parametrize("width", [40, 120])
def test_the_page_fits_the_terminal_and_keeps_every_word(story: Story, width: int) -> None:
    _, screen, _ = drive(Session(story), lines("1", "status", "journal", "help", "1", "1", "2", "quit"), width)
    assert max(len(line.rstrip()) for line in screen.splitlines()) <= width
    flat = " ".join(screen.split())
    for words in (
        "Climb the path to the lighthouse",
        "The path is too dark to find without a light.",
        "Its glass is cracked, but it still burns.",
        "Episode 2",
        "The Tower",
        "The Light Returns",
    ):
        assert words in flat


def test_prose_is_kept_to_a_comfortable_width_on_wide_terminals(story: Story) -> None:
    _, screen, _ = drive(Session(story), lines("quit"), 200)
    prose = next(line for line in screen.splitlines() if "lighthouse has been dark" in line)
    assert len(prose.strip()) <= 72


def ansi_line(console: Console, words: str) -> str:
    """The screen line holding `words`, with its style codes."""
    return next(line for line in console.export_text(styles=True, clear=False).splitlines() if words in line)


def test_a_locked_choice_is_dimmed_with_its_reason(story: Story) -> None:
    _, screen, console = drive(Session(story), lines("quit"))
    assert "\x1b[2m" in ansi_line(console, "Climb the path")  # SGR 2: dim
    assert "Climb the path to the lighthouse (The path is too dark to find without a light.)" in " ".join(
        screen.split()
    )


def test_emphasis_from_the_story_is_rendered_as_italic(story: Story) -> None:
    _, _, console = drive(Session(story), lines("quit"))
    line = ansi_line(console, "still wet")
    assert "\x1b[3mstill wet" in line  # SGR 3: italic


def test_ctrl_c_asks_before_leaving_and_no_keeps_playing(story: Story) -> None:
    session = Session(story)
    code, screen, _ = drive(session, "1\n" + CTRL_C + "n\n" + "status\n" + "quit\n")
    assert code == 0
    assert session.turn.state.history == ("shore:search-the-boat",)
    assert "Status" in screen


def test_ctrl_d_then_yes_leaves(story: Story) -> None:
    session = Session(story)
    code, _, _ = drive(session, CTRL_D + "y\n" + "1\n")
    assert code == 0
    assert session.turn.state.history == ()  # the "1" after leaving was never read


def test_the_leave_question_says_what_would_be_lost(story: Story) -> None:
    from ifengine.play.plain import leave_question

    unsaved = Session(story, None, persist=False)
    unsaved.handle("1")
    assert leave_question(unsaved) == "Leave the game? Your last 1 choice is not saved. [y/N] "


def test_the_end_of_input_leaves_cleanly(story: Story) -> None:
    code, _, _ = drive(Session(story), "1\n")
    assert code == 0


def test_save_and_load_through_the_prompt(story: Story, tmp_path: Path) -> None:
    store = SaveStore(str(tmp_path), story)
    first = Session(story, store)
    drive(first, lines("1", "1", "save mine", "quit"))
    second = Session(story, store)
    _, screen, _ = drive(second, lines("load mine", "saves", "quit"))
    assert second.turn.state == first.turn.state
    assert "Loaded 'mine': On the shore, after 2 choices." in screen
    assert "Saved games" in screen and "mine" in screen


def test_completion_offers_commands_by_prefix(story: Story) -> None:
    completer = fancy.PlayCompleter(Session(story))
    found = [c.text for c in completer.get_completions(Document("sa"), CompleteEvent())]
    assert found == ["save", "saves"]


def test_completion_offers_slot_names_after_load(story: Story, tmp_path: Path) -> None:
    store = SaveStore(str(tmp_path), story)
    session = Session(story, store)
    session.handle("save before-door")
    session.handle("save beach")
    completer = fancy.PlayCompleter(session)
    found = [c.text for c in completer.get_completions(Document("load bef"), CompleteEvent())]
    assert found == ["before-door"]


def test_text_from_a_save_file_cannot_send_escape_sequences(story: Story, tmp_path: Path) -> None:
    store = SaveStore(str(tmp_path), story)
    session = Session(story, store)
    session.handle("save mine")
    path = Path(store.path("mine"))
    path.write_text(
        path.read_text().replace('"title": "On the shore"', '"title": "On the shore\\u001b]0;owned\\u0007\\u001b[2J"')
    )
    _, _, console = drive(Session(story, store), lines("saves", "quit"))
    raw = console.export_text(styles=True)
    assert "owned" in raw  # the words are shown; only the control characters are dropped
    assert "\x1b]0" not in raw and "\x1b[2J" not in raw and "\x07" not in raw


def test_watch_reloads_the_story_while_the_prompt_waits(make_story) -> None:  # type: ignore[no-untyped-def]
    import threading

    from conftest import SCENES
    from ifengine.play.watch import Watcher

    root = make_story()
    session = Session(load_story(str(root)))
    watcher = Watcher(str(root))  # before the edit, so the edit is a change
    console = console_of(80)
    with create_pipe_input() as pipe:

        def author() -> None:
            path = root / "scenes.yaml"
            path.write_text(SCENES.replace("text: Start.", "text: A brand new start."))
            os.utime(path, (time.time() + 5, time.time() + 5))
            for _ in range(200):
                if session.story.scenes["a"].text and "brand new" in session.story.scenes["a"].text.source:
                    break
                time.sleep(0.05)
            pipe.send_text("quit\n")

        writer = threading.Thread(target=author)
        writer.start()
        fancy.run(session, console=console, prompt_input=pipe, prompt_output=DummyOutput(), watcher=watcher)
        writer.join()
    screen = console.export_text()
    assert "The story changed; reloaded, and this game still fits it." in screen
    assert "A brand new start." in screen


def test_a_turn_taller_than_the_screen_stops_at_each_screenful(story: Story, monkeypatch: pytest.MonkeyPatch) -> None:
    from ifengine.play.page import Renderer

    out = io.StringIO()
    console = Console(file=out, width=60, height=12, force_terminal=True, color_system=None, highlight=False)
    asked: list[str] = []
    monkeypatch.setattr("builtins.input", lambda prompt="": asked.append(str(prompt)) or "")
    renderer = Renderer(console, story, paged=True)
    renderer.draw(Session(story, None, persist=False).opening())
    text = out.getvalue()
    assert asked and text.count("more: press Enter") == len(asked)
    first_stop = text.index("more: press Enter")
    assert text[:first_stop].count("\n") == 10  # a screenful (12 rows, less two) before the first stop
    assert "Climb the path to the lighthouse" in text  # every line reaches the screen in the end


def test_piped_or_unpaged_output_never_stops(story: Story, monkeypatch: pytest.MonkeyPatch) -> None:
    from ifengine.play.page import Renderer

    out = io.StringIO()
    console = Console(file=out, width=60, height=12, force_terminal=True, color_system=None, highlight=False)
    monkeypatch.setattr("builtins.input", lambda prompt="": pytest.fail("asked"))
    Renderer(console, story).draw(Session(story, None, persist=False).opening())
    assert "Climb the path to the lighthouse" in out.getvalue()


def test_a_line_typed_at_a_more_stop_is_kept_and_the_rest_of_the_turn_drawn(
    story: Story, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ifengine.play.page import Renderer

    out = io.StringIO()
    console = Console(file=out, width=60, height=12, force_terminal=True, color_system=None, highlight=False)
    asked: list[str] = []
    monkeypatch.setattr("builtins.input", lambda prompt="": asked.append(str(prompt)) or " 1 ")
    typed = Renderer(console, story, paged=True).draw(Session(story, None, persist=False).opening())
    assert typed == "1"
    assert len(asked) == 1  # no more stops once something was typed
    assert "Climb the path to the lighthouse" in out.getvalue()


def test_a_choice_typed_at_a_more_stop_is_taken(story: Story, monkeypatch: pytest.MonkeyPatch) -> None:
    from ifengine.play.page import Renderer

    console = Console(file=io.StringIO(), width=60, height=12, force_terminal=True, color_system=None)
    answers = iter(["1"])
    monkeypatch.setattr("builtins.input", lambda prompt="": next(answers, ""))  # "1" at the first stop only
    session = Session(story, None, persist=False)
    renderer = Renderer(console, story, paged=True)
    typed = renderer.draw(session.opening())
    with create_pipe_input() as pipe:
        pipe.send_text(lines("quit", "y"))
        pipe.close()
        fancy.run(session, prompt_input=pipe, prompt_output=DummyOutput(), renderer=renderer, typed=typed)
    assert len(session.turn.state.history) == 1
