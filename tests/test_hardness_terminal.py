"""Terminal safety: escape sequences and control characters from a story or a save never reach a terminal raw.

Two lines of defence are tested: the loader refuses control characters in
anything players will see, and both renderers (plain and rich) drop them from
whatever they are given anyway, including save metadata read from disk.
"""

from __future__ import annotations

import dataclasses
import io
import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from rich.console import Console

from conftest import LIGHTHOUSE, MANIFEST, SCENES, StoryFactory
from ifengine import load_story, start
from ifengine.expr import Env
from ifengine.model import Story
from ifengine.play import fancy, plain
from ifengine.play.outputs import Info, Note, Output, Show, Table
from ifengine.play.views import saves_rows
from ifengine.saves import SaveStore
from ifengine.text import compile_template

Cli = Callable[..., tuple[int, str, str]]

HOSTILE = [
    "\x1b[2J\x1b[H",  # clear the screen
    "\x1b]0;pwned\x07",  # set the window title
    "\x1b]52;c;ZWNobyBvd25lZA==\x07",  # write the clipboard
    "\x9b31m",  # C1 control sequence introducer
    "\x1bP+q\x1b\\",  # device control string
    "\r\x08\x7f",  # carriage return, backspace, delete
    "\u202eevil\u202c",  # right-to-left override
]
# Anything a terminal would act on: C0 (but tab and newline), DEL, C1, and the bidi overrides.
RAW = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def plain_text(outputs: list[Output]) -> str:
    out = io.StringIO()
    plain.render(outputs, out, 72)
    return out.getvalue()


def rich_text(story: Story, outputs: list[Output]) -> str:
    """What the rich renderer sends, with no colour: any escape in it came from the content."""
    out = io.StringIO()
    console = Console(file=out, width=90, force_terminal=True, color_system=None, highlight=False)
    fancy.Renderer(console, story, 72).draw(outputs)
    return out.getvalue()


def rendered(story: Story, outputs: list[Output]) -> list[str]:
    return [plain_text(outputs), rich_text(story, outputs)]


@pytest.fixture
def lighthouse() -> Story:
    return load_story(str(LIGHTHOUSE))


@pytest.mark.parametrize("hostile", HOSTILE)
def test_notes_info_and_tables_never_carry_control_characters(lighthouse: Story, hostile: str) -> None:
    outputs: list[Output] = [
        Note(f"note {hostile} end", error=True),
        Info(f"title {hostile}", ((f"label {hostile}", f"value {hostile}"),)),
        Table(f"saves {hostile}", ("slot", "scene"), ((f"a{hostile}", f"b{hostile}"),), (f"n {hostile}",)),
    ]
    for text in rendered(lighthouse, outputs):
        assert not RAW.search(text), repr(text)
        assert "end" in text


@pytest.mark.parametrize("hostile", HOSTILE)
def test_story_prose_and_choices_never_carry_control_characters(lighthouse: Story, hostile: str) -> None:
    # Build a story the loader would refuse, to prove the renderers do not rely on it.
    env = Env(lighthouse.variables, frozenset(lighthouse.scenes))
    shore = lighthouse.scenes["shore"]
    choices = tuple(dataclasses.replace(c, text=compile_template(f"go {hostile}", env)) for c in shore.choices)
    scene = dataclasses.replace(
        shore, title=hostile, text=compile_template(f"Sea {hostile} spray", env), choices=choices
    )
    story = dataclasses.replace(
        lighthouse, title=f"T{hostile}", author=hostile, scenes={**lighthouse.scenes, "shore": scene}
    )
    turn = start(story)
    assert RAW.search(turn.passages[0].paragraphs[0])  # the runtime carries it; only rendering must drop it
    for text in rendered(story, [Show(turn, status=(f"status {hostile}",))]):
        assert not RAW.search(text), repr(text)
        assert "Sea" in text and "spray" in text
    out = io.StringIO()
    plain.title_card(story, out)
    assert not RAW.search(out.getvalue())


