"""YAML to located data, and refusing hostile input quickly with a located error."""

from __future__ import annotations

import time

import pytest
import yaml

from ifengine import yamlsource
from ifengine.yamlsource import MAX_DEPTH, Map, Seq, SourceError, decode, load_text


def located(text: str) -> str:
    with pytest.raises(SourceError) as info:
        load_text("f.yaml", text)
    return info.value.diagnostic.format()


def test_values_remember_their_positions() -> None:
    data = load_text("f.yaml", "a: 1\nb:\n  - x\n  - 'y'\n")
    assert data == {"a": 1, "b": ["x", "y"]}
    assert str(data.key_loc("b").pos) == "f.yaml:2:1"
    assert str(data["b"].item_loc(1).pos) == "f.yaml:4:5"


def _positions(value: object, at: str = "") -> list[tuple[str, str]]:
    """Every value's path in the document and its position, to compare two parses."""
    found: list[tuple[str, str]] = []
    if isinstance(value, Map):
        for key, item in value.items():
            found += [(f"{at}/{key}=", str(value.key_loc(key).pos)), (f"{at}/{key}", str(value.value_loc(key).pos))]
            found += _positions(item, f"{at}/{key}")
    elif isinstance(value, Seq):
        for index, (item, loc) in enumerate(value.located()):
            found += [(f"{at}[{index}]", str(loc.pos)), *_positions(item, f"{at}[{index}]")]
    return found


def test_the_pure_python_parser_gives_the_same_data_and_positions(monkeypatch: pytest.MonkeyPatch) -> None:
    # libyaml is optional: without it, PyYAML's own parser must give identical results.
    text = "a: 1\nb:\n  - x\n  - 'y'\n  - c: |\n      block\n    d: [1, \"two\", {g: ~}]\ne: &x [p, q]\nf: *x\n"
    fast = load_text("f.yaml", text)
    monkeypatch.setattr(yamlsource, "_Loader", yaml.SafeLoader)
    slow = load_text("f.yaml", text)
    assert fast == slow
    assert _positions(fast) == _positions(slow)
    assert len(_positions(fast)) > 10


def test_core_schema_keeps_yes_no_and_on_as_text() -> None:
    data = load_text("f.yaml", "a: No\nb: on\nc: true\nd: ~\ne: 0x10\nf: 1.5\n")
    assert data == {"a": "No", "b": "on", "c": True, "d": None, "e": 16, "f": 1.5}


def test_quoted_numbers_stay_text() -> None:
    assert load_text("f.yaml", "a: '12'\n") == {"a": "12"}


def test_block_scalar_offsets_map_to_file_positions() -> None:
    text = "t: |\n  first line\n  second {oops}\n"
    data = load_text("f.yaml", text)
    value = data["t"]
    assert str(data.value_loc("t").at(value.index("{oops}"), value)) == "f.yaml:3:10"


def test_syntax_errors_are_located() -> None:
    assert located("a: [1, 2\nb: 3\n").startswith("f.yaml:2:")


def test_tab_indentation_gets_a_plain_explanation() -> None:
    message = located("a:\n\tb: 1\n")
    assert message.startswith("f.yaml:2:1: error:")
    assert "tab" in message and "spaces" in message


def test_duplicate_keys_are_refused() -> None:
    assert (
        located("a: 1\nb: 2\na: 3\n")
        == "f.yaml:3:1: error: duplicate key 'a' (first at line 1) (remove or rename one of them)"
    )


def test_python_tags_are_refused() -> None:
    message = located("a: !!python/object/apply:os.system ['echo hi']\n")
    assert "f.yaml:1:4" in message and "tag" in message


def test_custom_tags_are_refused() -> None:
    assert "tag !secret is not allowed" in located("a: !secret x\n")


def test_alias_bomb_is_refused_quickly() -> None:
    bomb = 'a: &a ["x","x","x","x","x","x","x","x","x"]\n'
    for i in range(ord("b"), ord("k")):
        prev = chr(i - 1)
        bomb += f"{chr(i)}: &{chr(i)} [{','.join(['*' + prev] * 9)}]\n"
    started = time.perf_counter()
    message = located(bomb)
    assert time.perf_counter() - started < 1
    assert "alias bomb" in message


def test_aliases_of_long_text_are_weighed_by_its_length(monkeypatch: pytest.MonkeyPatch) -> None:
    # 500 aliases of an 8 MB block once took 13 s; here the same shape at a small limit.
    monkeypatch.setattr(yamlsource, "MAX_ALIAS_CHARS", 100)
    text = "a: &t " + "x" * 30 + "\nb: [*t, *t, *t, *t]\n"
    assert located(text) == (
        "f.yaml:2:17: error: aliases expand to more than 100 characters"
        " (repeat long text less often, or write it out where it is needed)"
    )


def test_aliases_of_containers_count_the_text_inside(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(yamlsource, "MAX_ALIAS_CHARS", 100)
    text = "a: &t [" + "x" * 30 + ", y]\nb: &u [*t, *t]\nc: *u\n"
    assert "aliases expand to more than 100 characters" in located(text)


def test_small_aliases_are_allowed() -> None:
    assert load_text("f.yaml", "a: &x [1, 2]\nb: *x\n") == {"a": [1, 2], "b": [1, 2]}


def test_deep_nesting_is_refused_quickly() -> None:
    started = time.perf_counter()
    message = located("[" * 10_000 + "]" * 10_000)
    assert time.perf_counter() - started < 1
    assert f"deeper than {MAX_DEPTH}" in message


def test_huge_numbers_are_refused() -> None:
    assert "more than 15 digits" in located("a: " + "9" * 5000 + "\n")


def test_more_than_one_document_is_refused() -> None:
    assert "more than one YAML document" in located("a: 1\n---\nb: 2\n")


def test_empty_text_is_none() -> None:
    assert load_text("f.yaml", "") is None
    assert load_text("f.yaml", "# only a comment\n") is None


def test_non_utf8_bytes_are_located() -> None:
    with pytest.raises(SourceError) as info:
        decode("f.yaml", b"a: 1\nb: \xff\n")
    assert info.value.diagnostic.format().startswith("f.yaml:2:4: error: file is not valid UTF-8")


def test_oversized_files_are_refused_before_parsing() -> None:
    with pytest.raises(SourceError, match="limit is 16 MiB"):
        decode("f.yaml", b" " * (17 * 1024 * 1024))


def test_complex_keys_are_refused() -> None:
    assert "key must be plain text" in located("? [a, b]\n: 1\n")


def test_merge_keys_are_refused() -> None:
    assert "merge keys" in located("a: &x {k: 1}\nb:\n  <<: *x\n")
