"""Playing a story: pure functions from (story, state, choice) to the next state and what to show.

No I/O and no clock here. Entering a scene counts the visit, applies its
effects, renders its prose, and follows `goto`/`route` until it reaches a scene
that asks the player something or ends the game. The explorer, the replayer
and every front end call these same functions, so they cannot disagree.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from .chance import Draw, Forced, seeded
from .expr import Effect
from .model import MAX_CALL_DEPTH, RETURN, Choice, Ending, Route, Scene, Story, Value
from .state import EMPTY, GameState, counted_scenes
from .text import EMPTY as SHOWS_NOTHING
from .text import GLUE, Moment, Template, glued, paragraphs, tidy, unglued

if TYPE_CHECKING:
    from fractions import Fraction  # only the explorer's odds are fractions: play never imports it

MAX_HOPS = 1000
MAX_OUTCOMES = 10_000  # ways one step may turn out by chance, for the explorer


class GameError(Exception):
    """A request the game cannot honour: a choice that is not open, a routing loop."""


@dataclass(frozen=True, slots=True)
class Passage:
    """Prose to show: a scene's text, or the reply to a choice just taken."""

    scene: Scene
    paragraphs: tuple[str, ...]
    is_reply: bool = False


@dataclass(frozen=True, slots=True)
class Option:
    """A choice as the player sees it now: its text, and whether (and why) it is locked."""

    choice: Choice
    text: str
    locked: bool = False
    reason: str = ""


@dataclass(frozen=True, slots=True)
class Turn:
    """What one step produced: the new state, the prose to show, and the choices."""

    state: GameState
    passages: tuple[Passage, ...]
    options: tuple[Option, ...]
    ending: Ending | None = None

    @property
    def open_options(self) -> tuple[Option, ...]:
        return tuple(o for o in self.options if not o.locked)

    @property
    def stuck(self) -> bool:
        """True when the game has neither ended nor any choice open: a dead end."""
        return self.ending is None and not self.open_options


def _is_shown(choice: Choice, state: GameState) -> bool:
    if choice.once and choice.key in state.taken:
        return False
    return choice.condition is None or bool(choice.condition.test(state.values, state.visits))


def _is_open(choice: Choice, state: GameState) -> bool:
    return choice.requirement is None or bool(choice.requirement.test(state.values, state.visits))


def open_choices(story: Story, state: GameState) -> list[Choice]:
    """The choices the player may take now (fast: no text is rendered)."""
    if state.ending is not None:
        return []
    return choices_open(story, state.scene, state.values, state.visits, state.taken)


def choices_open(
    story: Story, scene_id: str, values: tuple, visits: Mapping[str, int], taken: frozenset[str]
) -> list[Choice]:
    """`open_choices` for a state given by its parts: the explorer's hot path.

    It runs once for every state the explorer reaches, so the tests of
    `_is_shown` and `_is_open` are written out inline here.
    """
    regular = []
    fallbacks = False
    for c in story.scenes[scene_id].choices:
        if c.fallback:
            fallbacks = True
            continue
        if c.once and c.key in taken:
            continue
        test = c.condition
        if test is not None and not test.test(values, visits):
            continue
        test = c.requirement
        if test is not None and not test.test(values, visits):
            continue
        regular.append(c)
    if regular or not fallbacks:
        return regular
    return [c for c in story.scenes[scene_id].choices if c.fallback and _takeable(c, values, visits, taken)]


def _takeable(choice: Choice, values: tuple, visits: Mapping[str, int], taken: frozenset[str]) -> bool:
    """Shown and open: not a used once-only choice, and both its conditions hold."""
    if choice.once and choice.key in taken:
        return False
    if choice.condition is not None and not choice.condition.test(values, visits):
        return False
    return choice.requirement is None or bool(choice.requirement.test(values, visits))


