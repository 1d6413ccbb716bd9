"""The expression language: parsing, type checking, evaluation and its limits."""

from __future__ import annotations

import re

import pytest

from ifengine.diagnostics import Pos
from ifengine.expr import Env, ExprError, compile_condition, compile_effect, compile_value, parse
from ifengine.model import Member, Variable

VARS = {
    "trust": Variable("trust", "int", 0, 3, minimum=0, maximum=10),
    "exposed": Variable("exposed", "flag", 1, False),
    "clues": Variable(
        "clues",
        "set",
        2,
        frozenset(),
        members={"postcard": Member("postcard", "A postcard"), "ticket": Member("ticket", "A ticket")},
    ),
    "mood": Variable("mood", "enum", 3, "calm", values=("calm", "angry")),
    "name": Variable("name", "string", 4, "Ana"),
}
ENV = Env(VARS, frozenset({"airport", "home"}))
VALUES = (3, False, frozenset({"postcard"}), "calm", "Ana")


def cond(source: str, values: tuple = VALUES, visits: dict | None = None) -> bool:
    return bool(compile_condition(source, ENV).test(values, visits or {}))


def effect(source: str, values: tuple = VALUES) -> tuple:
    new = list(values)
    compile_effect(source, ENV).apply(new, {})
    return tuple(new)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("trust >= 2", True),
        ("trust > 3", False),
        ("trust == 3 and not exposed", True),
        ("trust < 1 or exposed", False),
        ("postcard in clues", True),
        ("'ticket' in clues", False),
        ("ticket not in clues", True),
        ("count(clues) == 1", True),
        ("mood == 'calm'", True),
        ('mood != "angry"', True),
        ("name == 'Ana'", True),
        ("(trust + 2) * 2 == 10", True),
        ("trust / 2 == 1 and trust % 2 == 1", True),
        ("-trust < 0", True),
        ("seen(airport)", False),
        ("visits(home) == 0", True),
        ("true", True),
    ],
)
def test_conditions_evaluate(source: str, expected: bool) -> None:
    assert cond(source) is expected


def test_seen_and_visits_read_visit_counts() -> None:
    assert cond("seen(airport) and visits(airport) == 2", visits={"airport": 2})


@pytest.mark.parametrize(
    ("source", "message", "offset"),
    [
        ("trust >= ", "expression ends too soon", 9),
        ("trsut >= 2", "unknown variable 'trsut'", 0),
        ("trust = 2", "unexpected '='", 6),
        ("trust && exposed", "unexpected character '&'", 6),
        ("trust >= 'x'", "expected a number after '>=' but this is text", 9),
        ("trust", "a condition must be true/false", 0),
        ("passport in clues", "'passport' is not a member of clues", 0),
        ("mood == 'happy'", "'happy' is not one of mood's values", 8),
        ("trust / exposed == 1", "expected a number after '/'", 8),
        ("trust / trust == 1", "needs a non-zero number", 8),
        ("trust / 0 == 1", "needs a non-zero number", 8),
        ("1 < trust < 3", "comparisons cannot be chained", 10),
        ("seen(airprot)", "unknown scene 'airprot'", 5),
        ("lenght(clues) > 1", "unknown function 'lenght'", 0),
        ("clues == clues", "sets cannot be compared", 0),
        ("'open", "string is not closed", 0),
        ("", "expression is empty", 0),
        ("trust ** 2 > 1", "unexpected '*'", 7),
        ("1234567890123456 > trust", "more than 15 digits", 0),
        ("trust >= 2 trust", "unexpected 'trust'", 11),
    ],
)
def test_bad_conditions_are_located(source: str, message: str, offset: int) -> None:
    with pytest.raises(ExprError) as info:
        compile_condition(source, ENV)
    assert message in info.value.message
    assert info.value.offset == offset


def test_unknown_variable_suggests_the_close_name() -> None:
    with pytest.raises(ExprError) as info:
        compile_condition("trsut >= 2", ENV)
    assert info.value.hint == "did you mean 'trust'?"


