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
