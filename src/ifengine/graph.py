"""The story map: scenes as nodes, choices and routes as edges, as DOT or Mermaid text.

Built from the loaded model, never from the YAML, so the map shows exactly what
the engine plays. `story_map` collects what to draw; `to_dot` and `to_mermaid`
only format it; `to_svg` hands DOT to Graphviz when it is installed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import urllib.parse
from collections.abc import Callable, Collection
from dataclasses import dataclass, field

from .budget import StopReason
from .check import linked_from_start
from .explorer import explore
from .model import RETURN, Scene, Story
from .words import count

LABEL_WORDS = 34  # characters of choice text kept on an edge
CONDITION_CHARS = 40
SVG_TIMEOUT = 120


@dataclass(frozen=True, slots=True)
class Node:
    scene: str
    title: str
    ending: str = ""  # the ending's title, for an ending scene
    routing: bool = False  # decides by itself (goto/route) without asking the player
    start: bool = False
    unreachable: bool = False
    source: str = ""  # where the scene is written, relative to the story folder ("" when unknown)
    line: int = 0


@dataclass(frozen=True, slots=True)
class Edge:
    source: str
    target: str
    label: str
    condition: str = ""  # "if ...", "requires ..." or "otherwise"
    route: bool = False
    never_open: bool = False
    between_groups: bool = False  # leads into another episode (or file)


@dataclass(frozen=True, slots=True)
class Group:
    """Scenes shown together: one episode, or one file when it declares none."""

    key: str
    title: str
    scenes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class StoryMap:
    title: str
    groups: tuple[Group, ...]
    nodes: dict[str, Node]
    edges: tuple[Edge, ...]
    notes: tuple[str, ...] = field(default=())


def _way_on_after_call(source: str, call: str, goto: str, crosses: Callable[[str], bool]) -> list[Edge]:
    """The dashed edge to where play goes on once a called scene returns (none without a call, or for a return)."""
    if not call or goto == RETURN:
        return []
    return [Edge(source, goto, "", f"after {call} returns", route=True, between_groups=crosses(goto))]


def shorten(text: str, limit: int) -> str:
    """One line of at most `limit` characters, cut at a word where possible."""
    line = " ".join(text.split())
    if len(line) <= limit:
        return line
    cut = line[: limit - 1]
    if " " in cut[limit // 2 :]:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,.;:") + "…"


def _group_of(scene: Scene) -> tuple[str, str]:
    if scene.episode is not None:
        return f"episode {scene.episode.number}", f"Episode {scene.episode.number}: {scene.episode.title}"
    name = scene.pos.path.replace("\\", "/").rsplit("/", 1)[-1]
    return f"file {name}", name


def _source_of(story: Story, scene: Scene) -> tuple[str, int]:
    """The scene's file relative to the story folder, and its line; ("", 0) when it has none there."""
    if not story.root or scene.pos.line <= 0:
        return "", 0
    relative = os.path.relpath(scene.pos.path, story.root)
    if relative.startswith(".."):
        return "", 0
    return relative.replace(os.sep, "/"), scene.pos.line


def story_map(
    story: Story, unreachable: Collection[str] = (), never_open: Collection[str] = (), notes: tuple[str, ...] = ()
) -> StoryMap:
    """What to draw: `unreachable` scenes and `never_open` choice keys come from the explorer or the checker."""
    groups: dict[str, tuple[str, list[str]]] = {}
    nodes: dict[str, Node] = {}
    edges: list[Edge] = []
    group_of = {sid: _group_of(scene)[0] for sid, scene in story.scenes.items()}
    for scene in story.scenes.values():
        key, title = _group_of(scene)

        def crosses(target: str, here: str = key) -> bool:
            return group_of.get(target, here) != here

        groups.setdefault(key, (title, []))[1].append(scene.id)
        ending = story.endings.get(scene.ending or "")
        source, line = _source_of(story, scene)
        nodes[scene.id] = Node(
            scene=scene.id,
            title=scene.title,
            ending=ending.title if ending else (scene.ending or ""),
            routing=bool(scene.routes),
            start=scene.id == story.start,
            unreachable=scene.id in unreachable,
            source=source,
            line=line,
        )
        for choice in scene.choices:
            conditions = []
            if choice.condition is not None:
                conditions.append("if " + shorten(choice.condition.source, CONDITION_CHARS))
            if choice.requirement is not None:
                conditions.append("requires " + shorten(choice.requirement.source, CONDITION_CHARS))
            if choice.once:
                conditions.append("once")
            if choice.fallback:
                conditions.append("fallback")
            if choice.call:
                conditions.append(f"calls {choice.call}")
            edges.append(
                Edge(
                    scene.id,
                    choice.call or choice.goto,
                    shorten(choice.text.source, LABEL_WORDS),
                    ", ".join(conditions),
                    never_open=choice.key in never_open,
                    between_groups=crosses(choice.call or choice.goto),
                )
            )
            edges += _way_on_after_call(scene.id, choice.call, choice.goto, crosses)
        total = sum(r.chance for r in scene.routes)
        for i, route in enumerate(scene.routes):
            if route.chance:
                condition = f"chance {route.chance}/{total}"
                if route.condition is not None:
                    condition += ", if " + shorten(route.condition.source, CONDITION_CHARS)
            elif route.condition is not None:
                condition = "if " + shorten(route.condition.source, CONDITION_CHARS)
            else:
                condition = "otherwise" if i else ""
            if route.call:
                edges.append(
                    Edge(
                        scene.id,
                        route.call,
                        "",
                        f"{condition}, calls".lstrip(", "),
                        route=True,
                        between_groups=crosses(route.call),
                    )
                )
                edges += _way_on_after_call(scene.id, route.call, route.goto, crosses)
            else:
                edges.append(Edge(scene.id, route.goto, "", condition, route=True, between_groups=crosses(route.goto)))
    return StoryMap(
        title=story.title,
        groups=tuple(Group(key, title, tuple(ids)) for key, (title, ids) in groups.items()),
        nodes=nodes,
        edges=tuple(e for e in edges if e.target in story.scenes),
        notes=notes,
    )


