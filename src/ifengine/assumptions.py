"""Proving `assumes:` invariants while the explorer searches.

An assumption is a condition the author claims holds whenever its scene is
entered, its choice is shown (locked or open), or its `{assume}` tag is passed
in rendered prose. Play ignores them; the explorer hands every state it meets
to an `AssumptionWatch`, which evaluates the assumptions active there and keeps,
for each one that fails, the shortest path (in choices from the start) to a
state where it does. The explorer's liveness reads `*_reads` below so that two
states an assumption tells apart are never merged, which is what makes
"proven" a proof. Those `assumeproofs` proved before the search are
`settled`: neither checked nor kept apart.
"""

from __future__ import annotations

from collections.abc import Callable, Container, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from .expr import Atom
from .model import Assumption, Choice, Scene, Story
from .text import Template
from .verdicts import EXHAUSTIVE

# --- what the explorer's liveness must keep ----------------------------------------


# `settled`: the `id()` of assumptions already proven (see `assumeproofs`), which need no state kept
# (a mapping from each to the method that proved it, where the watch reports it).
NONE_SETTLED: Mapping[int, str] = {}


def _reads(assumptions: Iterable[Assumption | None], settled: Container[int]) -> set[Atom]:
    return {atom for a in assumptions if a is not None and id(a) not in settled for atom in a.reads}


def entry_reads(scene: Scene, settled: Container[int] = NONE_SETTLED) -> set[Atom]:
    """Read when the scene is entered, after its effects: `assumes:` and its text's tags."""
    return _reads((scene.assumes, *scene.text_assumes), settled)


def choice_point_reads(choice: Choice, settled: Container[int] = NONE_SETTLED) -> set[Atom]:
    """Read at the choice point when the choice is shown: `assumes:` and its text's tags."""
    return _reads((choice.assumes, *choice.text_assumes), settled)


def reply_reads(choice: Choice, settled: Container[int] = NONE_SETTLED) -> set[Atom]:
    """Read after the choice's effects, when its reply is shown."""
    return _reads(choice.reply_assumes, settled)


# --- verdicts ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Verdict:
    """What the search settled about one assumption.

    `proven`: it held in every state where it was active and the search was
    complete, or an analysis proved it before the search (`method` says
    which); `broken`: `path` leads from the start to a state where it fails;
    `unknown`: it held wherever it was checked, but the search stopped early.
    """

    assumption: Assumption
    verdict: str
    checked: int
    path: list[str] | None = None
    method: str | None = None  # what settled it (`verdicts.EXHAUSTIVE`, `ABSTRACT` or `BACKWARD`); None while unknown

    def to_data(self) -> dict[str, Any]:
        a = self.assumption
        return {
            "at": str(a.pos),
            "where": a.where,
            "assumes": a.source,
            "verdict": self.verdict,
            "checked": self.checked,
            "path": self.path,
            "method": self.method,
        }


def _shown(scene: Scene, values: tuple, visits: Mapping[str, int], taken: frozenset[str]) -> list[Choice]:
    """The choices the player sees (locked ones too), as `runtime.options` lists them."""

    def shown(c: Choice) -> bool:
        if c.once and c.key in taken:
            return False
        return c.condition is None or bool(c.condition.test(values, visits))

    def open_(c: Choice) -> bool:
        return c.requirement is None or bool(c.requirement.test(values, visits))

    regular = [c for c in scene.choices if not c.fallback and shown(c)]
    if any(open_(c) for c in regular):
        return regular
    return regular + [c for c in scene.choices if c.fallback and shown(c) and open_(c)]


def _step_shows_assumptions(story: Story, choice: Choice, checked: Callable[[Assumption | None], bool]) -> bool:
    """Whether taking `choice` can check an assumption (one `checked` says is): its reply's, or a scene's
    passed before the next choice."""
    if any(map(checked, choice.reply_assumes)):
        return True
    scene = story.scenes.get(choice.scene)
    todo = list(scene.next_of(choice)) if scene is not None else []
    seen: set[str] = set()
    while todo:
        sid = todo.pop()
        if sid in seen or sid not in story.scenes:
            continue
        seen.add(sid)
        passed = story.scenes[sid]
        if checked(passed.assumes) or any(map(checked, passed.text_assumes)):
            return True
        todo.extend(passed.route_targets)
    return False


_NOTHING_TAKEN: frozenset[str] = frozenset()
Where = tuple[int, int, str]  # (depth, node, choice key or "")
# One place's check: (values, visits, once-only choices taken, where) -> None.
Check = Callable[[tuple, Mapping[str, int], frozenset[str], Where], None]


def _compiled_check(
    fixed: list[Assumption],
    tags: tuple[Template | None, tuple[Assumption, ...]],
    index: dict[int, int],
    checked: list[int],
    failure: list[Where | None],
    settled: Container[int],
) -> Check:
    """One place's check as a closure over its tests: `fixed` always, `tags` as the template shows them.

    `fixed` holds no settled assumption; a settled tag is passed over.

    Called about a million times on the bundled story, so the common case (one
    assumption, no prose tags) has a closure of its own.
    """

    def fail(i: int, where: Where) -> None:
        best = failure[i]
        if best is None or where[0] < best[0]:
            failure[i] = where

    text, tagged = tags
    if all(id(a) in settled for a in tagged):
        tagged = ()
    if len(fixed) == 1 and not tagged:
        [(only, test)] = [(index[id(a)], a.condition.test) for a in fixed]

        def check_one(values: tuple, visits: Mapping[str, int], taken: frozenset[str], where: Where) -> None:
            checked[only] += 1
            if not test(values, visits):
                fail(only, where)

        return check_one
    tests = tuple((index[id(a)], a.condition.test) for a in fixed)
    tag_tests = tuple((index[id(a)], a.condition.test if id(a) not in settled else None) for a in tagged)
    active = text.active if text is not None and tagged else None

    def check(values: tuple, visits: Mapping[str, int], taken: frozenset[str], where: Where) -> None:
        for i, test in tests:
            checked[i] += 1
            if not test(values, visits):
                fail(i, where)
        if active is not None:
            for k in active(values, visits):
                i, tag_test = tag_tests[k]
                if tag_test is None:
                    continue
                checked[i] += 1
                if not tag_test(values, visits):
                    fail(i, where)

    return check


