"""`assumes:` and `{assume}`: loaded and located, type-checked, ignored by play, proven or broken by explore."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

from conftest import REPO, StoryFactory
from ifengine import explore, load_story
from ifengine.assumeproofs import prove_before_search
from ifengine.check import check_story
from ifengine.jsonschema import story_schema
from ifengine.loader import read_story
from ifengine.runtime import choose, start
from ifengine.verdicts import ABSTRACT, BACKWARD, EXHAUSTIVE

CLI = Callable[..., tuple[int, str, str]]

MANIFEST = """\
id: card
title: Card
start: hall
state:
  pockets: {type: set, of: {card: A business card}}
  late: {type: flag}
endings:
  done: {title: Done, theme: luck}
"""

SCENES = """\
scenes:
  hall:
    text: A hall.
    choices:
      - text: Search the desk
        do: [pockets += card, late = true]
        goto: street
      - text: Leave
        goto: street
  street:
    text: |
      You step out.
      {assume card in pockets}You turn the card over.
    choices:
      - text: Call the number
        assumes: card in pockets
        goto: office
      - text: Walk home
        goto: office
  office:
    assumes: seen(hall)
    text: An office.
    ending: done
"""

PROVEN = SCENES.replace("{assume card in pockets}", "").replace("        assumes: card in pockets\n", "")


def errors(root: Path) -> list[str]:
    _, found = read_story(str(root))
    return [d.format().replace(f"{root}/", "") for d in found]


# --- loading ---------------------------------------------------------------------------


def test_assumes_is_loaded_on_a_scene_with_its_position(make_story: StoryFactory) -> None:
    story = load_story(str(make_story(MANIFEST, scenes=SCENES)))
    office = story.scenes["office"].assumes
    assert office is not None and office.source == "seen(hall)"
    assert (office.pos.line, office.pos.col, office.where) == (21, 14, "scene 'office'")


def test_assumes_is_loaded_on_a_choice(make_story: StoryFactory) -> None:
    story = load_story(str(make_story(MANIFEST, scenes=SCENES)))
    call = story.choice("street:call-the-number")
    assert call is not None and call.assumes is not None and call.assumes.source == "card in pockets"


def test_an_assume_tag_is_located_at_the_tag(make_story: StoryFactory) -> None:
    story = load_story(str(make_story(MANIFEST, scenes=SCENES)))
    (tag,) = story.scenes["street"].text_assumes
    assert (tag.pos.line, tag.pos.col, tag.where) == (13, 7, "text of scene 'street'")


def test_an_assume_tag_renders_nothing(make_story: StoryFactory) -> None:
    story = load_story(str(make_story(MANIFEST, scenes=SCENES)))
    turn = choose(story, start(story).state, "hall:leave")
    assert turn.passages[0].paragraphs == ("You step out. You turn the card over.",)


def test_an_assume_tag_inside_if_is_active_only_when_its_branch_is(make_story: StoryFactory) -> None:
    scenes = SCENES.replace("{assume card in pockets}", "{if late}{assume card in pockets}{/if}")
    story = load_story(str(make_story(MANIFEST, scenes=scenes)))
    text = story.scenes["street"].text
    assert text is not None
    assert text.active((frozenset(), False), {}) == []
    assert text.active((frozenset(), True), {}) == [0]


def test_a_misspelt_name_in_assumes_is_located_with_a_suggestion(make_story: StoryFactory) -> None:
    root = make_story(MANIFEST, scenes=SCENES.replace("assumes: card in pockets", "assumes: card in pocket"))
    assert errors(root) == ["scenes.yaml:16:26: error: unknown variable 'pocket' (did you mean 'pockets'?)"]


def test_a_number_is_refused_as_an_assumption(make_story: StoryFactory) -> None:
    root = make_story(MANIFEST, scenes=SCENES.replace("assumes: seen(hall)", "assumes: count(pockets)"))
    assert errors(root) == [
        "scenes.yaml:21:14: error: a condition must be true/false, but this is a number (compare it, e.g. trust >= 2)"
    ]


def test_a_bad_assume_tag_is_located_at_its_expression(make_story: StoryFactory) -> None:
    root = make_story(MANIFEST, scenes=SCENES.replace("{assume card in pockets}", "{assume card in pocket}"))
    assert errors(root) == ["scenes.yaml:13:23: error: unknown variable 'pocket' (did you mean 'pockets'?)"]


def test_an_assume_tag_without_a_condition_is_refused(make_story: StoryFactory) -> None:
    root = make_story(MANIFEST, scenes=SCENES.replace("{assume card in pockets}", "{assume: }"))
    assert errors(root) == ["scenes.yaml:13:7: error: {assume} needs a condition (write {assume trust >= 2})"]


def test_the_json_schema_documents_assumes_on_scenes_and_choices() -> None:
    text = json.dumps(story_schema())
    assert text.count('"assumes"') == 2


# --- check -----------------------------------------------------------------------------


def test_check_counts_a_variable_read_by_an_assumption_as_used(make_story: StoryFactory) -> None:
    manifest = MANIFEST.replace("  late: {type: flag}\n", "  late: {type: flag}\n  rain: {type: flag}\n")
    story = load_story(str(make_story(manifest, scenes=SCENES.replace("seen(hall)", "not rain"))))
    messages = [d.message for d in check_story(story)]
    assert "variable 'rain' is never changed, so it is always false" in messages
    assert "variable 'rain' is never used" not in messages


def test_check_warns_of_an_assumption_that_is_never_true(make_story: StoryFactory) -> None:
    root = make_story(MANIFEST, scenes=SCENES.replace("assumes: seen(hall)", "assumes: false"))
    found = [d.format().replace(f"{root}/", "") for d in check_story(load_story(str(root)))]
    assert found == [
        "scenes.yaml:21:14: warning: scene 'office' assumes something that is never true"
        " (write the condition this text relies on)"
    ]


# --- explore ---------------------------------------------------------------------------


def test_an_assumption_the_forward_analysis_shows_is_proven_before_the_search(make_story: StoryFactory) -> None:
    # `hall` is the start: every way into `office` has seen it.
    report = explore(load_story(str(make_story(MANIFEST, scenes=PROVEN))))
    (verdict,) = report.assumptions
    assert (verdict.verdict, verdict.checked, verdict.path, verdict.method) == ("proven", 0, None, ABSTRACT)
    assert report.ok


# True in each of the two states `street` is entered with (the desk searched or not), but the
# forward analysis keeps no link between two variables: only the search can prove it.
TOGETHER = "(late and card in pockets) or (not late and card not in pockets)"


def test_an_assumption_only_the_search_can_prove_is_proven_by_it(make_story: StoryFactory) -> None:
    scenes = PROVEN.replace("  street:\n", f"  street:\n    assumes: {TOGETHER}\n")
    report = explore(load_story(str(make_story(MANIFEST, scenes=scenes))))
    verdicts = {v.assumption.where: (v.verdict, v.checked, v.method) for v in report.assumptions}
    assert verdicts["scene 'street'"] == ("proven", 2, EXHAUSTIVE)


def test_a_broken_assumption_gives_the_shortest_path_to_it(make_story: StoryFactory) -> None:
    report = explore(load_story(str(make_story(MANIFEST, scenes=SCENES))))
    verdicts = {v.assumption.where: v for v in report.assumptions}
    assert verdicts["text of scene 'street'"].verdict == "broken"
    assert verdicts["text of scene 'street'"].path == ["hall:leave"]
    assert verdicts["choice 'street:call-the-number'"].path == ["hall:leave"]
    assert not report.ok


def test_an_incomplete_search_proves_nothing(make_story: StoryFactory) -> None:
    scenes = PROVEN.replace("  street:\n", f"  street:\n    assumes: {TOGETHER}\n")
    report = explore(load_story(str(make_story(MANIFEST, scenes=scenes))), max_states=1)
    assert not report.complete
    verdicts = {v.assumption.where: (v.verdict, v.method) for v in report.assumptions}
    assert verdicts["scene 'street'"] == ("unknown", None)


def test_a_proof_before_the_search_stands_when_the_search_stops_early(make_story: StoryFactory) -> None:
    report = explore(load_story(str(make_story(MANIFEST, scenes=PROVEN))), max_states=1)
    assert not report.complete
    assert [(v.verdict, v.method) for v in report.assumptions] == [("proven", ABSTRACT)]


def test_a_scene_passed_through_by_route_is_checked(make_story: StoryFactory) -> None:
    scenes = SCENES.replace(
        "        goto: street\n      - text: Leave\n        goto: street",
        "        goto: street\n      - text: Leave\n        goto: porch",
    )
    scenes += "  porch:\n    assumes: late\n    goto: street\n"
    report = explore(load_story(str(make_story(MANIFEST, scenes=scenes))))
    porch = [v for v in report.assumptions if v.assumption.where == "scene 'porch'"]
    assert [(v.verdict, v.path) for v in porch] == [("broken", ["hall:leave"])]


def test_a_reply_tag_is_checked_after_the_choices_effects(make_story: StoryFactory) -> None:
    scenes = PROVEN.replace(
        "        goto: street\n      - text: Leave",
        "        reply: '{assume late}Got it.'\n        goto: street\n      - text: Leave",
    )
    report = explore(load_story(str(make_story(MANIFEST, scenes=scenes))))
    reply = [v for v in report.assumptions if v.assumption.where.startswith("reply")]
    # Before the choice's `late = true` it would not hold, so the analysis could not prove it there.
    assert [(v.verdict, v.method) for v in reply] == [("proven", ABSTRACT)]


def test_a_scenes_own_assumption_is_checked_every_time_and_its_tag_only_when_shown(make_story: StoryFactory) -> None:
    # Two ways into `street`; the tag's {if} shows it only on the way that took the card.
    scenes = PROVEN.replace(
        "      You step out.\n",
        "      You step out.{if card in pockets}{assume " + TOGETHER + "}Late.{/if}\n",
    ).replace("  street:\n", f"  street:\n    assumes: {TOGETHER}\n")
    report = explore(load_story(str(make_story(MANIFEST, scenes=scenes))))
    checked = {v.assumption.where: (v.verdict, v.checked, v.method) for v in report.assumptions}
    assert checked["scene 'street'"] == ("proven", 2, EXHAUSTIVE)
    assert checked["text of scene 'street'"] == ("proven", 1, EXHAUSTIVE)


def test_states_an_assumption_tells_apart_are_not_merged(make_story: StoryFactory) -> None:
    # Nothing but the assumption reads `late`: merging at `street` would keep
    # only the first state reached (by Leave, late false) and miss the failure.
    scenes = PROVEN.replace(
        "      - text: Search the desk", "      - text: Leave\n        goto: street\n      - text: Search the desk", 1
    )
    scenes = scenes.replace("      - text: Leave\n        goto: street\n  street", "  street")
    scenes = scenes.replace("assumes: seen(hall)", "assumes: not late")
    story = load_story(str(make_story(MANIFEST, scenes=scenes)))
    assert [c.id for c in story.scenes["hall"].choices] == ["leave", "search-the-desk"]
    (verdict,) = explore(story).assumptions
    assert (verdict.verdict, verdict.path) == ("broken", ["hall:search-the-desk", "street:call-the-number"])


def test_an_assumption_is_judged_on_the_values_before_the_scenes_after_effects(make_story: StoryFactory) -> None:
    # `porch` shows its text, then sets `late`: states that differ in `late` before it
    # must not be merged at `mid`, or the first one reached (late) hides the failure.
    scenes = """\
