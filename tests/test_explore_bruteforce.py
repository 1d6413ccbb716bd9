"""The explorer agrees with brute force on random small stories.

The explorer merges states that the rest of the story cannot tell apart
(liveness, and comparison outcomes for numbers). A mistake there would silently
hide endings or skew shares, so here every playthrough of a few hundred random
stories is enumerated without any merging, and the two must agree exactly:
reachable scenes and endings, choices ever open, dead ends, shortest and
longest playthroughs, each ending's share under random play, and every verdict
(with its witness path replayed).
"""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from conftest import scenes_entered
from ifengine import explore, load_story
from ifengine.findings import Report
from ifengine.model import Story
from ifengine.runtime import Turn, advance, begin, choose, open_choices, replay, start, step
from ifengine.state import GameState

CONDITIONS = [
    "x >= 1",
    "x < 2",
    "x == 2",
    "x != 0",
    "2 <= x",
    "x + 1 > 2",
    "f",
    "not f",
    "a in s",
    "b not in s",
    "count(s) >= 1",
    "f and x > 0",
    "a in s or x == 3",
    "seen(s1)",
    "not seen(s2)",
    "visits(s0) >= 2",
]
EFFECTS = [
    "x += 1",
    "x -= 1",
    "x = 2",
    "x = x * 2",
    "x = visits(s0)",
    "f = true",
    "f = not f",
    "s += a",
    "s += b",
    "s -= a",
]

MANIFEST = """\
id: random
title: Random
start: s0
state:
  x: {type: int, min: 0, max: 3}
  f: {type: flag}
  s: {type: set, of: {a: A, b: B}}
endings:
  e0: {title: Zero, theme: t}
  e1: {title: One, theme: t}
"""


def random_story(rng: random.Random) -> str:
    """Scenes s0..sN-1 lead only forwards (plus once-only loops), so every game ends."""
    n = rng.randint(3, 7)
    lines = ["scenes:"]

    def target(i: int) -> str:
        later = [f"s{j}" for j in range(i + 1, n)] + ["end0", "end1"]
        return rng.choice(later)

    for i in range(n):
        lines.append(f"  s{i}:")
        if rng.random() < 0.4:
            lines.append(f"    do: [{rng.choice(EFFECTS)}]")
        if i > 0 and rng.random() < 0.25:
            lines += ["    route:", f"      - if: {rng.choice(CONDITIONS)}", f"        goto: {target(i)}"]
            lines.append(f"      - goto: {target(i)}")
            continue
        lines.append("    choices:")
        for k in range(rng.randint(1, 3)):
            lines += [f"      - text: Choice {k}", f"        goto: {target(i)}"]
            if rng.random() < 0.35:
                lines.append(f"        if: {rng.choice(CONDITIONS)}")
            if rng.random() < 0.25:
                lines.append(f"        requires: {rng.choice(CONDITIONS)}")
            if rng.random() < 0.5:
                lines.append(f"        do: [{', '.join(rng.sample(EFFECTS, rng.randint(1, 2)))}]")
        if rng.random() < 0.3:  # a once-only look around that comes back to the same scene
            lines += ["      - text: Look around", "        once: true", f"        do: [{rng.choice(EFFECTS)}]"]
            lines.append(f"        goto: s{i}")
        if rng.random() < 0.2:
            lines += ["      - text: Give up", "        fallback: true", f"        goto: {target(i)}"]
    lines += ["  end0:", "    text: Zero.", "    ending: e0", "  end1:", "    text: One.", "    ending: e1"]
    return "\n".join(lines) + "\n"


class Brute:
    """Every playthrough, one by one, with the probability random play gives it."""

    def __init__(self, story: Story) -> None:
        self.story = story
        self.shares = {e: 0.0 for e in story.endings}
        self.stuck = 0.0
        self.scenes: set[str] = set()
        self.taken: set[str] = set()
        self.lengths: list[int] = []

    def walk(self, state: GameState, p: float, depth: int) -> None:
        if state.ending is not None:
            self.shares[state.ending] += p
            self.lengths.append(depth)
            return
        choices = open_choices(self.story, state)
        if not choices:
            self.stuck += p
            return
        for choice in choices:
            self.taken.add(choice.key)
            # A state counts visits only to scenes the story reads the count of; `step`
            # without `counted` counts every scene it enters.
            self.scenes.update(step(self.story, choice, state.values, state.visits, state.taken, (), ())[2])
            self.walk(advance(self.story, state, choice), p / len(choices), depth + 1)


