"""Whole-story checks: links, reachability by links, endings, variables, routing loops."""

from __future__ import annotations

import pytest

from conftest import MANIFEST, SCENES, StoryFactory
from ifengine.check import check_story
from ifengine.loader import read_story


def checked(root: object) -> list[str]:
    story, found = read_story(str(root))
    assert story is not None and not found, found
    return [d.format() for d in check_story(story)]


def test_clean_story_has_no_diagnostics(make_story: StoryFactory) -> None:
    assert checked(make_story()) == []


def test_unknown_goto_suggests_the_close_scene(make_story: StoryFactory) -> None:
    root = make_story(scenes=SCENES.replace("goto: won", "goto: wno"))
    # 'won' is cut off by the typo, but its "never reached" warning waits until the link is fixed.
    assert checked(root) == [f"{root}/scenes.yaml:13:15: error: unknown scene 'wno' (did you mean 'won'?)"]


def test_unknown_choice_target(make_story: StoryFactory) -> None:
    root = make_story(
        scenes=SCENES.replace("        goto: b\n      - text: Leave", "        goto: bb\n      - text: Leave")
    )
    assert checked(root) == [f"{root}/scenes.yaml:7:15: error: unknown scene 'bb' (did you mean 'b'?)"]


def test_unknown_start(make_story: StoryFactory) -> None:
    root = make_story(MANIFEST.replace("start: a", "start: aa"))
    found = checked(root)
    assert found[0] == f"{root}/story.yaml:3:8: error: start scene 'aa' does not exist (did you mean 'a'?)"


def test_unknown_ending(make_story: StoryFactory) -> None:
    root = make_story(scenes=SCENES.replace("ending: lose", "ending: loss"))
    assert f"{root}/scenes.yaml:21:13: error: unknown ending 'loss' (did you mean 'lose'?)" in checked(root)


def test_scene_nothing_leads_to(make_story: StoryFactory) -> None:
    root = make_story(scenes=SCENES + "  orphan:\n    text: Alone.\n    goto: a\n")
    assert checked(root) == [
        f"{root}/scenes.yaml:22:3: warning: scene 'orphan' is never reached: no choice or route leads to it (link to it, or remove it)"
    ]


def test_declared_ending_never_used(make_story: StoryFactory) -> None:
    root = make_story(MANIFEST + "  draw: {title: Draw, theme: balance}\n")
    assert checked(root) == [
        f"{root}/story.yaml:11:3: warning: ending 'draw' is declared but no scene uses it (add ending: draw to a scene)"
    ]


def test_unused_variable(make_story: StoryFactory) -> None:
    root = make_story(MANIFEST.replace("  f: {type: flag}\n", "  f: {type: flag}\n  spare: {type: flag}\n"))
    assert any("variable 'spare' is never used" in d for d in checked(root))


def test_routing_loop(make_story: StoryFactory) -> None:
    scenes = SCENES + "  x:\n    goto: y\n  y:\n    route:\n      - if: n > 1\n        goto: x\n      - goto: won\n"
    scenes = scenes.replace("      - goto: lost", "      - goto: x")
    root = make_story(scenes=scenes)
    assert any("loop through" in d for d in checked(root))


CALLED_TWICE = """\
scenes:
  a:
    call: horn
    goto: b
  b:
    call: horn
    goto: c
  horn:
    text: The horn.
    goto: return
  c:
    choices: [{text: On, goto: d}]
  d:
    ending: won
"""
ENDS = "endings:\n  won: {title: Won, theme: t}\n"


def test_a_scene_called_twice_on_one_path_is_not_a_routing_loop(make_story: StoryFactory) -> None:
    """ink's `-> horn ->` twice in a row: each return goes on by its own call's goto, so nothing loops."""
    root = make_story("id: t\ntitle: T\nstart: a\n" + ENDS, scenes=CALLED_TWICE)
    assert checked(root) == []


def test_a_call_that_returns_unasked_to_its_own_caller_is_a_routing_loop(make_story: StoryFactory) -> None:
    scenes = CALLED_TWICE.replace("    call: horn\n    goto: b\n", "    call: horn\n    goto: a\n", 1)
    root = make_story("id: t\ntitle: T\nstart: a\n" + ENDS, scenes=scenes)
    assert any("scenes loop through 'a'" in d for d in checked(root))


def test_text_joined_to_itself_warns_at_its_effect(make_story: StoryFactory) -> None:
    manifest = MANIFEST.replace("  f: {type: flag}\n", "  f: {type: flag}\n  s: {type: string, default: ab}\n")
    root = make_story(manifest, scenes=SCENES.replace("do: [f = true]", "do: [f = true, s = s + s]"))
    assert (
        f"{root}/scenes.yaml:15:3: warning: 's = s + s' joins s to itself, so the text grows each time it runs"
        " (it is cut at 10,000 characters) (set s from fixed text instead)"
    ) in checked(root)


def goto_chain(links: int) -> str:
    """`a` choosing into `links` goto scenes in a row, then the ending."""
    chain = "".join(f"  c{i}:\n    goto: c{i + 1}\n" for i in range(links))
    return (
        SCENES.replace("goto: b\n      - text: Leave", "goto: c0\n      - text: Leave")
        + chain
        + (f"  c{links}:\n    text: End.\n    ending: win\n")
    )


def test_goto_chain_longer_than_the_hop_limit_is_an_error(make_story: StoryFactory) -> None:
    root = make_story(scenes=goto_chain(1000))
    assert (
        f"{root}/scenes.yaml:22:3: error: scenes from 'c0' pass by goto/route through 1,001 scenes without a choice;"
        " play stops after 1,000 (add a choice point along the chain)"
    ) in checked(root)


def test_goto_chain_within_the_hop_limit_passes(make_story: StoryFactory) -> None:
    assert not any("without a choice" in d for d in checked(make_story(scenes=goto_chain(999))))


def test_a_broken_link_is_reported_without_its_knock_on_warnings(make_story, cli) -> None:  # type: ignore[no-untyped-def]
    from conftest import SCENES

    root = make_story(scenes=SCENES.replace("goto: won", "goto: wno"))
    code, out, _ = cli("check", root)
    assert code == 1 and out.splitlines()[0].endswith("error: unknown scene 'wno' (did you mean 'won'?)")
    assert "never reached" not in out


def test_errors_come_before_warnings_whatever_the_file_order(make_story, cli) -> None:  # type: ignore[no-untyped-def]
    from conftest import MANIFEST, SCENES

    manifest = MANIFEST.replace("  f: {type: flag}\n", "  f: {type: flag}\n  unused: {type: flag}\n")
    root = make_story(
        manifest,
        a=SCENES.split("  b:\n")[0],
        z="scenes:\n  b:\n" + SCENES.split("  b:\n")[1].replace("coin in bag", "coin in bga"),
    )
    code, out, _ = cli("check", root)
    lines = out.splitlines()
    assert code == 1 and "error" in lines[0] and "z.yaml" in lines[0] and "warning" in lines[1], out


@pytest.mark.parametrize(("typo", "hint"), [("missing_reel", ""), ("bgs", "did you mean 'bag'?"), ("trsut", "")])
def test_suggestions_only_when_close(typo: str, hint: str) -> None:
    from ifengine.diagnostics import suggest

    assert suggest(typo, ["bag", "disagree", "coin"]) == hint