def options(story: Story, state: GameState) -> tuple[Option, ...]:
    """Every visible choice with its rendered text, locked ones included."""
    if state.ending is not None:
        return ()
    scene = story.scenes[state.scene]
    shown = [c for c in scene.choices if not c.fallback and _is_shown(c, state)]
    moment = (state.visits.get(scene.id, 1), state.seed)
    result = [
        Option(c, _line(c.text.render(state.values, state.visits, moment)), not _is_open(c, state), c.locked_reason)
        for c in shown
    ]
    if not any(not o.locked for o in result):
        result += [
            Option(c, _line(c.text.render(state.values, state.visits, moment)))
            for c in scene.choices
            if c.fallback and _is_shown(c, state) and _is_open(c, state)
        ]
    return tuple(result)


def _line(text: str) -> str:
    return " ".join(tidy(text).split())


# Told of each scene entered (after its effects) and each reply shown (after the
# choice's effects), with the values and visits of that moment: the explorer's
# hook for `assumes:` (see `assumptions`). None on every ordinary call.
Entered = Callable[[Scene | Choice, tuple, Mapping[str, int]], None]

# A game state as a plain tuple, in GameState's field order: what `step` returns.
# History and journal are tuples for the explorer, trails (state.Trail) in play;
# the last field is the call stack (the scenes to go on to as calls return).
StateParts = tuple[str, tuple, Mapping[str, int], frozenset[str], Sequence[str], Sequence, str | None, tuple[str, ...]]


def _no_draw(weights: Sequence[int]) -> int:
    raise GameError("a chance was met where no draw was given")


def _go(scene: Scene, way: Choice | Route, stack: tuple[str, ...]) -> tuple[str, tuple[str, ...]]:
    """Where a choice or route leads, and the call stack after it: a call pushes, a return pops."""
    if way.call and way.goto == RETURN:  # a call in place of a return: the called scene returns for us
        return way.call, stack
    if way.call:
        if len(stack) >= MAX_CALL_DEPTH:
            raise GameError(
                f"calls nest more than {MAX_CALL_DEPTH} deep at scene '{scene.id}' (a call that never returns?)"
            )
        return way.call, (*stack, way.goto)
    if way.goto == RETURN:
        if not stack:
            raise GameError(f"scene '{scene.id}' returns, but no call led to it")
        return stack[-1], stack[:-1]
    return way.goto, stack


def _scope(story: Story, scene: Scene, way: Choice | Route, target: str, values: tuple) -> tuple:
    """Scene-local values: back to their defaults when play leaves their scene, or enters it afresh.

    Leaving by a call keeps them (the call comes back); a return into the
    scene keeps them too. Only scenes that declare `local:` have any.
    """
    here = scene.parent or scene.id
    there_scene = story.scenes[target]
    there = there_scene.parent or there_scene.id
    if here == there:
        return values
    resets: list[tuple[int, Value]] = []
    if not way.call:
        resets += story.scoped.get(here, ())
    if target == there and way.goto != RETURN:
        resets += story.scoped.get(there, ())
    if not resets:
        return values
    new = list(values)
    for index, default in resets:
        new[index] = default
    return tuple(new)


