"""The explorer against brute force on random stories with nested choices, calls and chance.

Brute force follows every playthrough without merging any states, taking each
chance outcome with its weight; the explorer must agree on what is reachable,
on every verdict and on each ending's exact share.
"""

from __future__ import annotations

import random
import re
from collections.abc import Mapping
from fractions import Fraction
from pathlib import Path

import pytest

from ifengine.explorer import explore
from ifengine.loader import load_story
from ifengine.model import Choice, Scene, Story
from ifengine.runtime import Entered, StateParts, beginnings, choices_open, outcomes

MANIFEST = """\
id: weave
title: Random weave
start: s0
state:
  x: {type: int, min: 0, max: 3}
  f: {type: flag}
endings:
  e0: {title: Zero, theme: t}
  e1: {title: One, theme: t}
"""

EFFECTS = ["x += 1", "x -= 1", "f = true", "f = false", "x = 2"]
CONDITIONS = ["x >= 1", "x < 2", "f", "not f", "x == 0 or f"]


def random_story(rng: random.Random) -> str:
    """Forward scenes s0..sN-1, nested choices gathering at then:, calls to sub/sub2, chance routes."""
    n = rng.randint(3, 6)
    lines = ["scenes:"]

    def target(i: int) -> str:
        return rng.choice([f"s{j}" for j in range(i + 1, n)] + ["end0", "end1"])

    def choice(indent: str, k: int, i: int, depth: int) -> None:
        lines.append(f"{indent}- text: Choice {k}")
        if rng.random() < 0.35:
            lines.append(f"{indent}  if: {rng.choice(CONDITIONS)}")
        if rng.random() < 0.4:
            lines.append(f"{indent}  do: [{rng.choice(EFFECTS)}]")
        roll = rng.random()
        if depth < 2 and roll < 0.3:
            lines.append(f"{indent}  choices:")
            for j in range(rng.randint(1, 2)):
                choice(indent + "    ", j, i, depth + 1)
            if rng.random() < 0.5:
                lines.append(f"{indent}  then: {target(i)}")
        elif roll < 0.45:
            lines.append(f"{indent}  call: {rng.choice(['sub', 'sub2'])}")
            if rng.random() < 0.6:
                lines.append(f"{indent}  goto: {target(i)}")
        elif roll < 0.6:
            lines.extend([f"{indent}  route:", f"{indent}    - {{chance: {rng.randint(1, 3)}, goto: {target(i)}}}"])
            lines.append(f"{indent}    - {{chance: {rng.randint(1, 3)}, goto: {target(i)}}}")
        elif rng.random() < 0.5:
            lines.append(f"{indent}  goto: {target(i)}")
        # else: gathers at the nearest then:

    for i in range(n):
        lines.append(f"  s{i}:")
        if rng.random() < 0.3:
            lines.append(f"    do: [{rng.choice(EFFECTS)}]")
        lines.append("    choices:")
        for k in range(rng.randint(1, 3)):
            choice("      ", k, i, 0)
        lines.append(f"    then: {target(i)}")
    lines += [
        "  sub:",
        f"    do: [{rng.choice(EFFECTS)}]",
        "    choices:",
        "      - {text: Back, goto: return}",
        f"      - {{text: Deeper, call: sub2, goto: return, if: {rng.choice(CONDITIONS)}}}",
        "  sub2:",
        "    route:",
        f"      - {{chance: {rng.randint(1, 3)}, goto: return}}",
        "      - {chance: 1, goto: sub2_more}",
        "  sub2_more:",
        f"    do: [{rng.choice(EFFECTS)}]",
        "    goto: return",
        "  end0:",
        "    ending: e0",
        "  end1:",
        "    ending: e1",
    ]
    return "\n".join(lines) + "\n"


class Brute:
    """Every playthrough and every chance outcome, with the probability random play gives it."""

    def __init__(self, story: Story) -> None:
        self.story = story
        self.shares = {e: Fraction(0) for e in story.endings}
        self.scenes: set[str] = set()
        self.taken: set[str] = set()

    def walk(self, parts: StateParts, p: Fraction) -> None:
        self.scenes.update(parts[2])
        scene, values, visits, taken, _, _, ending, stack = parts
        if ending is not None:
            self.shares[ending] += p
            return
        choices = choices_open(self.story, scene, values, visits, taken)
        for choice in choices:
            self.taken.add(choice.key)
            for odds, after in outcomes(self.story, choice, values, visits, taken, None, None, stack):
                self.walk(after, p * odds / len(choices))


