"""Prose templates: interpolation, conditionals, paragraphs and emphasis."""

from __future__ import annotations

import pytest

from ifengine.expr import Env, ExprError
from ifengine.model import Member, Variable
from ifengine.text import compile_template, paragraphs, plain, spans

VARS = {
    "n": Variable("n", "int", 0, 2, minimum=0, maximum=5),
    "bag": Variable(
        "bag", "set", 1, frozenset(), members={"coin": Member("coin", "a coin"), "map": Member("map", "a map")}
    ),
    "lit": Variable("lit", "flag", 2, False),
}
ENV = Env(VARS, frozenset({"a"}))


def render(source: str, values: tuple = (2, frozenset({"coin"}), False)) -> list[str]:
    return paragraphs(compile_template(source, ENV).render(values, {}))


def test_interpolation_formats_each_type() -> None:
    assert render("{n} coins, {bag}, lit: {lit}, next {n + 1}") == ["2 coins, a coin, lit: no, next 3"]


def test_conditionals_with_elif_and_else() -> None:
    source = "{if n > 3}Many.{elif n > 1}Some.{else}None.{/if}"
    assert render(source) == ["Some."]
    assert render(source, (0, frozenset(), False)) == ["None."]
    assert render(source, (5, frozenset(), False)) == ["Many."]


def test_conditionals_nest() -> None:
    assert render("{if n > 1}A{if lit}B{else}C{/if}D{/if}") == ["ACD"]


def test_blank_lines_make_paragraphs_and_single_breaks_fold() -> None:
    assert render("One\ntwo.\n\n  Three.\n") == ["One two.", "Three."]


def test_an_empty_conditional_on_its_own_line_breaks_no_paragraph() -> None:
    source = "First line\n{if lit}Hidden.{/if}\nsecond line.\n\nNext."
    assert render(source) == ["First line second line.", "Next."]
    assert render(source, (2, frozenset(), True)) == ["First line Hidden. second line.", "Next."]


def test_literal_braces() -> None:
    assert render("{{not a tag}}") == ["{not a tag}"]


def test_emphasis_spans() -> None:
    assert spans("a *b* **c** \\*d") == [("a ", ""), ("b", "i"), (" ", ""), ("c", "b"), (" *d", "")]
    assert spans("an *unclosed star") == [("an *unclosed star", "")]
    assert plain("*Not* yet.") == "Not yet."


def test_interpolated_text_cannot_start_emphasis() -> None:
    env = Env({"name": Variable("name", "string", 0, "*x*")}, frozenset())
    text = compile_template("{name}", env).render(("*x*",), {})
    assert plain(paragraphs(text)[0]) == "*x*"


@pytest.mark.parametrize(
    ("source", "message", "offset"),
    [
        ("Hello {nobody}.", "unknown variable 'nobody'", 7),
        ("{if n > }x{/if}", "expression ends too soon", 7),
        ("{if n > 1}never closed", "{if} is not closed", 0),
        ("text {/if}", "without a matching {if}", 5),
        ("{else}", "without a matching {if}", 0),
        ("open { brace", "'{' is not closed", 5),
        ("close } brace", "'}' without a matching '{'", 6),
        ("{}", "empty {}", 0),
        ("{if n>1}a{else}b{elif n>2}c{/if}", "after {else}", 16),
    ],
)
def test_template_errors_have_offsets(source: str, message: str, offset: int) -> None:
    with pytest.raises(ExprError) as info:
        compile_template(source, ENV)
    assert message in info.value.message
    assert info.value.offset == offset


def test_a_condition_may_start_on_the_next_line() -> None:
    assert render("{if\n  n > 1}Yes.{/if}") == ["Yes."]


@pytest.mark.parametrize(
    "source",
    [
        "{assume lit}<0> and {assume n > 1}<1>",
        "{if n > 3}{assume lit}<0>{elif lit}{assume n == 0}<1>{assume true}<2>{else}none{/if}",
        "{assume true}<0>{if lit}{if n > 1}{assume lit}<1>{else}{assume n < 2}<2>{/if}{assume true}<3>{/if}"
        "{if coin in bag}{assume lit}<4>{/if}",
    ],
    ids=["no-if", "one-block", "nested-and-several"],
)
def test_the_active_assume_tags_are_those_a_render_passes(source: str) -> None:
    template = compile_template(source, ENV)
    for n in range(6):
        for bag in (frozenset(), frozenset({"coin"})):
            for lit in (False, True):
                values = (n, bag, lit)
                shown = " ".join(render(source, values))
                passed = [k for k in range(len(template.assumes)) if f"<{k}>" in shown]
                assert template.active(values, {}) == passed, values