def _flow(
    story: Story,
    scene_id: str,
    values: tuple,
    visits: Mapping[str, int],
    taken: frozenset[str],
    history: Sequence[str],
    found: Sequence,
    shown: list[Passage] | None,
    counted: AbstractSet[str] | None,
    entered: Entered | None = None,
    stack: tuple[str, ...] = (),
    draw: Draw = _no_draw,
    seed: int = 0,
) -> StateParts:
    """Follow scenes from `scene_id` until one asks the player or ends the game.

    Visits are counted for the scenes in `counted` (every scene when None: the
    explorer learns from them which scenes a step reached); the counts are
    copied only when one of them changes, so states share them otherwise.
    """
    scenes = story.scenes
    given = visits
    if counted is None:
        visits = dict(visits)
    for _ in range(MAX_HOPS):
        scene = scenes[scene_id]
        if counted is None:
            visits[scene_id] = visits.get(scene_id, 0) + 1  # type: ignore[index]
        elif scene_id in counted:
            if visits is given:
                visits = dict(visits)
            visits[scene_id] = visits.get(scene_id, 0) + 1  # type: ignore[index]
        if scene.effects:
            values, found = _apply(story, scene.effects, values, visits, found, scene_id)
        if entered is not None:
            entered(scene, values, visits)
        if scene.later:
            values, found = _later(story, scene, values, visits, found, shown, seed)
        elif shown is not None:
            _show(scene, values, visits, seed, shown)
        routes = scene.routes
        if not routes:
            return (scene_id, values, visits, taken, history, found, scene.ending, stack)
        if scene.straight:  # the common case: one plain goto
            if story.scoped:
                values = _scope(story, scene, routes[0], scene.straight, values)
            scene_id = scene.straight
            continue
        if scene.chance:
            open_routes = [r for r in routes if r.condition is None or r.condition.test(values, visits)]
            if not open_routes:  # the loader forbids this; kept so a bad model cannot crash
                raise GameError(f"no route out of scene '{scene.id}' applies")
            route = open_routes[draw([r.chance for r in open_routes])]
        else:
            for route in routes:
                condition = route.condition
                if condition is None or condition.test(values, visits):
                    break
            else:  # the loader forbids this; kept so a bad model cannot hang
                raise GameError(f"no route out of scene '{scene.id}' applies")
        if route.call or route.goto == RETURN:
            scene_id, stack = _go(scene, route, stack)
        else:
            scene_id = route.goto
        if story.scoped:
            values = _scope(story, scene, route, scene_id, values)
    raise GameError(
        f"more than {MAX_HOPS} scenes passed without a choice (a routing loop or a very long"
        " goto chain); give the chain a choice point"
    )


def _show(scene: Scene, values: tuple, visits: Mapping[str, int], seed: int, shown: list[Passage]) -> None:
    """Render the scene's prose as it reads on this visit, for a front end."""
    text, count = _text_now(scene, visits)
    if text is not None:
        _add(shown, Passage(scene, tuple(paragraphs(text.render(values, visits, (count, seed)), keep_glue=True))))


def _text_now(scene: Scene, visits: Mapping[str, int]) -> tuple[Template | None, int]:
    """The text to show on this visit, and the count its variants go by (on later visits, the returns)."""
    count = visits.get(scene.id, 1)
    if scene.again is not None and count > 1:
        return scene.again, count - 1
    return scene.text, count


def _later(
    story: Story,
    scene: Scene,
    values: tuple,
    visits: Mapping[str, int],
    found: Sequence,
    shown: list[Passage] | None,
    seed: int,
) -> tuple[tuple, Sequence]:
    """A scene whose prose holds effects: each part is rendered with the values of its moment."""
    text, count = _text_now(scene, visits)
    texts: list[str] = []
    if shown is not None and text is not None:
        texts.append(text.render(values, visits, (count, seed)))
    for effects, template in scene.later:
        values, found = _apply(story, effects, values, visits, found, scene.id)
        if shown is not None and template is not None:
            texts.append(template.render(values, visits, (count, seed)))
    if shown is not None:
        # A tag's place shows nothing, so a line that held only a {do} disappears.
        _add(shown, Passage(scene, tuple(paragraphs(SHOWS_NOTHING.join(texts), keep_glue=True))))
    return values, found


def _add(shown: list[Passage], passage: Passage) -> None:
    """Add a passage; one that follows {glue} is joined to the passage before."""
    if shown and shown[-1].paragraphs and shown[-1].paragraphs[-1].endswith(GLUE) and passage.paragraphs:
        before = shown[-1]
        shown[-1] = replace(before, paragraphs=tuple(glued(list(before.paragraphs), list(passage.paragraphs))))
    else:
        shown.append(passage)


def _finished(shown: list[Passage]) -> tuple[Passage, ...]:
    """The passages of a turn, with glue that nothing followed removed."""
    return tuple(
        replace(p, paragraphs=tuple(unglued(list(p.paragraphs)))) if any(GLUE in x for x in p.paragraphs) else p
        for p in shown
    )


def _apply(
    story: Story, effects: tuple[Effect, ...], values: tuple, visits: Mapping, found: Sequence, source: str
) -> tuple[tuple, Sequence]:
    """Apply effects to a copy of the values; note set members gained, for the journal."""
    new = list(values)
    for effect in effects:
        effect.apply(new, visits)
    for index in story.set_indices:
        old, value = values[index], new[index]
        if value is not old and len(value) > len(old):
            name = story.names[index]
            found = found + tuple((name, member, source) for member in sorted(value - old))  # type: ignore[operator]
    return tuple(new), found


