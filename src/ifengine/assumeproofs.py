"""Assumptions proven before the search, by abstract interpretation forwards and then backwards.

The forward analysis (`abstract.py`) gives each scene one abstract state that
covers every state a real game can enter it with. An `assumes:` true in every
state allowed where it is checked (a prose tag: where its `{if}` branch is
shown) holds in every real game: `seen(x)` where every way here passes x.
What that leaves, the backward analysis (`backward.py`) tries from the other
end: the states where the assumption would fail (one conjunct false at a
time), walked back through the links to the start; when the start's state is
not among those that lead there, no game makes it fail: `seen(porter)` in a
`{if sea_lead}` branch, where only the porter sets `sea_lead`.

The explorer neither checks a proven assumption nor keeps apart states that
only it tells apart, and the proof stands when the search stops early. On the
bundled story these settle most of its assumptions in a few milliseconds.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from .abstract import _Analysis as AbstractAnalysis
from .abstract import forward_bounds
from .abstractvalues import BOTH, TOP, TRUE, State
from .backward import Backward, meet
from .budget import StopReason
from .expr import Condition, Effect, Node
from .liveness import predecessors, successors_first
from .model import Assumption, Choice, Scene, Story
from .verdicts import ABSTRACT, BACKWARD


def prove_before_search(story: Story, should_stop: StopReason) -> dict[int, str]:
    """For each assumption proven, its `id()` and the method that proved it; {} if a budget stopped the analysis."""
    analysis = forward_bounds(story, should_stop)
    if analysis is None:
        return {}
    proven: dict[int, str] = {}
    failures: list[_Failure] = []
    for scene in story.scenes.values():
        entry = analysis.entry.get(scene.id)
        if entry is None:  # no game enters it: nothing here is ever checked
            proven.update((id(a), ABSTRACT) for a in _assumptions_of(scene))
            continue
        for a, moment in _SceneMoments(analysis, scene).moments(entry):
            if moment.state is None or moment.holds(a):
                proven[id(a)] = ABSTRACT
            else:
                failures.append(_Failure(a, moment))
    if failures:
        backward = _Backwards(story, analysis)
        for failure in failures:
            if should_stop():
                break
            if backward.never(failure, should_stop):
                proven[id(failure.assumption)] = BACKWARD
    return proven


class _Moment:
    """The abstract state where an assumption is checked, and how to carry a state there back to the scene's entry."""

    def __init__(self, analysis: AbstractAnalysis, scene: Scene, state: State | None, undo: list) -> None:
        self.analysis, self.scene, self.family = analysis, scene, scene.parent or scene.id
        self.state = state
        self.undo = undo  # steps back to the entry, last first: ("effects", effects) or ("open", choice)

    def narrowed(self, a: Assumption) -> State | None:
        """The state where the assumption is checked, narrowed to where its `{if}` branch is shown."""
        state = self.state
        for test, want in a.when:
            node = self.analysis.node(test.source)
            if state is None or node is None:  # never checked here; or a test not followed: no narrowing
                return state
            if want not in _outcomes(self.analysis, node, state, self.scene, self.family):
                return None  # the branch is never shown here
            state = self.analysis.refine(node, state, self.scene, self.family, want)
        return state

    def holds(self, a: Assumption) -> bool:
        state = self.narrowed(a)
        return state is None or self.analysis.test(a.source, state, self.scene, self.family) == TRUE