@pytest.mark.parametrize("seed", range(250))
def test_explorer_matches_brute_force(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    (tmp_path / "story.yaml").write_text(MANIFEST)
    (tmp_path / "scenes.yaml").write_text(random_story(rng))
    story = load_story(str(tmp_path))
    brute = Brute(story)
    brute.scenes.update(begin(story)[2])
    brute.walk(start(story).state, 1.0, 0)
    report = explore(story)
    assert report.complete and report.share_method.startswith("exact")
    assert report.reached_scenes == brute.scenes
    assert report.taken_choices == brute.taken
    assert set(report.ending_paths) == {e for e, share in brute.shares.items() if share > 0}
    assert report.shares == pytest.approx(brute.shares, abs=1e-12)
    assert report.stuck_share == pytest.approx(brute.stuck, abs=1e-12)
    if brute.lengths:
        assert (report.shortest, report.longest) == (min(brute.lengths), max(brute.lengths))
    assert_verdicts_match(story, report, brute)


def assert_verdicts_match(story: Story, report: Report, brute: Brute) -> None:
    """A complete search: reachable exactly where brute force reaches, unreachable everywhere else."""
    truth = {
        "scenes": brute.scenes,
        "choices": brute.taken,
        "endings": {e for e, share in brute.shares.items() if share > 0},
    }
    for kind, reached in truth.items():
        verdicts = report.verdicts
        assert set(verdicts.with_status(kind, "reachable")) == reached
        assert set(verdicts.with_status(kind, "unreachable")) == set(verdicts.items[kind]) - reached
        for item in reached:
            path = verdicts.items[kind][item].path
            assert path is not None
            final = replay(story, path).state
            assert (
                item in scenes_entered(story, path) if kind == "scenes" else (final.ending == item or path[-1] == item)
            )


# --- assumes: the explorer's verdicts against every playthrough ------------------------

MARK = re.compile(r"\[(\d+):(yes|no)\]")


def random_story_with_assumptions(rng: random.Random) -> str:
    """`random_story` with `assumes:` and `{assume}` tags sprinkled on scenes, choices and replies, and `after:`.

    Next to each assumption the prose also shows `[k:{condition}]`, which the
    renderer turns into `[k:yes]` or `[k:no]` exactly where and when the
    assumption is active: brute force reads the verdicts off the rendered
    text, with no help from the explorer's hooks. `k` is the assumption's
    index in `Story.assumptions()`.
    """
    counter = iter(range(1000))

    def tag(condition: str, prose: bool) -> str:
        return ("{assume " + condition + "}" if prose else "") + f"[{next(counter)}:{{{condition}}}]"

    def prose() -> str:
        """Tags at the top level and inside an {if} / {else}."""
        text = tag(rng.choice(CONDITIONS), True) if rng.random() < 0.5 else ""
        if rng.random() < 0.5:
            inner, other = tag(rng.choice(CONDITIONS), True), tag(rng.choice(CONDITIONS), True)
            text += " {if " + rng.choice(CONDITIONS) + "}" + inner + "{else}" + other + "{/if}"
        return text

    out = []
    choice_ids = iter(range(1000))
    for line in random_story(rng).splitlines():
        scene = re.fullmatch(r"  (s\d+):", line)
        choice = re.fullmatch(r"      - text: (Choice \d+|Look around|Give up)", line)  # fallbacks too
        if scene:
            out.append(line)
            text = ""
            if rng.random() < 0.4:
                condition = rng.choice(CONDITIONS)
                out.append(f"    assumes: {condition}")
                text = tag(condition, False)
            out.append(f'    text: "{scene.group(1)} {text}{prose()}"')
            if rng.random() < 0.3:  # shown before these: the assumptions must be judged on the values before
                out.append(f"    after: [{rng.choice(EFFECTS)}]")
        elif choice:
            condition = rng.choice(CONDITIONS) if rng.random() < 0.4 else ""
            text = tag(condition, False) if condition else ""
            out.append(f'      - text: "{choice.group(1)} {text}{prose()}"')
            out.append(f"        id: c{next(choice_ids)}")
            if condition:
                out.append(f"        assumes: {condition}")
            if rng.random() < 0.4:
                out.append(f'        reply: "Reply {prose()}"')
        else:
            out.append(line)
    return "\n".join(out) + "\n"


class BruteAssumptions:
    """Every playthrough, rendered: for each assumption, the fewest choices to a render showing it false."""

    def __init__(self, story: Story) -> None:
        self.story = story
        self.fails: dict[int, int] = {}

    def note(self, texts: list[str], depth: int) -> None:
        for text in texts:
            for k, verdict in MARK.findall(text):
                if verdict == "no":
                    self.fails[int(k)] = min(self.fails.get(int(k), depth), depth)

    def walk(self, turn: Turn, depth: int) -> None:
        self.note([p for passage in turn.passages for p in passage.paragraphs], depth)
        self.note([o.text for o in turn.options], depth)
        for option in turn.open_options:
            self.walk(choose(self.story, turn.state, option.choice.key), depth + 1)


def _fails_at_end(story: Story, path: list[str], k: int) -> bool:
    """Replaying `path`, the last turn renders assumption k false."""
    turn = start(story)
    for key in path:
        turn = choose(story, turn.state, key)
    texts = [p for passage in turn.passages for p in passage.paragraphs] + [o.text for o in turn.options]
    return any(f"[{k}:no]" in text for text in texts)


@pytest.mark.parametrize("seed", range(150))
def test_assumption_verdicts_match_brute_force(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    (tmp_path / "story.yaml").write_text(MANIFEST)
    (tmp_path / "scenes.yaml").write_text(random_story_with_assumptions(rng))
    story = load_story(str(tmp_path))
    brute = BruteAssumptions(story)
    brute.walk(start(story), 0)
    report = explore(story)
    assert report.complete
    assert [v.assumption for v in report.assumptions] == list(story.assumptions())
    broken = {k: v for k, v in enumerate(report.assumptions) if v.verdict == "broken"}
    assert set(broken) == set(brute.fails)
    assert all(v.verdict == "proven" for k, v in enumerate(report.assumptions) if k not in broken)
    for k, verdict in broken.items():
        assert verdict.path is not None and len(verdict.path) == brute.fails[k]
        assert _fails_at_end(story, verdict.path, k)
    # Stopped after two states, the search proves nothing more, but what was proven before it began stands.
    early = explore(story, max_states=2, sample_games=10).assumptions
    assert all(k not in brute.fails for k, v in enumerate(early) if v.verdict == "proven")
    assert all(k in brute.fails for k, v in enumerate(early) if v.verdict == "broken")