def start(story: Story, entered: Entered | None = None, *, seed: int = 0) -> Turn:
    """A new game at the story's start; `seed` decides its luck (front ends pass a random one)."""
    return start_at(story, story.start, entered, seed=seed)


def start_at(story: Story, scene_id: str, entered: Entered | None = None, *, seed: int = 0) -> Turn:
    """A new game, every variable at its default, entering `scene_id` (live reload starts a scene again)."""
    if scene_id not in story.scenes:
        raise GameError(f"there is no scene '{scene_id}'")
    shown: list[Passage] = []
    parts = _flow(
        story,
        scene_id,
        story.defaults,
        {},
        frozenset(),
        EMPTY,
        EMPTY,
        shown,
        counted_scenes(story),
        entered,
        (),
        seeded(seed, 0),
        seed,
    )
    return _turn(story, GameState(*parts, seed), shown)


def begin(story: Story, entered: Entered | None = None, draw: Draw = _no_draw) -> StateParts:
    """The start of a game as parts, with every scene entered counted: where the explorer begins."""
    if story.start not in story.scenes:
        raise GameError(f"there is no scene '{story.start}'")
    return _flow(story, story.start, story.defaults, {}, frozenset(), (), (), None, None, entered, (), draw)


def _turn(story: Story, state: GameState, shown: list[Passage]) -> Turn:
    ending = story.endings.get(state.ending) if state.ending else None
    return Turn(state, _finished(shown), options(story, state), ending)


def advance(story: Story, state: GameState, choice: Choice) -> GameState:
    """Take an open choice without rendering anything: the fast path for tools."""
    parts = step(
        story,
        choice,
        state.values,
        state.visits,
        state.taken,
        state.history,
        state.found,
        counted_scenes(story),
        None,
        state.stack,
        seeded(state.seed, len(state.history) + 1),
    )
    return GameState(*parts, state.seed)


def step(
    story: Story,
    choice: Choice,
    values: tuple,
    visits: Mapping[str, int],
    taken: frozenset[str],
    history: Sequence[str],
    found: Sequence,
    counted: AbstractSet[str] | None = None,
    entered: Entered | None = None,
    stack: tuple[str, ...] = (),
    draw: Draw = _no_draw,
) -> StateParts:
    """`advance` on a state given by its parts, returning the new one's parts.

    The explorer merges most results into states it already knows, so it
    builds no GameState at all, and passes no `counted`: it wants every scene
    entered counted, to learn what a step reached. `draw` decides chance
    (see `chance`; the explorer passes a `Forced` one to follow every outcome).
    """
    if choice.effects:
        values, found = _apply(story, choice.effects, values, visits, found, choice.key)
    if choice.once:
        taken = taken | {choice.key}
    if entered is not None and choice.reply is not None:
        entered(choice, values, visits)
    target = choice.goto
    if choice.call or target == RETURN or story.scoped:
        scene = story.scenes[choice.scene]
        if choice.call or target == RETURN:
            target, stack = _go(scene, choice, stack)
        if story.scoped:
            values = _scope(story, scene, choice, target, values)
    history = history + (choice.key,)  # type: ignore[operator]  # noqa: RUF005
    return _flow(story, target, values, visits, taken, history, found, None, counted, entered, stack, draw)


def outcomes(
    story: Story,
    choice: Choice,
    values: tuple,
    visits: Mapping[str, int],
    taken: frozenset[str],
    counted: AbstractSet[str] | None = None,
    entered: Entered | None = None,
    stack: tuple[str, ...] = (),
) -> list[tuple[Fraction, StateParts]]:
    """Every way taking `choice` can turn out, each with its exact probability: the explorer's step.

    Without chance on the way this is one outcome with probability 1.
    """
    return _every_outcome(
        lambda draw: step(story, choice, values, visits, taken, (), (), counted, entered, stack, draw),
        f"taking '{choice.key}'",
    )