class _SceneMoments:
    """One scene's assumptions, each with the moment play checks it."""

    def __init__(self, analysis: AbstractAnalysis, scene: Scene) -> None:
        self.analysis, self.scene, self.family = analysis, scene, scene.parent or scene.id

    def moments(self, entry: State) -> Iterator[tuple[Assumption, _Moment]]:
        scene = self.scene
        later = tuple(e for effects, _ in scene.later for e in effects)
        # Checked once the scene's `do:` has run, before the effects in and after its prose.
        shown = self.after(scene.effects, entry)
        at_entry = _Moment(self.analysis, scene, shown, [("effects", scene.effects)])
        for a in (scene.assumes, *scene.text_assumes):
            if a is not None:
                yield a, at_entry
        point = self.after(later, shown)
        for choice in scene.choices:
            # A choice's own assumptions when it is shown (its condition holds), its reply's once it is taken.
            visible = self.given(choice.condition, point)
            undo_point = [("effects", later), ("effects", scene.effects)]
            for a in (choice.assumes, *choice.text_assumes):
                if a is not None:
                    yield a, _Moment(self.analysis, scene, visible, undo_point)
            taken = self.given(choice.requirement, visible)
            back_to_point = [("effects", choice.effects), ("open", choice), *undo_point]
            replied = _Moment(self.analysis, scene, self.after(choice.effects, taken), back_to_point)
            for a in choice.reply_assumes:
                yield a, replied

    def after(self, effects: Iterable[Effect], state: State | None) -> State | None:
        for effect in effects:
            if state is not None:
                state = self.analysis.effect(effect.source, state, self.scene, self.family)
        return state

    def given(self, condition: Condition | None, state: State | None) -> State | None:
        """The state narrowed to where `condition` holds; None where it never can."""
        if condition is None or state is None:
            return state
        return self.analysis.assume(condition.source, state, self.scene, self.family)


class _Failure:
    """An assumption the forward bounds could not prove, and where it is checked."""

    def __init__(self, assumption: Assumption, moment: _Moment) -> None:
        self.assumption, self.moment = assumption, moment


class _Backwards:
    """Backward passes from the states where an assumption fails, over one story's links."""

    def __init__(self, story: Story, analysis: AbstractAnalysis) -> None:
        self.story, self.analysis = story, analysis
        self.preds = predecessors(story)
        self.rank = {sid: i for i, sid in enumerate(successors_first(story))}

    def never(self, failure: _Failure, should_stop: StopReason) -> bool:
        """Whether no game reaches a state where the assumption fails: for each conjunct, none where it is false."""
        moment, a = failure.moment, failure.assumption
        where = moment.narrowed(a)
        if where is None:
            return True
        node = self.analysis.node(a.source)
        if node is None:
            return False
        return all(self.unreachable(moment, where, part, should_stop) for part in _conjuncts(node))

    def unreachable(self, moment: _Moment, where: State, part: Node, should_stop: StopReason) -> bool:
        scene, family, analysis = moment.scene, moment.family, self.analysis
        if False not in _outcomes(analysis, part, where, scene, family):
            return True  # this conjunct is true wherever the assumption is checked
        failing = analysis.refine(part, where, scene, family, False)
        if failing is None:
            return True
        back = Backward(analysis, self.preds, self.rank)
        back.thorough = True  # never stop at a loose bound: a proof is what is wanted
        entered = _entered_from(back, moment, failing)
        if entered is None:
            return True
        # A budget that stops the pass leaves the failure possible.
        return back.run_goal(scene.id, None, should_stop, aimed=entered) and not back.start_can_reach()


def _entered_from(back: Backward, moment: _Moment, state: State) -> State | None:
    """The states on entry to the scene that lead to `state` where the assumption is checked."""
    scene, family = moment.scene, moment.family
    current: State | None = state
    for kind, what in moment.undo:
        if current is None:
            return None
        if kind == "open":
            current = back.opens(scene, what, current)
        else:
            current = back.undo_effects(what, current, scene, family)
    return None if current is None else meet(back.vars, current, back.forward.entry[scene.id])


def _outcomes(analysis: AbstractAnalysis, node: Node, state: State, scene: Scene, family: str) -> frozenset:
    """What a condition can come out as in the abstract state: {True}, {False} or both."""
    found = analysis.value(node, state, scene, family)
    return BOTH if found is TOP or not isinstance(found, frozenset) else found


def _conjuncts(node: Node) -> list[Node]:
    """`a and b and c` as [a, b, c]: the assumption fails where any one of them is false."""
    if node.kind == "binary" and node.value == "and":
        return _conjuncts(node.args[0]) + _conjuncts(node.args[1])
    return [node]


def _assumptions_of(scene: Scene) -> Iterable[Assumption]:
    yield from (a for a in (scene.assumes, *scene.text_assumes) if a is not None)
    for choice in scene.choices:
        yield from _of_choice(choice)


def _of_choice(choice: Choice) -> Iterable[Assumption]:
    yield from (a for a in (choice.assumes, *choice.text_assumes, *choice.reply_assumes) if a is not None)
