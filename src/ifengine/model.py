"""The story as immutable data: what the loader builds and every other part reads.

Nothing here does I/O or knows about YAML, terminals or files. Expressions and
prose templates are stored already compiled (see `expr` and `text`), so the
runtime never parses anything while a game is played.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NamedTuple

from .diagnostics import NOWHERE, Pos

if TYPE_CHECKING:
    from .expr import Atom, Condition, Effect
    from .text import Template, When

# A variable's value: int for int, bool for flag, str for enum and string,
# frozenset[str] for set.
Value = int | bool | str | frozenset

VAR_TYPES = ("int", "flag", "set", "enum", "string")

# The target that ends a called scene: play goes back to where the call said to go on.
RETURN = "return"
# How deep calls may nest before play stops with an error (and `explore` reports it).
MAX_CALL_DEPTH = 64


@dataclass(frozen=True, slots=True)
class Member:
    """A declared member of a set variable, with the words players see."""

    name: str
    label: str
    description: str = ""


@dataclass(frozen=True, slots=True)
class Variable:
    """A declared piece of game state; `index` is its slot in GameState.values."""

    name: str
    type: str
    index: int
    default: Value
    minimum: int = 0
    maximum: int = 0
    members: Mapping[str, Member] = field(default_factory=dict)
    values: tuple[str, ...] = ()
    label: str = ""
    description: str = ""
    public: bool = False  # shown on the status screen
    pos: Pos = NOWHERE
    scope: str = ""  # for a scene-local value (`local:`), the scene it lives in
    on_line: bool = False  # also shown on the quiet line under the choices
    # How an int reads to the player: words by threshold (lowest first), a bar, or a
    # place between two opposed words; none of them: "3 of 5".
    words: tuple[tuple[int, str], ...] = ()
    bar: bool = False
    opposed: tuple[str, str] | None = None

    @property
    def title(self) -> str:
        return self.label or self.name.replace("_", " ").capitalize()


@dataclass(frozen=True, slots=True)
class Ending:
    """A way the story can end, with the theme it carries."""

    id: str
    title: str
    theme: str
    description: str = ""
    pos: Pos = NOWHERE


@dataclass(frozen=True, slots=True)
class Episode:
    """The episode a scene file belongs to: its number, title and file."""

    number: int
    title: str
    path: str


@dataclass(frozen=True, slots=True)
class Assumption:
    """A condition the author claims holds whenever its scene, choice or prose is shown.

    It never changes play; `explore` proves it over every reachable state.
    `where` names its owner for reports ("scene 'x'", "choice 'x:y'", ...).
    """

    condition: Condition
    source: str
    where: str
    pos: Pos = NOWHERE
    # What deciding it reads: its condition, and for a prose tag the enclosing {if} tests.
    reads: frozenset[Atom] = frozenset()
    # For a prose tag, those tests with the outcome that shows it (see `text.AssumeTag.when`).
    when: When = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "reads", self.condition.reads | self.reads)


@dataclass(frozen=True, slots=True)
class Choice:
    """One option in a scene. `key` ("scene:id") is what saves and recordings store."""

    id: str
    scene: str
    text: Template
    goto: str  # where play goes on; RETURN to return from a called scene
    condition: Condition | None = None  # hidden when false
    requirement: Condition | None = None  # shown locked when false
    locked_reason: str = ""
    once: bool = False
    fallback: bool = False
    effects: tuple[Effect, ...] = ()
    reply: Template | None = None
    pos: Pos = NOWHERE
    goto_pos: Pos = NOWHERE
    # `assumes:` and the `{assume}` tags of `text` and `reply`, index for index.
    assumes: Assumption | None = None
    text_assumes: tuple[Assumption, ...] = ()
    reply_assumes: tuple[Assumption, ...] = ()
    call: str = ""  # a scene to play first; `goto` is where play goes on when it returns
    echo: Template | None = None  # with `[ ]` in the text: the words printed once it is taken
    key: str = field(init=False, default="")

    def __post_init__(self) -> None:
        object.__setattr__(self, "key", f"{self.scene}:{self.id}")


@dataclass(frozen=True, slots=True)
class Route:
    """A branch of a routing scene: taken when `condition` holds (or always, if None)."""

    goto: str
    condition: Condition | None = None
    pos: Pos = NOWHERE
    call: str = ""  # a scene to play first; `goto` is where play goes on when it returns
    chance: int = 0  # a weight: in a scene whose routes have weights, one is picked at random


@dataclass(frozen=True, slots=True)
class Scene:
    """A place in the story. Exactly one of choices, routes or ending says how it goes on."""

    id: str
    title: str
    text: Template | None
    choices: tuple[Choice, ...] = ()
    routes: tuple[Route, ...] = ()
    ending: str | None = None
    effects: tuple[Effect, ...] = ()
    episode: Episode | None = None
    flashback: bool = False
    when: str = ""
    pos: Pos = NOWHERE
    ending_pos: Pos = NOWHERE
    assumes: Assumption | None = None  # holds whenever the scene is entered, after its effects
    text_assumes: tuple[Assumption, ...] = ()  # the `{assume}` tags of `text`, index for index
    # Where a RETURN from this scene may go: every call's way on (filled by the loader).
    returns_to: tuple[str, ...] = ()
    again: Template | None = None  # the prose on later visits, when it differs from the first
    # Effects inside or after the prose: each entry's effects run after the text
    # before it is shown, then its text (if any) is shown, in the same passage.
    later: tuple[tuple[tuple[Effect, ...], Template | None], ...] = ()

    @property
    def all_effects(self) -> tuple[Effect, ...]:
        """Every effect entering the scene applies, in order: `do:`, then those in and after its prose."""
        if not self.later:
            return self.effects
        return self.effects + tuple(e for effects, _ in self.later for e in effects)

    parent: str = ""  # for a scene the loader made from a nested choice or `then:`, the scene it is part of

    def prose(self) -> Iterator[Template]:
        """Every template shown at this scene: its text, later-visit text, choice texts, echoes and replies."""
        for template in (self.text, self.again, *(t for _, t in self.later)):
            if template is not None:
                yield template
        for choice in self.choices:
            yield choice.text
            for template in (choice.echo, choice.reply):
                if template is not None:
                    yield template

    @property
    def varies(self) -> bool:
        """True when what it shows depends on how many times it has been entered."""
        return self.again is not None or any(t.varies for t in self.prose())

    # True when play picks one of the routes at random, by weight (set from the routes).
    chance: bool = field(init=False, default=False)
    # The scene to go on to when play passes straight through (one route, no
    # condition, no call or return): the runtime's shortcut; "" otherwise.
    straight: str = field(init=False, default="")

    def __post_init__(self) -> None:
        routes = self.routes
        object.__setattr__(self, "chance", bool(routes) and routes[0].chance > 0)
        if len(routes) == 1 and routes[0].condition is None and not routes[0].call and routes[0].goto != RETURN:
            object.__setattr__(self, "straight", routes[0].goto)

    @property
    def ways(self) -> tuple[Choice | Route, ...]:
        """The choices and routes: every way on from this scene."""
        return (*self.choices, *self.routes)

    @property
    def targets(self) -> tuple[str, ...]:
        """Every scene play can go to next from here, called scenes and return points included."""
        return self.next_of(*self.choices, *self.routes)

    @property
    def route_targets(self) -> tuple[str, ...]:
        """The scenes play passes on to without asking the player (by goto, route, call or return)."""
        return self.next_of(*self.routes)

    def next_of(self, *ways: Choice | Route) -> tuple[str, ...]:
        """The scenes these choices or routes of this scene lead to next."""
        found: list[str] = []
        for way in ways:
            if way.call:
                found.append(way.call)
            elif way.goto == RETURN:
                found.extend(self.returns_to)
            else:
                found.append(way.goto)
        return tuple(found)


def returns(scenes: Iterable[Scene]) -> tuple[tuple[str, ...], frozenset[str]]:
    """Where a return may go (every call's way on, sorted) and which scenes return: what the explorer follows."""
    ways = [(scene.id, way) for scene in scenes for way in scene.ways]
    points = tuple(sorted({w.goto for _, w in ways if w.call and w.goto != RETURN}))
    return points, frozenset(sid for sid, w in ways if w.goto == RETURN and not w.call)


class Summary(NamedTuple):
    """What play must know of every scene before it has compiled them all.

    A story the engine has checked before can be loaded with its scenes
    compiled on first use (see `checked.py`); these facts, taken from the full
    load, stand in for the ones `Story` would otherwise derive from every scene.
    """

    counted: frozenset[str]  # scenes whose visit count something reads (see `state.counted_scenes`)
    uses_chance: bool
    uses_calls: bool
    returns_to: tuple[str, ...]  # every call's way on: where a scene that returns may go
    returning: frozenset[str]  # the scenes that return


@dataclass(frozen=True, slots=True)
class Story:
    """A whole loaded story. `fingerprint` changes whenever its content does."""

    id: str
    title: str
    start: str
    variables: Mapping[str, Variable]
    endings: Mapping[str, Ending]
    scenes: Mapping[str, Scene]
    version: int = 1
    author: str = ""
    description: str = ""
    credit: str = ""  # the title card's line in place of "by <author>", as the story words it
    fingerprint: str = ""
    root: str = ""
    files: tuple[str, ...] = ()
    start_pos: Pos = NOWHERE
    status_line: str = "numbers"  # what the line under the choices shows: numbers, words or none
    unlisted: tuple[str, ...] = ()  # scene files in the story folder that `files:` leaves out
    constants: Mapping[str, int | bool | str] = field(default_factory=dict)  # `constants:`, already in expressions
    # Given when `scenes` compiles each scene on first use: the whole-story facts, so none is compiled early.
    summary: Summary | None = field(default=None, compare=False)
    # Derived once, for the runtime's hot path.
    names: tuple[str, ...] = field(init=False, default=())
    set_indices: tuple[int, ...] = field(init=False, default=())
    defaults: tuple[Value, ...] = field(init=False, default=())
    uses_chance: bool = field(init=False, default=False)  # some scene picks its route at random
    uses_calls: bool = field(init=False, default=False)  # some choice or route calls a scene
    # Scene-local values by scene: (index, default) pairs, reset as play leaves the scene.
    scoped: Mapping[str, tuple[tuple[int, Value], ...]] = field(init=False, default_factory=dict)
    _choices: Mapping[str, Choice] = field(init=False, default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        setattr_ = object.__setattr__
        setattr_(self, "names", tuple(self.variables))
        setattr_(self, "set_indices", tuple(v.index for v in self.variables.values() if v.type == "set"))
        setattr_(self, "defaults", tuple(v.default for v in self.variables.values()))
        scoped: dict[str, tuple[tuple[int, Value], ...]] = {}
        for var in self.variables.values():
            if var.scope:
                scoped[var.scope] = (*scoped.get(var.scope, ()), (var.index, var.default))
        setattr_(self, "scoped", scoped)
        if self.summary is not None:
            setattr_(self, "uses_chance", self.summary.uses_chance)
            setattr_(self, "uses_calls", self.summary.uses_calls)
            return
        setattr_(self, "_choices", {c.key: c for s in self.scenes.values() for c in s.choices})
        setattr_(self, "uses_chance", any(s.chance for s in self.scenes.values()))
        ways = [w for s in self.scenes.values() for w in s.ways]
        setattr_(self, "uses_calls", any(w.call or w.goto == RETURN for w in ways))

    def choice(self, key: str) -> Choice | None:
        """The choice with this key ("scene:id"), if the story has it."""
        if self.summary is None:
            return self._choices.get(key)
        scene = self.scenes.get(key.rpartition(":")[0])  # compiled on first use: look in its scene only
        return next((c for c in scene.choices if c.key == key), None) if scene is not None else None

    def all_choices(self) -> list[Choice]:
        return [c for s in self.scenes.values() for c in s.choices]

    def assumptions(self) -> Iterator[Assumption]:
        """Every `assumes:` and `{assume}` tag in the story, in scene order."""
        for scene in self.scenes.values():
            if scene.assumes is not None:
                yield scene.assumes
            yield from scene.text_assumes
            for choice in scene.choices:
                if choice.assumes is not None:
                    yield choice.assumes
                yield from choice.text_assumes
                yield from choice.reply_assumes

    def compiled(self, prose: bool = True) -> Iterator[Condition | Effect | Template | Assumption]:
        """Every condition and effect the story uses, and with `prose` every template.

        Assumptions count as conditions (prose ones too): the explorer must
        keep apart states they tell apart. Each has `reads`, the state it depends on. Equal texts are compiled
        once and shared, so one object can come more than once.
        """
        yield from self.assumptions()
        for scene in self.scenes.values():
            if prose and scene.text is not None:
                yield scene.text
            if prose and scene.again is not None:
                yield scene.again
            for effects, template in scene.later:
                yield from effects
                if prose and template is not None:
                    yield template
            for route in scene.routes:
                if route.condition is not None:
                    yield route.condition
            yield from scene.effects
            for choice in scene.choices:
                if choice.condition is not None:
                    yield choice.condition
                if choice.requirement is not None:
                    yield choice.requirement
                yield from choice.effects
                if prose:
                    yield choice.text
                    if choice.reply is not None:
                        yield choice.reply
                    if choice.echo is not None:
                        yield choice.echo


# Compiled callables see the values tuple and the visit counts.
Reader = Callable[[tuple, Mapping[str, int]], object]
