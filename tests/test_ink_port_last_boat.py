"""The Last Boat to Sant'Elm, a second porting measure: an ink story and its port read the same when played.

Always: the port (examples/ink-port/last-boat/) checks clean, explores clean,
stays within 1.2 times the ink's lines, and its walkthroughs (one per ending)
replay. When node and inkjs are present, examples/ink-port/last-boat.ink is
compiled with inkjs and the same choices are played in both engines; the text
and the menus must match word for word (whitespace normalised). inkjs is found
from INKJS_DIR (the package folder), INKJS_COMPILER, ./node_modules/inkjs, or
~/.cache/ifengine-inkjs/node_modules/inkjs (`npm install --prefix
~/.cache/ifengine-inkjs inkjs`).

Chance: ink's RANDOM and ifengine's seeded routes draw differently, so each
path is played in ifengine with its recorded seed and in ink with seeds 0-39;
one of the ink games must show exactly what the port showed. Luck decides only
whether the fog comes (everything else is fixed by the choices), so this pairs
the games with the same luck. The one `{shuffle}` (ink `{~...}`) is masked on
both sides, since the two engines draw it differently.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import REPO
from ifengine import explore, load_story, replay
from ifengine.check import check_story
from ifengine.loader import read_story
from ifengine.model import Story
from ifengine.recording import read
from ifengine.runtime import Turn, choose, start

ROOT = REPO / "examples" / "ink-port" / "last-boat"
INK = REPO / "examples" / "ink-port"
WALKS = sorted((ROOT / "walkthroughs").glob("*.yaml"))
SHUFFLE = (
    "A gull keeps pace with the wake, white in the dark.",
    "Something pale turns under the water and is gone.",
    "A bottle goes by, its neck corked, riding low.",
)
# Paths beyond the walkthroughs: the other branches of the weaves, the engine three times, the deck's cycle.
EXTRA_PATHS = [
    (
        0,
        [
            "office:leave-it-for-the-morning",
            "quay:wave-him-aboard",
            "deck:go-below-and-check-the-engine",
            "engine:leave-it-alone",
            "deck:go-below-and-check-the-engine",
            "engine:tighten-the-belt",
            "deck:sit-with-the-man",
            "passenger:shes-very-quiet",
            "envelope:tell-him-to-give-it-himself",
            "deck:climb-to-the-wheelhouse",
            "wheelhouse:ask-about-the-weather",
            "engine:tighten-the-belt",
            "piccola:throw-rosa-the-line",
            "piccola/then:shake-your-head",
            "cellist:ask-if-she-knows-the-man-with-the",
            "cellist/then:leave-her-to-her-thoughts",
        ],
    ),
    (
        0,
        [
            "office:lock-the-till",
            "quay:ask-for-his-ticket",
            "quay/ask-for-his-ticket:let-him-on-anyway",
            "deck:sit-with-the-man",
            "passenger:where-are-you-taking-her",
            "passenger/where-are-you-taking-her:say-nothing",
            "envelope:take-the-letter",
            "deck:climb-to-the-wheelhouse",
            "wheelhouse:ask-about-the-weather",
            "engine:leave-it-alone",
            "piccola:let-marta-bring-her-in-alone",
            "piccola/then:give-her-the-letter",
            "cellist:why-go-back-then",
            "cellist/why-go-back-then:an-audition-where",
            "cellist/then:leave-her-to-her-thoughts",
        ],
    ),
]


@pytest.fixture(scope="module")
def story() -> Story:
    return load_story(str(ROOT))


def test_the_port_checks_clean() -> None:
    loaded, diagnostics = read_story(str(ROOT))
    assert loaded is not None
    assert [d.format() for d in diagnostics + check_story(loaded)] == []


def test_the_port_explores_clean(story: Story) -> None:
    report = explore(story)
    assert report.complete and report.ok and report.errors == []
    assert report.unreached_scenes == [] and report.never_open == [] and report.dead_ends == []
    assert sorted(report.ending_paths) == sorted(story.endings)


@pytest.mark.parametrize("path", WALKS, ids=lambda p: p.stem)
def test_each_walkthrough_reaches_its_ending(story: Story, path: Path) -> None:
    recording = read(str(path))
    turn = replay(story, recording.choices, recording.seed)
    assert turn.ending is not None and turn.ending.id == recording.ending == path.stem


def test_there_is_a_walkthrough_for_every_ending(story: Story) -> None:
    assert sorted(p.stem for p in WALKS) == sorted(story.endings)


def test_the_port_is_at_most_1_2_times_the_inks_lines() -> None:
    """Non-blank lines of the scene files and story.yaml (not the walkthroughs) against the ink's."""
    port = [line for f in ROOT.glob("*.yaml") for line in f.read_text().splitlines() if line.strip()]
    ink = [line for line in (INK / "last-boat.ink").read_text().splitlines() if line.strip()]
    assert len(port) <= 1.2 * len(ink), (len(port), len(ink))