@pytest.mark.parametrize("seed", range(120))
def test_explorer_matches_brute_force_with_weave_calls_and_chance(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    (tmp_path / "story.yaml").write_text(MANIFEST)
    (tmp_path / "scenes.yaml").write_text(random_story(rng))
    story = load_story(str(tmp_path))
    brute = Brute(story)
    for odds, parts in beginnings(story):
        brute.walk(parts, odds)
    report = explore(story)
    assert report.complete and not report.errors
    assert report.reached_scenes == brute.scenes
    assert report.taken_choices == brute.taken
    assert report.shares == pytest.approx({e: float(p) for e, p in brute.shares.items()}, abs=1e-12)
    reached = {"scenes": brute.scenes, "choices": brute.taken, "endings": {e for e, p in brute.shares.items() if p}}
    for kind, items in reached.items():
        assert set(report.verdicts.with_status(kind, "reachable")) == items
        assert set(report.verdicts.with_status(kind, "unreachable")) == set(report.verdicts.items[kind]) - items


# --- assumes: on scenes, against every playthrough with calls, nested choices and chance --------

ASSUMED = [*CONDITIONS, "seen(s1)", "not seen(sub)", "visits(sub) >= 1", "x == 2 or not f"]


def with_scene_assumptions(rng: random.Random, scenes: str) -> str:
    """The story with `assumes:` on about half of its scenes (those written out, endings and called ones too)."""
    out = []
    for line in scenes.splitlines():
        out.append(line)
        if re.fullmatch(r"  (s\d+|sub|sub2_more|end0|end1):", line) and rng.random() < 0.5:
            out.append(f"    assumes: {rng.choice(ASSUMED)}")
    return "\n".join(out) + "\n"


def fewest_choices_to_failure(story: Story) -> dict[str, int]:
    """For each scene whose assumption fails in some playthrough, the fewest choices to such a failure."""
    fails: dict[str, int] = {}

    def hook_at(depth: int) -> Entered:
        def hook(part: Scene | Choice, values: tuple, visits: Mapping[str, int]) -> None:
            if isinstance(part, Scene) and part.assumes is not None and not part.assumes.condition.test(values, visits):
                fails[part.id] = min(fails.get(part.id, depth), depth)

        return hook

    def walk(parts: StateParts, depth: int) -> None:
        scene, values, visits, taken, _, _, ending, stack = parts
        if ending is not None:
            return
        for choice in choices_open(story, scene, values, visits, taken):
            for _, after in outcomes(story, choice, values, visits, taken, None, hook_at(depth + 1), stack):
                walk(after, depth + 1)

    for _, parts in beginnings(story, hook_at(0)):
        walk(parts, 0)
    return fails


@pytest.mark.parametrize("seed", range(120))
def test_scene_assumption_verdicts_match_brute_force_with_calls_and_chance(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    (tmp_path / "story.yaml").write_text(MANIFEST)
    (tmp_path / "scenes.yaml").write_text(with_scene_assumptions(rng, random_story(rng)))
    story = load_story(str(tmp_path))
    fails = fewest_choices_to_failure(story)
    verdicts = {v.assumption.where: v for v in explore(story).assumptions}
    for scene in story.scenes.values():
        if scene.assumes is None:
            continue
        verdict = verdicts[f"scene '{scene.id}'"]
        if scene.id in fails:
            assert verdict.verdict == "broken" and verdict.path is not None
            assert len(verdict.path) == fails[scene.id]
        else:
            assert verdict.verdict == "proven"
    # Stopped at once, the search proves nothing, but the proofs made before it still hold.
    for v in explore(story, max_states=2, sample_games=10).assumptions:
        scene_id = v.assumption.where.split("'")[1]
        assert v.verdict != "proven" or scene_id not in fails
