"""Static checks over a loaded story: the mistakes visible without playing it.

The loader already reports what is wrong inside each file (syntax, keys,
types, expressions). This module looks at the story as a whole: where scenes
lead, what nothing leads to, endings never used, variables never read,
routing loops. Questions that need real play are the explorer's.
"""

from __future__ import annotations

from .diagnostics import Diagnostic, Pos, error, suggest, warning
from .expr import MAX_STRING, Atom, Effect, tokenize
from .model import RETURN, Story
from .runtime import MAX_HOPS
from .words import story_value


def _scene_links(story: Story) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    if story.start not in story.scenes:
        found.append(
            error(story.start_pos, f"start scene '{story.start}' does not exist", suggest(story.start, story.scenes))
        )
    for scene in story.scenes.values():
        for way, pos in [(c, c.goto_pos) for c in scene.choices] + [(r, r.pos) for r in scene.routes]:
            for target in (way.call, way.goto):
                if target and target != RETURN and target not in story.scenes:
                    hint = suggest(target, story.scenes)
                    if not hint and story.unlisted:
                        hint = f"is it in {', '.join(story.unlisted[:3])}? files: in story.yaml does not list it"
                    if target.startswith("->"):  # an ink divert
                        hint = f"ink's -> is not needed here: write the scene id alone, {target[2:].strip() or 'scene'}"
                    found.append(error(pos, f"unknown scene '{target}'", hint))
        if scene.ending is not None and scene.ending not in story.endings:
            found.append(
                error(
                    scene.ending_pos,
                    f"unknown ending '{scene.ending}'",
                    suggest(scene.ending, story.endings) or "declare it under endings: in story.yaml",
                )
            )
    return found


def linked_from_start(story: Story) -> set[str]:
    """Scenes some path of links leads to from the start, ignoring every condition."""
    if story.start not in story.scenes:
        return set()
    scenes = story.scenes
    reached = {story.start}
    todo = [story.start]
    while todo:
        for target in scenes[todo.pop()].targets:
            if target in scenes and target not in reached:
                reached.add(target)
                todo.append(target)
    return reached


def _unreached(story: Story) -> list[Diagnostic]:
    """Scenes no path of links leads to, ignoring conditions (the explorer applies them)."""
    if story.start not in story.scenes:
        return []
    reached = linked_from_start(story)
    return [
        warning(
            scene.pos,
            f"scene '{scene.id}' is never reached: no choice or route leads to it",
            "link to it, or remove it",
        )
        for scene in story.scenes.values()
        if scene.id not in reached
    ]


def _unused_endings(story: Story) -> list[Diagnostic]:
    used = {s.ending for s in story.scenes.values() if s.ending}
    return [
        warning(e.pos, f"ending '{e.id}' is declared but no scene uses it", f"add ending: {e.id} to a scene")
        for e in story.endings.values()
        if e.id not in used
    ]


def _returns_unasked(story: Story) -> set[str]:
    """The scenes from which play can reach a `goto: return` by goto, route and call alone."""
    found: set[str] = set()
    grew = True
    while grew:
        before = len(found)
        for scene in story.scenes.values():
            for route in scene.routes:
                if (not route.call or route.call in found) and (route.goto == RETURN or route.goto in found):
                    found.add(scene.id)
        grew = len(found) > before
    return found


def _passes_to(story: Story, scene_id: str, unasked: set[str]) -> tuple[str, ...]:
    """Where play passes on from a scene without asking: a call is its body, then its goto if the body returns unasked.

    A return is not followed to every return point: the call that led to it goes
    on by its own goto, and joining unrelated calls would make loops that are not there.
    """
    found: list[str] = []
    for route in story.scenes[scene_id].routes:
        if route.call:
            found.append(route.call)
        if route.goto != RETURN and (not route.call or route.call in unasked):
            found.append(route.goto)
    return tuple(found)


def _routing_loops(story: Story) -> list[Diagnostic]:
    """Cycles made only of goto/route scenes would pass forever without asking the player."""
    found = []
    unasked = _returns_unasked(story)
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    for root in story.scenes:
        if state.get(root):
            continue
        stack = [(root, iter(_passes_to(story, root, unasked)))]
        state[root] = 1
        while stack:
            scene_id, targets = stack[-1]
            advanced = False
            for target in targets:
                if target not in story.scenes or not story.scenes[target].routes:
                    continue
                if state.get(target) == 1:
                    scene = story.scenes[target]
                    found.append(
                        error(
                            scene.pos,
                            f"scenes loop through '{target}' by goto/route with no choice in between",
                            "give one of them choices",
                        )
                    )
                elif not state.get(target):
                    state[target] = 1
                    stack.append((target, iter(_passes_to(story, target, unasked))))
                    advanced = True
                    break
            if not advanced:
                state[scene_id] = 2
                stack.pop()
    return found