def hostile_save(folder: Path, story: Story, hostile: str) -> None:
    """A save file as an attacker would write it: valid JSON, control characters in every text field."""
    store = SaveStore(str(folder), story)
    path = store.write("mine", start(story).state, "g1", 0.0, 1.0, 1.0)
    data = json.loads(Path(path).read_text())
    data["where"]["title"] = f"Shore {hostile}"
    data["game"] = f"g{hostile}"
    data["story"]["title"] = hostile
    Path(path).write_text(json.dumps(data))
    (Path(path).parent / f"bad{hostile[:3]!s}.json").write_text(f"{{{hostile}")


@pytest.mark.parametrize("hostile", HOSTILE)
def test_save_metadata_is_shown_without_control_characters(lighthouse: Story, tmp_path: Path, hostile: str) -> None:
    hostile_save(tmp_path, lighthouse, hostile)
    rows, notes = saves_rows(SaveStore(str(tmp_path), lighthouse).listing())
    assert any(hostile in cell for row in rows for cell in row)  # read back as it was written ...
    table = Table("Saves", ("slot", "episode", "scene", "saved", "played"), tuple(rows), tuple(notes))
    for text in rendered(lighthouse, [table]):  # ... and never drawn raw
        assert not RAW.search(text), repr(text)
        assert "Shore" in text


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("text", '"Sea \\e[2J spray"'),
        ("text", '"Sea \\u009b31m spray"'),
        ("title", '"Shore \\u202e"'),
        ("when", '"1958 \\r"'),
    ],
)
def test_the_loader_refuses_control_characters_in_scenes(
    make_story: StoryFactory, cli: Cli, field: str, value: str
) -> None:
    scenes = SCENES.replace("    text: Start.\n", f"    {field}: {value}\n")
    code, out, _ = cli("check", make_story(scenes=scenes))
    assert code == 1
    assert re.search(r"scenes\.yaml:3:\d+: error: control character U\+[0-9A-F]{4} in '" + field + "'", out), out
    assert not RAW.search(out)


@pytest.mark.parametrize(
    ("declaration", "what"),
    [
        ('bag: {type: set, of: {coin: "A \\e[2J coin", map: A map}}', "member 'coin'"),
        ('bag: {type: set, of: {coin: {label: "A \\x07 coin"}, map: A map}}', "'label'"),
        ('mood: {type: enum, values: ["calm\\e[31m", angry]}', "an enum value"),
        ('who: {type: string, default: "\\e]0;x\\a"}', "'default'"),
    ],
)
def test_the_loader_refuses_control_characters_in_state_declarations(
    make_story: StoryFactory, cli: Cli, declaration: str, what: str
) -> None:
    manifest = MANIFEST.replace("  bag: {type: set, of: {coin: A coin, map: A map}}", f"  {declaration}")
    code, out, _ = cli("check", make_story(manifest))
    assert code == 1
    assert "error: control character U+" in out and f" in {what} " in out, out
    assert not RAW.search(out)


def test_raw_control_characters_in_a_file_are_located(make_story: StoryFactory, cli: Cli) -> None:
    scenes = SCENES.replace("    text: Start.\n", "    text: 'Sea \x1b]0;x\x07 spray'\n")
    code, out, _ = cli("check", make_story(scenes=scenes))
    assert code == 1
    assert "scenes.yaml:3:16: error: control character U+001B in the file" in out, out
    assert not RAW.search(out)


def test_diagnostics_show_control_characters_escaped(make_story: StoryFactory, cli: Cli) -> None:
    manifest = MANIFEST + '"x\\e]0;pwned\\a": 1\n'
    code, out, _ = cli("check", make_story(manifest))
    assert code == 1
    assert "unknown key 'x\\x1b]0;pwned\\x07' in the manifest" in out
    assert not RAW.search(out)