class AssumptionWatch:
    """Collects, during one search, how often each assumption was checked and its shortest failure.

    Assumptions in `settled` were proven before the search (see `assumeproofs`):
    they are not checked, and their verdict says so.
    """

    def __init__(self, story: Story, settled: Mapping[int, str] = NONE_SETTLED) -> None:
        self.story = story
        self.settled = settled
        self.order = list(story.assumptions())
        self.index = {id(a): i for i, a in enumerate(self.order)}
        # For each failed assumption: (path length, node, the choice taken from node or "").
        self.failure: list[tuple[int, int, str] | None] = [None] * len(self.order)

        def open_(a: Assumption | None) -> bool:
            return a is not None and id(a) not in settled

        # Only these need looking at: scenes whose choices carry assumptions, and
        # choices whose step can show one (their reply, or a scene passed on the way).
        self.choice_points = frozenset(
            s.id
            for s in story.scenes.values()
            if any(open_(a) for c in s.choices for a in (c.assumes, *c.text_assumes))
        )
        self.steps = frozenset(c.key for c in story.all_choices() if _step_shows_assumptions(story, c, open_))
        self.checked = [0] * len(self.order)
        index, checked, failure = self.index, self.checked, self.failure
        self.sites: dict[int, Check] = {}  # by id() of a scene entered or a choice whose reply is shown
        for scene in story.scenes.values():
            fixed = [scene.assumes] if scene.assumes is not None and open_(scene.assumes) else []
            tagged = scene.text_assumes if scene.text is not None and any(map(open_, scene.text_assumes)) else ()
            if fixed or tagged:
                self.sites[id(scene)] = _compiled_check(fixed, (scene.text, tagged), index, checked, failure, settled)
            for choice in scene.choices:
                if choice.reply is not None and any(map(open_, choice.reply_assumes)):
                    tags = (choice.reply, choice.reply_assumes)
                    self.sites[id(choice)] = _compiled_check([], tags, index, checked, failure, settled)

    @classmethod
    def for_story(cls, story: Story, settled: Mapping[int, str] = NONE_SETTLED) -> AssumptionWatch | None:
        """A watch, or None when the story asserts nothing (so the search pays nothing)."""
        return cls(story, settled) if any(True for _ in story.assumptions()) else None

    def _test(self, a: Assumption, values: tuple, visits: Mapping[str, int], where: Where) -> None:
        i = self.index[id(a)]
        self.checked[i] += 1
        if not a.condition.test(values, visits):
            best = self.failure[i]
            if best is None or where[0] < best[0]:
                self.failure[i] = where

    def check_of(self, part: Scene | Choice) -> Check | None:
        """The check of a scene entered or a choice's reply shown, or None when it assumes nothing."""
        return self.sites.get(id(part))

    def at_choice_point(
        self, node: int, depth: int, scene_id: str, values: tuple, visits: Mapping[str, int], taken: frozenset[str]
    ) -> None:
        """Check the assumptions of every choice shown in this state, and of their texts' tags."""
        if scene_id not in self.choice_points:
            return
        where = (depth, node, "")
        settled = self.settled
        for choice in _shown(self.story.scenes[scene_id], values, visits, taken):
            if choice.assumes is not None and id(choice.assumes) not in settled:
                self._test(choice.assumes, values, visits, where)
            if choice.text_assumes:
                for k in choice.text.active(values, visits):
                    if id(choice.text_assumes[k]) not in settled:
                        self._test(choice.text_assumes[k], values, visits, where)

    def entered(self, node: int, depth: int, key: str) -> Callable[[Scene | Choice, tuple, Mapping[str, int]], None]:
        """The runtime hook for one step: node's state, taking choice `key` (or "" at the start)."""
        where = (depth, node, key)
        return lambda part, values, visits: self.shown(part, values, visits, where)

    def shown(self, part: Scene | Choice, values: tuple, visits: Mapping[str, int], where: Where) -> None:
        """Check what a scene entered or a reply shown assumes; `where` is (depth, node, choice) as for `entered`."""
        check = self.sites.get(id(part))
        if check is not None:
            check(values, visits, _NOTHING_TAKEN, where)

    def verdicts(self, path_to: Callable[[int], list[str]], complete: bool) -> list[Verdict]:
        """One verdict per assumption; an incomplete search proves nothing it did not prove before it began."""
        result = []
        checked = self.checked
        for i, a in enumerate(self.order):
            failure = self.failure[i]
            if id(a) in self.settled:
                result.append(Verdict(a, "proven", 0, None, self.settled[id(a)]))
            elif failure is not None:
                _depth, node, key = failure
                path = path_to(node)
                result.append(Verdict(a, "broken", checked[i], [*path, key] if key else path, EXHAUSTIVE))
            elif complete:
                result.append(Verdict(a, "proven", checked[i], None, EXHAUSTIVE))
            else:
                result.append(Verdict(a, "unknown", checked[i]))
        return result