def _chain_lengths(story: Story) -> dict[str, int]:
    """For each scene, the most scenes play can pass through from it before a choice or ending.

    One depth-first pass, so linear in scenes and routes; a route back into the
    current path is a routing loop (reported on its own) and is not followed.
    """
    scenes = story.scenes
    length: dict[str, int] = {}
    on_path: set[str] = set()
    for root in scenes:
        if root in length:
            continue
        stack = [(root, iter(scenes[root].route_targets))]
        on_path.add(root)
        while stack:
            scene_id, targets = stack[-1]
            for target in targets:
                if target in scenes and target not in length and target not in on_path:
                    on_path.add(target)
                    stack.append((target, iter(scenes[target].route_targets)))
                    break
            else:
                stack.pop()
                on_path.discard(scene_id)
                after = [length.get(t, 0) for t in scenes[scene_id].route_targets]
                length[scene_id] = 1 + max(after, default=0)
    return length


def _long_chains(story: Story) -> list[Diagnostic]:
    """A run of goto/route scenes longer than the runtime's hop limit stops the game."""
    lengths = _chain_lengths(story)
    longest = max(lengths, key=lengths.__getitem__, default=None)
    if longest is None or lengths[longest] <= MAX_HOPS:
        return []
    return [
        error(
            story.scenes[longest].pos,
            f"scenes from '{longest}' pass by goto/route through {lengths[longest]:,} scenes without a choice;"
            f" play stops after {MAX_HOPS:,}",
            "add a choice point along the chain",
        )
    ]


def _variable_use(story: Story) -> list[Diagnostic]:
    """Variables never used at all, or never changed; prose that shows one counts as a use."""
    # Shared compiled texts come many times: gather their distinct read sets first.
    reads: set[frozenset[Atom]] = set()
    written: set[str] = set()
    for part in story.compiled():
        reads.add(part.reads)
        if isinstance(part, Effect):
            written.add(part.target)
    read = {atom[1] for atoms in reads for atom in atoms if atom[0] in ("var", "member", "cmp")}
    found = []
    for var in story.variables.values():
        if var.name not in read and var.name not in written:
            found.append(
                warning(
                    var.pos, f"variable '{var.name}' is never used", "remove it, or use it in a condition or effect"
                )
            )
        elif var.name not in written:
            found.append(
                warning(
                    var.pos,
                    f"variable '{var.name}' is never changed, so it is always {story_value(var.default)}",
                    "add an effect that changes it",
                )
            )
    return found


def _false_assumptions(story: Story) -> list[Diagnostic]:
    """An assumption that reads no state and is false fails wherever it is shown: surely a slip."""
    return [
        warning(a.pos, f"{a.where} assumes something that is never true", "write the condition this text relies on")
        for a in story.assumptions()
        if not a.reads and not a.condition.test(story.defaults, {})
    ]


def _grows_itself(story: Story, effect: Effect) -> bool:
    """`s = s + ...`: text joined onto itself, longer each time the effect runs."""
    var = story.variables.get(effect.target)
    if var is None or var.type != "string" or ("var", var.name) not in effect.reads:
        return False
    return any(token.text == "+" for token in tokenize(effect.source))


def _growing_text(story: Story) -> list[Diagnostic]:
    """Effects that join a text to itself; located at the scene or choice that holds them."""
    holders: list[tuple[Pos, tuple[Effect, ...]]] = []
    for scene in story.scenes.values():
        holders.append((scene.pos, scene.all_effects))
        holders.extend((choice.pos, choice.effects) for choice in scene.choices)
    return [
        warning(
            pos,
            f"'{effect.source}' joins {effect.target} to itself, so the text grows each time it runs"
            f" (it is cut at {MAX_STRING:,} characters)",
            f"set {effect.target} from fixed text instead",
        )
        for pos, effects in holders
        for effect in effects
        if _grows_itself(story, effect)
    ]


def check_story(story: Story) -> list[Diagnostic]:
    """Every whole-story problem, errors and warnings.

    A link to a scene that does not exist cuts off every scene behind it, so
    while there is one, "never reached" warnings would only be its knock-on
    effects: they wait until the links are fixed.
    """
    links = _scene_links(story)
    broken_links = any(d.message.startswith("unknown scene") for d in links)
    return (
        links
        + _routing_loops(story)
        + _long_chains(story)
        + ([] if broken_links else _unreached(story))
        + _unused_endings(story)
        + _variable_use(story)
        + _false_assumptions(story)
        + _growing_text(story)
    )
