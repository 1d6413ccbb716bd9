"""The explorer's step: what `runtime.step` does to a state, without what only play needs.

The explorer takes about a million steps on the bundled story. Play's step also
extends a history, notes each set member gained for the journal, threads a
call stack, scene-local values and chance, and tells the `assumes:` hook of
every scene passed. Here a step applies the effects, counts the watched
visits, marks once-only choices and follows routes, and calls the hook only
at scenes that carry an assumption. Stories that use chance, calls or
scene-local values take the runtime's own step (`applies` says which);
`tests/test_explorestep.py` holds the two to the same results.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from collections.abc import Set as AbstractSet
from typing import NamedTuple

from .expr import Effect
from .model import Choice, Scene, Story
from .runtime import MAX_HOPS, GameError, StateParts, choices_open

# Where a step starts, for the report of an assumption that fails on it: (depth, node, choice key).
Where = tuple[int, int, str]
Shown = Callable[[Scene | Choice, tuple, Mapping[str, int], Where], None]
# One scene's or reply's check, as `AssumptionWatch.check_of` gives it.
Check = Callable[[tuple, Mapping[str, int], frozenset[str], Where], None]


def applies(story: Story) -> bool:
    """Whether this step plays the story exactly as `runtime.step` does (no chance, calls or local values)."""
    return not (story.uses_chance or story.uses_calls or story.scoped)


# Each set variable's index, and one object for each of its values met so far.
Canon = tuple[tuple[int, dict[frozenset[str], frozenset[str]]], ...]


def _applied(effects: tuple[Effect, ...], values: tuple, visits: Mapping[str, int], sets: Canon) -> tuple:
    """The values after the effects, each set value as the one object kept for it (see `ExploreStep`)."""
    new = list(values)
    for effect in effects:
        effect.apply(new, visits)
    for index, canon in sets:
        value = new[index]
        new[index] = canon.setdefault(value, value)
    return tuple(new)


class ExploreStep:
    """`runtime.step(story, choice, values, visits, taken, (), (), counted, hook)` for a story that `applies`.

    Assumptions are checked through `check_of` (`AssumptionWatch.check_of`: each
    scene's and reply's compiled check), or else by handing what carries one to
    `shown` (as the runtime's hook is); with neither, nothing is checked.
    """

    def __init__(
        self, story: Story, shown: Shown | None = None, check_of: Callable[[Scene | Choice], Check | None] | None = None
    ) -> None:
        if check_of is None and shown is not None:
            check_of = _checks_by(shown)
        found = check_of or (lambda part: None)
        # What a step reads of each scene, in one tuple: the fewest lookups on the explorer's hottest path.
        # The check is None at a scene without an assumption: it has nothing to tell.
        self.plans = {sid: (s, s.effects, s.later, found(s), s.routes, s.straight) for sid, s in story.scenes.items()}
        self.replies = {c.key: check for c in story.all_choices() if (check := found(c)) is not None}
        # One object for each value of a set variable: the merge keys look set values up in
        # tables for every state after, and a set found by identity is not compared member by member.
        self.sets: Canon = tuple((v.index, {}) for v in story.variables.values() if v.type == "set")

    def __call__(
        self,
        choice: Choice,
        values: tuple,
        visits: Mapping[str, int],
        taken: frozenset[str],
        counted: AbstractSet[str],
        where: Where | None = None,
    ) -> StateParts:
        """The next state; with `where`, the assumptions of what the step shows are checked."""
        if choice.effects:
            values = _applied(choice.effects, values, visits, self.sets)
        if choice.once:
            taken = taken | {choice.key}
        if where is not None and choice.key in self.replies:
            self.replies[choice.key](values, visits, taken, where)
        plans = self.plans
        scene_id = choice.goto
        given = visits
        hops = 0
        while hops < MAX_HOPS:
            hops += 1
            scene, effects, later, check, routes, straight = plans[scene_id]
            if scene_id in counted:
                if visits is given:
                    visits = dict(visits)
                visits[scene_id] = visits.get(scene_id, 0) + 1  # type: ignore[index]
            if effects:
                values = _applied(effects, values, visits, self.sets)
            if check is not None and where is not None:
                check(values, visits, taken, where)
            if later:
                for more, _ in later:
                    values = _applied(more, values, visits, self.sets)
            if not routes:
                return (scene_id, values, visits, taken, (), (), scene.ending, ())
            if straight:
                scene_id = straight
                continue
            for route in routes:
                condition = route.condition
                if condition is None or condition.test(values, visits):
                    break
            else:  # the loader forbids this; kept so a bad model cannot hang
                raise GameError(f"no route out of scene '{scene.id}' applies")
            scene_id = route.goto
        raise GameError(
            f"more than {MAX_HOPS} scenes passed without a choice (a routing loop or a very long"
            " goto chain); give the chain a choice point"
        )


class Twins(NamedTuple):
    """Choices whose steps give the same state as another choice of their scene (see `twins`)."""

    group: dict[str, str]  # choice key -> the key of its group's first choice
    passes: dict[str, tuple[str, ...]]  # choice key -> the plain scenes its step goes through, where it has any


def twins(story: Story, step: ExploreStep, counted: AbstractSet[str]) -> Twins:
    """Choices of one scene whose steps give the same state, in groups: the explorer steps one and gives the
    others its child.

    Two choices are alike when they have the same effects and lead to the same
    scene, or through plain scenes (no effects, no assumption to check, one
    way on, visits never read: a reply written as a scene) to the same scene.
    A step through a plain scene still has to note the first game to enter it,
    so a twin is stepped until every scene it passes has been reached. A
    once-only choice (it marks itself taken) or one whose reply carries an
    assumption (checked per choice) is never a twin. On the bundled story one
    step in five is spared (817,010 to 658,201).
    """
    group: dict[str, str] = {}
    passes: dict[str, tuple[str, ...]] = {}
    for scene in story.scenes.values():
        alike: dict[tuple, list[str]] = {}
        for c in scene.choices:
            if not c.once and c.key not in step.replies:
                landing, passed = _landing(step, c.goto, counted)
                alike.setdefault((landing, c.effects), []).append(c.key)
                if passed:
                    passes[c.key] = passed
        for keys in alike.values():
            if len(keys) > 1:
                group.update(dict.fromkeys(keys, keys[0]))
    return Twins(group, {key: passed for key, passed in passes.items() if key in group})


def _landing(step: ExploreStep, goto: str, counted: AbstractSet[str]) -> tuple[str, tuple[str, ...]]:
    """Where a step to `goto` goes once past plain scenes, and the plain scenes it passes."""
    passed: list[str] = []
    scene_id = goto
    while scene_id in step.plans and scene_id not in passed:
        _, effects, later, check, _, straight = step.plans[scene_id]
        if effects or later or check is not None or not straight or scene_id in counted:
            break
        passed.append(scene_id)
        scene_id = straight
    return scene_id, tuple(passed)


def _checks_by(shown: Shown) -> Callable[[Scene | Choice], Check | None]:
    """Checks that hand each scene or reply carrying an assumption to `shown`."""

    def check_of(part: Scene | Choice) -> Check | None:
        if isinstance(part, Choice):
            carries = part.reply is not None and bool(part.reply_assumes)
        else:
            carries = part.assumes is not None or (part.text is not None and bool(part.text_assumes))
        if not carries:
            return None
        return lambda values, visits, taken, where: shown(part, values, visits, where)

    return check_of


OpenChoices = Callable[[tuple, Mapping[str, int], frozenset[str]], list[Choice]]


def choice_openers(story: Story) -> dict[str, OpenChoices]:
    """For each scene, `runtime.choices_open` for it, with each choice's tests looked up once.

    The explorer asks once for every state it reaches. Where no regular
    choice is open and the scene has fallbacks, the runtime's own rule decides.
    """
    return {sid: _opener(story, scene) for sid, scene in story.scenes.items()}


def _opener(story: Story, scene: Scene) -> OpenChoices:
    regular = tuple(
        (
            c,
            c.key if c.once else None,
            c.condition.test if c.condition is not None else None,
            c.requirement.test if c.requirement is not None else None,
        )
        for c in scene.choices
        if not c.fallback
    )
    fallbacks = any(c.fallback for c in scene.choices)
    scene_id = scene.id

    def open_choices(values: tuple, visits: Mapping[str, int], taken: frozenset[str]) -> list[Choice]:
        found = []
        for choice, once_key, shown, usable in regular:
            if once_key is not None and once_key in taken:
                continue
            if shown is not None and not shown(values, visits):
                continue
            if usable is not None and not usable(values, visits):
                continue
            found.append(choice)
        if found or not fallbacks:
            return found
        return choices_open(story, scene_id, values, visits, taken)

    return open_choices