def explored_map(
    story: Story, max_states: int | None, budget: Callable[[str], StopReason] | None = None, seed: int = 1
) -> StoryMap:
    """The map with what the explorer proves unreachable flagged (`max_states=None`: links only).

    `budget` is the explorer's stop test by phase, so the map never waits on an unbounded search.
    """
    linked = linked_from_start(story)
    unlinked = [sid for sid in story.scenes if sid not in linked]
    if max_states is None:
        note = "not explored: only scenes that no choice or route leads to are flagged"
        return story_map(story, unlinked, notes=(note,))
    report = explore(story, max_states=max_states, seed=seed, budget=budget)
    if not report.complete:
        note = (
            f"exploration stopped by the {report.stopped_by}: only scenes that no choice or route leads to are flagged"
        )
        return story_map(story, unlinked, notes=(note,))
    note = f"explored: {count(report.states, 'state')}; unreachable scenes and never-open choices are proven so"
    return story_map(story, report.unreached_scenes, report.never_open, notes=(note,))


# --- DOT ------------------------------------------------------------------------


def _dot_quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _node_label(node: Node) -> str:
    lines = [node.title, f"({node.scene})" if node.title != node.scene else ""]
    if node.ending:
        lines.append(f"END: {node.ending}")
    if node.unreachable:
        lines.append("UNREACHABLE")
    return "\n".join(line for line in lines if line)


def _dot_node(node: Node) -> str:
    attrs = {"label": _node_label(node)}
    if node.ending:
        attrs.update(shape="doubleoctagon", style="filled", fillcolor="#e8f0e8")
    elif node.routing:
        attrs.update(shape="diamond")
    if node.start:
        attrs.update(penwidth="2.5")
    if node.unreachable:
        attrs.update(color="#c0392b", fontcolor="#c0392b", style="dashed")
    if node.source:
        # "./" keeps a file named like "javascript:..." a relative link; the fragment is GitHub's line anchor.
        attrs.update(URL=f"./{urllib.parse.quote(node.source)}#L{node.line}", tooltip=f"{node.source}:{node.line}")
    body = ", ".join(f"{k}={_dot_quote(v)}" for k, v in attrs.items())
    return f"    {_dot_quote(node.scene)} [{body}];"


def _edge_text(edge: Edge) -> str:
    parts = [edge.label] if edge.label else []
    if edge.condition:
        parts.append(f"[{edge.condition}]")
    if edge.never_open:
        parts.append("(never open)")
    return "\n".join(parts)


def _merge_self_loops(edges: tuple[Edge, ...]) -> list[Edge]:
    """One loop per scene, its labels stacked: Graphviz draws each loop's label at the same spot."""
    merged: list[Edge] = []
    loops: dict[str, int] = {}
    for edge in edges:
        if edge.source != edge.target:
            merged.append(edge)
        elif edge.source not in loops:
            loops[edge.source] = len(merged)
            merged.append(edge)
        else:
            first = merged[loops[edge.source]]
            both = "\n".join(text for text in (_edge_text(first), _edge_text(edge)) if text)
            # Each part keeps its own "[condition]" and "(never open)" in the stacked text.
            merged[loops[edge.source]] = Edge(edge.source, edge.target, both, route=first.route and edge.route)
    return merged