def _words(text: str) -> str:
    for variant in SHUFFLE:
        text = text.replace(variant, "<shuffle>")
    return " ".join(text.split())


def _shown(turn: Turn) -> dict[str, object]:
    text = " ".join(p for passage in turn.passages for p in passage.paragraphs)
    if turn.ending is not None:  # the ink prints the ending's card as its last line
        text += f" {turn.ending.title}. {turn.ending.description}"
    return {"text": _words(text), "menu": [_words(o.text) for o in turn.options]}


def _play_port(story: Story, seed: int, keys: list[str]) -> tuple[list[dict[str, object]], list[str]]:
    """What the port shows at each step, and the menu words of each choice taken."""
    turn = start(story, seed=seed)
    shown, menus = [_shown(turn)], []
    for key in keys:
        menus.append(next(o.text for o in turn.options if o.choice.key == key))
        turn = choose(story, turn.state, key)
        shown.append(_shown(turn))
    return shown, menus


def _inkjs() -> Path | None:
    """The installed inkjs package, from the places the module docstring names."""
    compiler = os.environ.get("INKJS_COMPILER")
    candidates = [
        os.environ.get("INKJS_DIR"),
        str(Path(compiler).parent.parent) if compiler else None,
        REPO / "node_modules" / "inkjs",
        Path.home() / ".cache" / "ifengine-inkjs" / "node_modules" / "inkjs",
    ]
    for candidate in candidates:
        if candidate and (Path(candidate) / "bin" / "inkjs-compiler.js").is_file():
            return Path(candidate)
    return None


@pytest.fixture(scope="module")
def ink_player(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """A function that plays scripts in ink and returns what inkjs showed; skips without node or inkjs."""
    node, inkjs = shutil.which("node"), _inkjs()
    if node is None:
        pytest.skip("node is not installed: the ink side of the comparison needs node and inkjs")
    if inkjs is None:
        pytest.skip("inkjs not found: set INKJS_DIR, or npm install --prefix ~/.cache/ifengine-inkjs inkjs")
    compiled = tmp_path_factory.mktemp("ink") / "last-boat.json"
    compiler = [node, str(inkjs / "bin" / "inkjs-compiler.js"), "-o", str(compiled), str(INK / "last-boat.ink")]
    done = subprocess.run(compiler, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and compiled.is_file(), done.stdout + done.stderr

    def play(scripts: list[dict[str, object]]) -> list[dict[str, object]]:
        command = [node, str(INK / "play_batch.js"), str(inkjs), str(compiled)]
        out = subprocess.run(command, input=json.dumps(scripts), capture_output=True, text=True, timeout=60)
        assert out.returncode == 0, out.stderr
        results: list[dict[str, object]] = json.loads(out.stdout)
        return results

    return play


def _paths() -> list[tuple[str, int, list[str]]]:
    walks = [(p.stem, read(str(p)).seed, list(read(str(p)).choices)) for p in WALKS]
    return walks + [(f"extra-{i}", seed, keys) for i, (seed, keys) in enumerate(EXTRA_PATHS, 1)]


@pytest.mark.parametrize(("name", "seed", "keys"), _paths(), ids=[name for name, _, _ in _paths()])
def test_ink_and_the_port_show_the_same_words(story: Story, ink_player, name: str, seed: int, keys: list[str]) -> None:  # type: ignore[no-untyped-def]
    port, menus = _play_port(story, seed, keys)
    results = ink_player([{"seed": ink_seed, "choices": menus} for ink_seed in range(40)])
    played = [r for r in results if "missing" not in r]
    assert played, f"{name}: no ink seed of 0-39 lets these choices be made: {results[0]}"
    inks = [[{"text": _words(t["text"]), "menu": [_words(m) for m in t["menu"]]} for t in r["turns"]] for r in played]
    assert port in inks or inks[0] == port  # the second shows the difference when no luck matches