scenes:
  hall:
    text: A hall.
    choices:
      - text: Search the desk
        do: late = true
        goto: mid
      - text: Leave
        goto: mid
  mid:
    text: A corridor.
    choices:
      - text: Go on
        goto: porch
  porch:
    assumes: late
    text: You are late.
    after: late = true
    choices:
      - text: Go in
        goto: office
  office:
    text: An office.
    ending: done
"""
    (verdict,) = explore(load_story(str(make_story(MANIFEST, scenes=scenes)))).assumptions
    assert (verdict.verdict, verdict.path) == ("broken", ["hall:leave", "mid:go-on"])


def test_play_goes_on_past_a_broken_assumption(make_story: StoryFactory) -> None:
    story = load_story(str(make_story(MANIFEST, scenes=SCENES)))
    turn = choose(story, choose(story, start(story).state, "hall:leave").state, "street:call-the-number")
    assert turn.ending is not None and turn.ending.id == "done"


def test_a_story_without_assumptions_reports_none(make_story: StoryFactory) -> None:
    report = explore(load_story(str(make_story())))
    assert report.assumptions == [] and report.to_data()["assumptions"] == []


# --- the command line ------------------------------------------------------------------


def test_explore_prints_a_broken_assumption_at_its_line_and_exits_1(make_story: StoryFactory, cli: CLI) -> None:
    root = make_story(MANIFEST, scenes=SCENES)
    code, out, _ = cli("explore", root)
    assert code == 1
    assert (
        f"  {root}/scenes.yaml:13:7: text of scene 'street' assumes 'card in pockets', which fails after hall:leave"
        in out.splitlines()
    )
    assert "Assumptions: 1 of 3 proven (1 by abstract interpretation, before the search)." in out


def test_explore_json_lists_every_assumption_with_its_verdict(make_story: StoryFactory, cli: CLI) -> None:
    root = make_story(MANIFEST, scenes=SCENES)
    code, out, _ = cli("explore", "--json", root)
    data = json.loads(out)
    assert code == 1 and not data["ok"]
    assert data["assumptions"][2] == {
        "at": f"{root}/scenes.yaml:21:14",
        "where": "scene 'office'",
        "assumes": "seen(hall)",
        "verdict": "proven",
        "checked": 0,
        "path": None,
        "method": "abstract interpretation",
    }
    assert data["assumptions"][0]["method"] == "exhaustive search"
    assert [a["verdict"] for a in data["assumptions"]] == ["broken", "broken", "proven"]


def test_the_guides_continuity_example_explores_as_it_says(tmp_path: Path, cli: CLI) -> None:
    guide = (REPO / "src" / "ifengine" / "guide" / "authoring.md").read_text(encoding="utf-8")
    (tmp_path / "card").mkdir()
    for name, body in re.findall(r"```yaml\n(# file: card/(\S+)\n.*?)```", guide, re.DOTALL):
        (tmp_path / "card" / body).write_text(name, encoding="utf-8")
    expected = re.search(r"```text\n(Assumptions:.*?)```", guide, re.DOTALL)
    assert expected is not None
    code, out, _ = cli("explore", tmp_path / "card")
    got = [line.replace(f"{tmp_path}/", "") for line in out.splitlines()]
    assert code == 1
    for line in expected.group(1).strip().splitlines():
        assert line in got


def test_an_assumption_in_an_if_branch_is_proven_backwards_past_a_route(make_story: StoryFactory) -> None:
    # Late players go by the porch, the others straight in: the porch is seen by everyone late at
    # the office, which the forward bounds cannot tell (they join both ways into one state) and the
    # walk back from "late and not seen(porch)" can, taking the routes in order.
    scenes = """\
scenes:
  hall:
    text: A hall.
    choices:
      - text: Dawdle
        do: late = true
        goto: door
      - text: Hurry
        goto: door
  door:
    route:
      - if: late
        goto: porch
      - goto: office
  porch:
    text: A porch.
    choices:
      - text: Go in
        goto: office
  office:
    text: "An office.{if late}{assume seen(porch)} You came by the porch.{/if}"
    ending: done
"""
    report = explore(load_story(str(make_story(MANIFEST, scenes=scenes))))
    assert [(v.verdict, v.method) for v in report.assumptions] == [("proven", BACKWARD)]


def test_a_spent_budget_proves_nothing_before_the_search(make_story: StoryFactory) -> None:
    story = load_story(str(make_story(MANIFEST, scenes=PROVEN)))
    assert prove_before_search(story, lambda: "time budget of 0 s") == {}
    assert prove_before_search(story, lambda: None) == {id(next(story.assumptions())): ABSTRACT}