def _dot_edge(edge: Edge) -> str:
    attrs = {}
    text = _edge_text(edge)
    if text:
        attrs["label"] = text
    if edge.route:
        attrs["style"] = "dashed"
    if edge.never_open:
        attrs.update(color="#c0392b", fontcolor="#c0392b", style="dotted")
    if edge.between_groups:
        # Episodes are ranked on their own and stand side by side, so the map is wide, not a strip.
        attrs["constraint"] = "false"
    body = " [" + ", ".join(f"{k}={_dot_quote(v)}" for k, v in attrs.items()) + "]" if attrs else ""
    return f"  {_dot_quote(edge.source)} -> {_dot_quote(edge.target)}{body};"


def to_dot(story_map: StoryMap) -> str:
    """Graphviz DOT text: one cluster per episode, side by side; endings double-bordered, unreachable scenes red.

    Each scene links to its file and line (`URL`, `tooltip`), so the SVG is clickable next to the story.
    """
    lines = [f"// {note}" for note in story_map.notes]
    lines += [
        f"digraph {_dot_quote(story_map.title)} {{",
        f"  label={_dot_quote(story_map.title)};",
        '  labelloc="t";',
        '  node [shape=box, style="rounded", fontname="Helvetica"];',
        '  edge [fontname="Helvetica", fontsize=10];',
    ]
    for i, group in enumerate(story_map.groups, 1):
        lines.append(f"  subgraph cluster_{i} {{")
        lines.append(f"    label={_dot_quote(group.title)};")
        lines += [_dot_node(story_map.nodes[sid]) for sid in group.scenes]
        lines.append("  }")
    lines += [_dot_edge(edge) for edge in _merge_self_loops(story_map.edges)]
    lines.append("}")
    return "\n".join(lines) + "\n"


# --- Mermaid ----------------------------------------------------------------------


def _mermaid_text(text: str) -> str:
    """Mermaid has no escapes inside quotes, only HTML entities."""
    return (
        text.replace("&", "#amp;")
        .replace('"', "#quot;")
        .replace("<", "#lt;")
        .replace(">", "#gt;")
        .replace("\n", "<br/>")
    )


def _mermaid_id(scene: str) -> str:
    # Prefixed, because words such as `end` are keywords in Mermaid.
    return "s_" + scene


def to_mermaid(story_map: StoryMap) -> str:
    """A Mermaid flowchart: the same map as `to_dot`, for Markdown previews."""
    lines = [f"%% {note}" for note in story_map.notes]
    lines.append("flowchart TD")
    for i, group in enumerate(story_map.groups, 1):
        lines.append(f'  subgraph g{i}["{_mermaid_text(group.title)}"]')
        for sid in group.scenes:
            node = story_map.nodes[sid]
            label = _mermaid_text(_node_label(node))
            if node.ending:
                shape = f'(["{label}"])'
            elif node.routing:
                shape = f'{{{{"{label}"}}}}'
            else:
                shape = f'["{label}"]'
            lines.append(f"    {_mermaid_id(sid)}{shape}")
        lines.append("  end")
    for edge in story_map.edges:
        text = _edge_text(edge)
        arrow = "-.->" if edge.route or edge.never_open else "-->"
        label = f'|"{_mermaid_text(text)}"|' if text else ""
        lines.append(f"  {_mermaid_id(edge.source)} {arrow}{label} {_mermaid_id(edge.target)}")
    starts = [n.scene for n in story_map.nodes.values() if n.start]
    ends = [n.scene for n in story_map.nodes.values() if n.ending]
    lost = [n.scene for n in story_map.nodes.values() if n.unreachable]
    lines.append("  classDef start stroke-width:3px")
    lines.append("  classDef ending fill:#e8f0e8")
    lines.append("  classDef unreachable stroke:#c0392b,stroke-dasharray:4 3,color:#c0392b")
    for name, ids in (("start", starts), ("ending", ends), ("unreachable", lost)):
        if ids:
            lines.append(f"  class {','.join(_mermaid_id(s) for s in ids)} {name}")
    return "\n".join(lines) + "\n"


# --- SVG ----------------------------------------------------------------------------


class GraphvizMissing(Exception):
    """Graphviz's `dot` program is not on PATH."""


class GraphvizFailed(Exception):
    """`dot` ran but could not draw the graph; the message is its first error line."""


def to_svg(dot_text: str) -> str:
    """SVG drawn by Graphviz's `dot`."""
    program = shutil.which("dot")
    if program is None:
        raise GraphvizMissing()
    try:
        result = subprocess.run(
            [program, "-Tsvg"], input=dot_text, capture_output=True, text=True, timeout=SVG_TIMEOUT, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise GraphvizFailed(str(exc)) from None
    if result.returncode != 0:
        first = (result.stderr.strip().splitlines() or [f"exit code {result.returncode}"])[0]
        raise GraphvizFailed(first)
    return result.stdout
