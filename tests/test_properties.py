"""Property-based hardness: arbitrary and mutated input gives a value or a located one-line error, never another exception.

Covers the expression language, the YAML source, the story loader (and what
runs after it: check, explore) and the save loader. Example counts are capped
so the whole file runs in a few seconds.
"""

from __future__ import annotations

import json
import shutil
from datetime import timedelta
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import LIGHTHOUSE
from ifengine import explore, load_story, start
from ifengine.check import check_story
from ifengine.expr import Env, ExprError, compile_condition, compile_effect, compile_value
from ifengine.loader import read_story
from ifengine.model import Story, Variable
from ifengine.saves import SaveError, SaveStore
from ifengine.state import StateError, from_data
from ifengine.text import compile_template
from ifengine.yamlsource import SourceError, decode, load_text

# A generous per-example deadline: an input that made parsing or loading take
# seconds (unbounded work) fails the test instead of passing slowly.
BOUNDED = timedelta(seconds=3)
FEW = settings(max_examples=150, deadline=BOUNDED, suppress_health_check=[HealthCheck.function_scoped_fixture])
SOME = settings(max_examples=60, deadline=BOUNDED, suppress_health_check=[HealthCheck.function_scoped_fixture])

VARS = {
    "trust": Variable("trust", "int", 0, 2, minimum=0, maximum=5),
    "lit": Variable("lit", "flag", 1, False),
    "bag": Variable("bag", "set", 2, frozenset(), members={"lamp": None, "key": None}),  # type: ignore[dict-item]
    "mood": Variable("mood", "enum", 3, "calm", values=("calm", "angry")),
    "name": Variable("name", "string", 4, "Ana"),
}
ENV = Env(VARS, frozenset({"shore", "tower"}))

# Words an expression is made of, so generated text is often nearly valid.
TOKENS = [
    *VARS, "lamp", "key", "shore", "tower", "calm", "'angry'", "'Ana'", "0", "1", "3", "99", "-", "+", "*", "/", "%",
    "==", "!=", "<", "<=", ">", ">=", "=", "+=", "-=", "and", "or", "not", "in", "true", "false", "(", ")", ",",
    "seen(", "visits(", "count(", "'", '"', "!", "&", ".", "[", "{", "}",
]  # fmt: skip
expression_text = st.lists(st.sampled_from(TOKENS), max_size=14).map(" ".join)
any_text = st.text(max_size=320)


def assert_located(exc: ExprError, source: str) -> None:
    assert 0 <= exc.offset <= len(source)
    assert exc.message and "\n" not in exc.message and "\n" not in exc.hint


@st.composite
def states(draw: st.DrawFn) -> tuple[tuple, dict[str, int]]:
    values = (
        draw(st.integers(0, 5)),
        draw(st.booleans()),
        frozenset(draw(st.sets(st.sampled_from(["lamp", "key"])))),
        draw(st.sampled_from(["calm", "angry"])),
        draw(st.sampled_from(["Ana", "", "Bo"])),
    )
    visits = draw(st.dictionaries(st.sampled_from(["shore", "tower"]), st.integers(1, 3)))
    return values, visits


# --- the expression language ------------------------------------------------------


@FEW
@given(source=st.one_of(any_text, expression_text))
def test_any_text_compiles_or_gives_a_located_error(source: str) -> None:
    for compile_ in (compile_condition, compile_value, compile_effect):
        try:
            compile_(source, ENV)
        except ExprError as exc:
            assert_located(exc, source)


@FEW
@given(source=expression_text, state=states())
def test_a_condition_that_compiles_always_evaluates_to_true_or_false(
    source: str, state: tuple[tuple, dict[str, int]]
) -> None:
    try:
        condition = compile_condition(source, ENV)
    except ExprError:
        return
    assert condition.test(*state) in (True, False)


@FEW
@given(source=expression_text.map(lambda s: s.split("=", 1)[-1]), target=st.sampled_from(list(VARS)), op=st.sampled_from(["=", "+=", "-="]), state=states())  # fmt: skip
def test_an_effect_that_compiles_keeps_every_value_in_its_declared_range(
    source: str, target: str, op: str, state: tuple[tuple, dict[str, int]]
) -> None:
    try:
        effect = compile_effect(f"{target} {op} {source}", ENV)
    except ExprError:
        return
    values = list(state[0])
    effect.apply(values, state[1])
    trust, lit, bag, mood, name = values
    assert isinstance(trust, int) and 0 <= trust <= 5
    assert isinstance(lit, bool)
    assert isinstance(bag, frozenset) and bag <= {"lamp", "key"}
    assert mood in ("calm", "angry")
    assert isinstance(name, str)


@FEW
@given(source=st.one_of(any_text, st.lists(st.sampled_from([*TOKENS, "{", "}", "{if ", "{else}", "{/if}", "{{", "}}", " text "]), max_size=20).map("".join)))  # fmt: skip
def test_any_prose_compiles_or_gives_a_located_error(source: str) -> None:
    try:
        template = compile_template(source, ENV)
    except ExprError as exc:
        assert_located(exc, source)
        return
    assert isinstance(template.render((2, False, frozenset(), "calm", "Ana"), {}), str)