def beginnings(story: Story, entered: Entered | None = None) -> list[tuple[Fraction, StateParts]]:
    """`begin` for every way the start can turn out by chance, each with its probability."""
    return _every_outcome(lambda draw: begin(story, entered, draw), "the start")


def _every_outcome(play: Callable[[Draw], StateParts], what: str) -> list[tuple[Fraction, StateParts]]:
    """Play once per combination of chance outcomes; luck that branches without bound is cut off."""
    found: list[tuple[Fraction, StateParts]] = []
    pending: list[tuple[int, ...]] = [()]
    while pending:
        forced = Forced(pending.pop())
        parts = play(forced)
        found.append((forced.odds(), parts))
        pending.extend(forced.alternatives())
        if len(found) + len(pending) > MAX_OUTCOMES:
            raise GameError(f"{what} can turn out more than {MAX_OUTCOMES:,} ways by chance")
    return found


def _open_choice(story: Story, state: GameState, key: str) -> Choice:
    choice = story.choice(key)
    if choice is None or choice.scene != state.scene:
        raise GameError(f"there is no choice '{key}' here")
    if choice not in open_choices(story, state):
        raise GameError(f"the choice '{key}' is not open now")
    return choice


def take(story: Story, state: GameState, key: str) -> GameState:
    """`choose` without rendering anything: replaying a long history (undo after a load) needs no text."""
    return advance(story, state, _open_choice(story, state, key))


def choose(story: Story, state: GameState, key: str) -> Turn:
    """Take the choice with this key; GameError if it is not open now."""
    choice = _open_choice(story, state, key)
    shown: list[Passage] = []
    values, found = state.values, state.found
    if choice.effects:
        values, found = _apply(story, choice.effects, values, state.visits, found, choice.key)
    scene = story.scenes[state.scene]
    said = _said(choice, values, state.visits, (state.visits.get(scene.id, 1), state.seed))
    if said:
        shown.append(Passage(scene, said, True))
    taken = state.taken | {choice.key} if choice.once else state.taken
    history = state.history + (choice.key,)  # type: ignore[operator]  # noqa: RUF005 (a trail shares, a copy would not)
    target, stack = _go(scene, choice, state.stack)
    if story.scoped:
        values = _scope(story, scene, choice, target, values)
    parts = _flow(
        story,
        target,
        values,
        state.visits,
        taken,
        history,
        found,
        shown,
        counted_scenes(story),
        None,
        stack,
        seeded(state.seed, len(history)),
        state.seed,
    )
    return _turn(story, GameState(*parts, state.seed), shown)


def _said(choice: Choice, values: tuple, visits: Mapping[str, int], moment: Moment) -> tuple[str, ...]:
    """What is printed once a choice is taken: its `[ ]` echo, then its reply."""
    said: list[str] = []
    for template in (choice.echo, choice.reply):
        if template is not None:
            said = glued(said, paragraphs(template.render(values, visits, moment), keep_glue=True))
    return tuple(said)


def describe(story: Story, state: GameState) -> Turn:
    """The current scene again, as it reads now (after loading a save or undoing).

    A scene made from a nested choice has no text of its own: what was said as
    that choice was taken stands in for it, so the reader knows where they are.
    """
    shown: list[Passage] = []
    scene = story.scenes[state.scene]
    _show(scene, state.values, state.visits, state.seed, shown)
    if not shown and scene.parent and state.history:
        last = story.choice(state.history[-1])
        if last is not None and last.goto == scene.id:
            moment = (state.visits.get(last.scene, 1), state.seed)
            said = _said(last, state.values, state.visits, moment)
            if said:
                shown.append(Passage(scene, said, True))
    return _turn(story, state, shown)


def replay(story: Story, keys: list[str] | tuple[str, ...], seed: int = 0) -> Turn:
    """Play a recorded list of choice keys from the start; GameError names the failing step."""
    turn = start(story, seed=seed)
    for step, key in enumerate(keys, 1):
        try:
            turn = choose(story, turn.state, key)
        except GameError as exc:
            raise GameError(f"step {step}: {exc}") from None
    return turn