MARKUP = ["[/]", "[link=file:///etc/passwd]x[/link]", "[blink]b[/blink]", "[bold red]", "\\[x]", "[/bold]"]


def rich_plain(story: Story, outputs: list[Output], width: int = 90) -> str:
    """What the rich renderer shows, as text: markup that was interpreted would be missing from it."""
    console = Console(file=io.StringIO(), width=width, record=True, force_terminal=True, highlight=False)
    fancy.Renderer(console, story, 72).draw(outputs)
    return console.export_text()


@pytest.mark.parametrize("markup", MARKUP)
def test_markup_in_notes_rows_and_tables_is_shown_literally(lighthouse: Story, markup: str) -> None:
    outputs: list[Output] = [
        Note(f"note {markup}"),
        Info(f"title {markup}", ((f"label {markup}", f"value {markup}"),)),
        Table(f"saves {markup}", (f"slot {markup}", "scene"), ((f"a{markup}", f"b{markup}"),), (f"n {markup}",)),
    ]
    text = rich_plain(lighthouse, outputs, 160)
    for piece in (f"note {markup}", f"title {markup}", f"value {markup}", f"a{markup}"):
        assert piece in text, (piece, text)
    narrow = rich_plain(lighthouse, outputs[2:], 50)  # the one-save-a-block list of a narrow terminal
    assert f"saves {markup}" in narrow and f"a{markup}" in narrow


@pytest.mark.parametrize("markup", MARKUP)
def test_markup_in_a_flashback_date_is_shown_literally(lighthouse: Story, markup: str) -> None:
    shore = lighthouse.scenes["shore"]
    scene = dataclasses.replace(shore, flashback=True, when=f"1958 {markup}")
    story = dataclasses.replace(lighthouse, scenes={**lighthouse.scenes, "shore": scene})
    assert f"1958 {markup}" in rich_plain(story, [Show(start(story))])


def test_help_shows_the_slot_argument(lighthouse: Story) -> None:
    from ifengine.play.session import Session

    text = rich_plain(lighthouse, Session(lighthouse, None).handle("help"))
    assert "save [slot]" in text


def test_rich_shows_control_characters_visibly(lighthouse: Story) -> None:
    text = rich_plain(lighthouse, [Note("a\x1b[2Jb")])
    assert "a\\x1b[2Jb" in text


def test_replay_shows_a_hostile_recording_name_and_choice_escaped(cli: Cli, tmp_path: Path) -> None:
    rec = tmp_path / "run\x1b]0;pwned\x07.yaml"
    rec.write_text('story: lighthouse\nchoices:\n  - "shore:\\e[2Jgone"\n')
    code, out, err = cli("replay", "--story", LIGHTHOUSE, rec)
    assert code == 1
    assert not RAW.search(out + err), repr(out + err)
    assert "\\x1b]0;pwned\\x07" in out + err


@pytest.mark.parametrize("width", [40, 120])
def test_the_rich_page_never_asks_rich_to_parse_markup(
    lighthouse: Story, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, width: int
) -> None:
    """Structural: every string reaches rich as a Text, so rich's markup parser is never called at all."""
    from ifengine.play.session import Session

    def refuse(markup: str, *args: object, **kwargs: object) -> None:
        raise AssertionError(f"rich was asked to parse {markup!r} as markup")

    monkeypatch.setattr("rich.markup.render", refuse)
    monkeypatch.setattr("rich.console.render_markup", refuse, raising=False)
    session = Session(lighthouse, SaveStore(str(tmp_path), lighthouse))
    console = Console(file=io.StringIO(), width=width, force_terminal=True)
    renderer = fancy.Renderer(console, lighthouse, 0)
    renderer.title()
    renderer.draw(session.opening())
    for line in [
        "help",
        "1",
        "journal",
        "save one",
        "saves",
        "status",
        "1",
        "1",
        "2",
        "1",
        "undo",
        "bogus",
        "load one",
    ]:
        renderer.draw(session.handle(line))
    renderer.draw(session.handle("restart"))