# --- YAML and the story loader --------------------------------------------------------

YAMLISH = [
    "a", "b", ":", ": ", "- ", "\n", "  ", "&x ", "*x", "!!str ", "!!python/name:os.system ", "!t ", "[", "]", "{",
    "}", ",", "'", '"', "#", "|", ">", "---", "...", "<<: ", "? ", "1", "0x1F", "~", "\t", "\\", "\x00", "\x1b",
]  # fmt: skip
yaml_text = st.one_of(any_text, st.lists(st.sampled_from(YAMLISH), max_size=40).map("".join))


@FEW
@given(text=yaml_text)
def test_any_text_parses_or_gives_one_located_line(text: str) -> None:
    try:
        load_text("f.yaml", text)
    except SourceError as exc:
        line = exc.diagnostic.format()
        assert line.startswith("f.yaml") and "\n" not in line


@FEW
@given(data=st.binary(max_size=200))
def test_any_bytes_decode_or_give_one_located_line(data: bytes) -> None:
    try:
        load_text("f.yaml", decode("f.yaml", data))
    except SourceError as exc:
        assert exc.diagnostic.format().startswith("f.yaml") and "\n" not in exc.diagnostic.format()


def mutate(text: str, edits: list[tuple[int, int, str]]) -> str:
    for at, cut, insert in edits:
        at %= len(text) + 1
        text = text[:at] + insert + text[at + cut :]
    return text


edits = st.lists(st.tuples(st.integers(0, 10_000), st.integers(0, 8), st.sampled_from([*YAMLISH, *TOKENS, ""])), min_size=1, max_size=4)  # fmt: skip


@SOME
@given(file=st.sampled_from(["story.yaml", "shore.yaml", "tower.yaml"]), changes=edits)
def test_a_mutated_story_loads_checks_and_explores_or_reports_every_problem_in_one_line(
    tmp_path_factory: object, file: str, changes: list[tuple[int, int, str]]
) -> None:
    root = Path(tmp_path_factory.mktemp("story"))  # type: ignore[attr-defined]
    shutil.copytree(LIGHTHOUSE, root, dirs_exist_ok=True)
    (root / file).write_text(mutate((LIGHTHOUSE / file).read_text(), changes), encoding="utf-8")
    story, diagnostics = read_story(str(root))
    for d in diagnostics:
        assert "\n" not in d.format()
    if story is None or any(d.severity.value == "error" for d in diagnostics):
        return
    found = check_story(story)
    for d in found:
        assert "\n" not in d.format()
    if any(d.severity.value == "error" for d in found):
        return
    report = explore(story, max_states=2_000)
    assert report.states >= 1 or report.errors


# --- the save loader --------------------------------------------------------------------


def saved(tmp_path: Path) -> tuple[Story, SaveStore, Path]:
    story = load_story(str(LIGHTHOUSE))
    store = SaveStore(str(tmp_path), story)
    return story, store, Path(store.write("slot", start(story).state, "g1", 0.0, 1.0, 1.0))


JSONISH = ['"', "{", "}", "[", "]", ",", ":", "1e999", "NaN", "-1", "null", "true", '"x"', "\\", "\\u0000", "\x1b", ""]


@SOME
@given(changes=st.lists(st.tuples(st.integers(0, 10_000), st.integers(0, 6), st.sampled_from(JSONISH)), min_size=1, max_size=4))  # fmt: skip
def test_a_mutated_save_loads_or_gives_one_line_naming_the_file(
    tmp_path_factory: object, changes: list[tuple[int, int, str]]
) -> None:
    story, store, path = saved(Path(tmp_path_factory.mktemp("saves")))  # type: ignore[attr-defined]
    path.write_text(mutate(path.read_text(), changes), encoding="utf-8")
    try:
        loaded = store.load("slot")
    except SaveError as exc:
        assert str(exc).startswith(str(path)) and "\n" not in str(exc)
        return
    assert loaded.state.scene in story.scenes


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(10**20), 10**20) | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20,
)
state_fields = st.fixed_dictionaries(
    {},
    optional={
        "scene": st.sampled_from(["shore", "tower", "nowhere"]) | json_values,
        "values": st.dictionaries(st.sampled_from(["courage", "items", "nothing"]), json_values) | json_values,
        "visits": json_values,
        "taken": json_values,
        "history": json_values,
        "found": json_values,
        "ending": json_values,
    },
)


@FEW
@given(data=st.one_of(json_values, state_fields))
def test_any_state_data_fits_the_story_or_says_why(data: object) -> None:
    story = load_story(str(LIGHTHOUSE))
    try:
        state, notes = from_data(story, json.loads(json.dumps(data)))
    except StateError as exc:
        assert str(exc) and "\n" not in str(exc)
        return
    assert state.scene in story.scenes and all(isinstance(n, str) for n in notes)
