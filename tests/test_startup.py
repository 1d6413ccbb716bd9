"""Start-up pauses the garbage collector, and always gives it back."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator

import pytest

from conftest import LIGHTHOUSE
from ifengine import startup

Cli = Callable[..., tuple[int, str, str]]


@pytest.fixture(autouse=True)
def collector_on() -> Iterator[None]:
    gc.enable()
    yield
    gc.enable()


def test_pause_stops_the_collector_and_settle_restarts_it() -> None:
    startup.pause()
    assert not gc.isenabled()
    startup.settle()
    assert gc.isenabled()


def test_settle_leaves_alone_a_collector_someone_else_stopped() -> None:
    gc.disable()
    startup.pause()
    startup.settle()
    assert not gc.isenabled()


def test_playing_gives_the_collector_back(cli: Cli) -> None:
    code, _, _ = cli("play", LIGHTHOUSE, stdin="1\nquit\n")
    assert code in (0, 1)
    assert gc.isenabled()


def test_a_story_that_fails_to_load_gives_the_collector_back(cli: Cli, tmp_path: object) -> None:
    code, _, _ = cli("play", str(tmp_path))
    assert code != 0
    assert gc.isenabled()


def _python(code: str) -> str:
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_the_command_imports_the_engine_with_the_collector_paused() -> None:
    out = _python("import gc, ifengine.command; print(gc.isenabled())")
    assert out.split() == ["False"]


def test_every_command_but_play_runs_with_the_collector_on_and_leaves_it_on() -> None:
    code = f"""
import gc
import ifengine.command
import ifengine.cli as cli
real = cli.cmd_check
def spy(args):
    print("during", gc.isenabled())
    return real(args)
cli.cmd_check = spy
cli.main(["check", {str(LIGHTHOUSE)!r}])
print("after", gc.isenabled())
"""
    said = [line for line in _python(code).splitlines() if line.startswith(("during", "after"))]
    assert said == ["during True", "after True"]


def test_a_bad_command_line_leaves_the_collector_on() -> None:
    code = """
import gc
import ifengine.command
import ifengine.cli as cli
try:
    cli.main(["check", "--no-such-flag"])
except SystemExit:
    pass
print(gc.isenabled())
"""
    assert _python(code).split()[-1] == "True"


def test_importing_the_package_loads_nothing_until_a_name_is_used() -> None:
    out = _python(
        "import sys, ifengine; print('ifengine.loader' in sys.modules); ifengine.load_story; print('ifengine.loader' in sys.modules)"
    )
    assert out.split() == ["False", "True"]


def test_the_way_to_the_first_prompt_imports_nothing_it_does_not_use() -> None:
    """Each of these cost start-up time and is needed only later (a save, a table, the explorer)."""
    code = """
import sys, tempfile
import ifengine.command, ifengine.cli, ifengine.play.launch, ifengine.play.page, ifengine.play.fancy
from ifengine.play.launch import PlayOptions, load
from ifengine.runtime import start
story = load(ifengine.cli.bundled_story(), PlayOptions(saves=tempfile.mkdtemp()))
assert story.summary is not None  # the bundled story ships checked
start(story)
print(" ".join(sorted(m for m in WANTED if m in sys.modules)) or "none")
""".replace("WANTED", repr(LATER))
    assert _python(code).split() == ["none"]


LATER = (
    "fractions",
    "decimal",
    "rich.table",
    "ifengine.saveformat",
    "ifengine.recording",
    "ifengine.budget",
    "ifengine.explorer",
    "ifengine.check",
)