def test_nesting_is_bounded() -> None:
    with pytest.raises(ExprError, match="deeper than"):
        parse("(" * 40 + "1" + ")" * 40)


def test_long_sources_are_refused() -> None:
    with pytest.raises(ExprError, match="limit is 300"):
        parse("1 + " * 100 + "1")


def test_int_effects_clamp_to_the_declared_range() -> None:
    assert effect("trust += 20")[0] == 10
    assert effect("trust -= 20")[0] == 0
    assert effect("trust = trust * 2")[0] == 6


def test_set_effects_add_and_remove_declared_members() -> None:
    assert effect("clues += ticket")[2] == {"postcard", "ticket"}
    assert effect("clues -= 'postcard'")[2] == frozenset()


def test_flag_enum_and_string_effects() -> None:
    assert effect("exposed = not exposed")[1] is True
    assert effect("mood = 'angry'")[3] == "angry"
    assert effect("name = name + ' B'")[4] == "Ana B"


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("trust", "an effect must look like"),
        ("trust == 2", "an effect must look like"),
        ("clues = postcard", "changed with += and -="),
        ("clues += passport", "'passport' is not a member of clues"),
        ("exposed += 1", "use =, not +="),
        ("mood = 'happy'", "not one of mood's values"),
        ("trust = true", "expected a number for trust"),
        ("nobody = 1", "unknown variable 'nobody'"),
    ],
)
def test_bad_effects_are_refused(source: str, message: str) -> None:
    with pytest.raises(ExprError, match=re.escape(message)):
        compile_effect(source, ENV)


def test_effect_errors_point_into_the_value() -> None:
    with pytest.raises(ExprError) as info:
        compile_effect("trust += trsut", ENV)
    assert info.value.offset == 9


def test_values_interpolate_any_type() -> None:
    assert compile_value("trust + 1", ENV).get(VALUES, {}) == 4


def test_reads_name_the_state_an_expression_depends_on() -> None:
    c = compile_condition("trust > 1 and postcard in clues and seen(home)", ENV)
    assert c.reads == {("cmp", "trust", ">", 1), ("member", "clues", "postcard"), ("seen", "home")}


def test_pos_offset_moves_along_the_line() -> None:
    assert str(Pos("a.yaml", 3, 5).offset(4)) == "a.yaml:3:9"


def test_a_number_compared_with_a_constant_reads_only_the_comparison() -> None:
    assert compile_condition("2 <= trust", ENV).reads == {("cmp", "trust", ">=", 2)}
    assert compile_condition("trust == 3", ENV).reads == {("cmp", "trust", "==", 3)}
    assert compile_condition("trust + 1 > 3", ENV).reads == {("var", "trust")}


def test_set_and_enum_effects_take_their_values_written_out() -> None:
    # A value from a text variable could be no member or value at all, and the effect would do nothing.
    with pytest.raises(ExprError, match=re.escape("clues += needs a member written out")):
        compile_effect("clues += name", ENV)
    with pytest.raises(ExprError, match="mood takes one of its values written out"):
        compile_effect("mood = name", ENV)
    assert effect("mood = mood")[3] == "calm"


@pytest.mark.parametrize("digits", ["\u0663", "\uff13", "1\u0663"])
def test_non_ascii_digits_are_refused_as_numbers(digits: str) -> None:
    with pytest.raises(ExprError) as info:
        compile_condition(f"trust >= {digits}", ENV)
    assert info.value.hint == "write numbers with the digits 0-9"


def test_dividing_by_a_written_negative_number_works() -> None:
    assert effect("trust = 7 - trust % -2")[0] == 7 - 3 % -2  # 8: trust stays within 0..10
    assert effect("trust = 5 + trust / -3")[0] == 5 + 3 // -3


def test_joined_text_is_cut_to_the_string_limit() -> None:
    # Ten quadruplings would make 3 * 4**10 characters without the limit.
    values = (*VALUES[:4], "abc")
    for _ in range(10):
        values = effect("name = name + name + name + name", values)
    assert values[4] == ("abc" * 4000)[:10_000]
