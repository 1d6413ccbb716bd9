"""Story statistics for authors: size per episode, endings, and where each variable is read and written.

Everything is read from the loaded model: compiled conditions, effects and
prose templates already know the state they read and write.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any

from .diagnostics import Pos
from .expr import Atom, Effect
from .model import Story
from .text import Template, plain

_TAG = re.compile(r"\{\{|\}\}|\{([^{}]*)\}")
_WORD = re.compile(r"\w")


@dataclass(frozen=True, slots=True)
class Use:
    """One place a variable is read or written."""

    where: str  # a scene id, or a choice key "scene:choice"
    what: str  # text, choice text, reply, if, requires, route, do
    pos: Pos

    def to_data(self) -> dict[str, Any]:
        return {
            "where": self.where,
            "what": self.what,
            "path": self.pos.path,
            "line": self.pos.line,
            "col": self.pos.col,
        }


@dataclass
class Part:
    """Counts for one episode (or one file without an episode), or for the whole story."""

    title: str
    file: str = ""
    episode: int | None = None
    scenes: int = 0
    choices: int = 0
    endings: int = 0
    words: int = 0


@dataclass
class VariableUse:
    name: str
    type: str
    reads: list[Use] = field(default_factory=list)
    writes: list[Use] = field(default_factory=list)


@dataclass
class Stats:
    title: str
    parts: list[Part]
    total: Part
    endings: dict[str, list[str]]  # ending id -> the scenes that end with it
    variables: dict[str, VariableUse]

    def to_data(self, story: Story) -> dict[str, Any]:
        return {
            "story": {"id": story.id, "title": story.title},
            "episodes": [asdict(p) for p in self.parts],
            "total": {k: v for k, v in asdict(self.total).items() if k not in ("file", "episode", "title")},
            "endings": [
                {"id": e.id, "title": e.title, "theme": e.theme, "scenes": self.endings[e.id]}
                for e in story.endings.values()
            ],
            "variables": [
                {
                    "name": v.name,
                    "type": v.type,
                    "reads": [u.to_data() for u in v.reads],
                    "writes": [u.to_data() for u in v.writes],
                }
                for v in self.variables.values()
            ],
        }


def words(source: str) -> int:
    """Words of prose a player can read: `{...}` tags are not counted, the text inside `{if}` is."""
    return len(word_list(_TAG.sub(" ", source)))


def word_list(text: str) -> list[str]:
    """The words of plain text: tokens with a letter or digit in them (a dash alone is not a word)."""
    return [token for token in text.split() if _WORD.search(token)]


def fixed_words(source: str) -> Counter[str]:
    """The words a template shows whatever the state: those outside every tag and every {if} block."""
    fixed: list[str] = []
    depth = 0
    pos = 0
    for m in _TAG.finditer(source):
        if depth == 0:
            fixed.append(source[pos : m.start()])
        pos = m.end()
        inner = (m.group(1) or "").strip()
        word = inner.split(None, 1)[0] if inner else ""
        if word == "if":
            depth += 1
        elif word == "/if" and depth:
            depth -= 1
    if depth == 0:
        fixed.append(source[pos:])
    return Counter(word_list(plain(" ".join(fixed))))


def template_reads(template: Template | None) -> set[str]:
    """The variables a prose template shows or tests."""
    if template is None:
        return set()
    return _variables(template.reads)


def _variables(reads: frozenset[Atom] | set[Atom]) -> set[str]:
    return {atom[1] for atom in reads if atom[0] in ("var", "member", "cmp")}


def _effect_reads(effect: Effect) -> set[str]:
    """Variables an effect reads, apart from its own target (`trust += 1` does not test trust)."""
    return _variables(effect.reads) - {effect.target}


def story_stats(story: Story) -> Stats:
    parts: dict[str, Part] = {}
    endings: dict[str, list[str]] = {e: [] for e in story.endings}
    uses = {name: VariableUse(name, var.type) for name, var in story.variables.items()}

    def read(names: set[str], where: str, what: str, pos: Pos) -> None:
        for name in sorted(names):
            if name in uses:
                uses[name].reads.append(Use(where, what, pos))

    for scene in story.scenes.values():
        file = os.path.basename(scene.pos.path)
        key = f"episode {scene.episode.number}" if scene.episode else f"file {file}"
        if key not in parts:
            title = f"Episode {scene.episode.number}: {scene.episode.title}" if scene.episode else file
            parts[key] = Part(title, file, scene.episode.number if scene.episode else None)
        part = parts[key]
        part.scenes += 1
        part.choices += len(scene.choices)
        if scene.ending:
            part.endings += 1
            endings.setdefault(scene.ending, []).append(scene.id)
        for template in (scene.text, scene.again, *(t for _, t in scene.later)):
            if template is not None:
                part.words += words(template.source)
                read(template_reads(template), scene.id, "text", scene.pos)
        for effect in scene.all_effects:
            read(_effect_reads(effect), scene.id, "do", scene.pos)
            uses[effect.target].writes.append(Use(scene.id, "do", scene.pos))
        for route in scene.routes:
            if route.condition is not None:
                read(_variables(route.condition.reads), scene.id, "route", route.pos)
        for choice in scene.choices:
            part.words += sum(words(t.source) for t in (choice.text, choice.echo, choice.reply) if t is not None)
            read(template_reads(choice.text), choice.key, "choice text", choice.pos)
            read(template_reads(choice.reply), choice.key, "reply", choice.pos)
            if choice.condition is not None:
                read(_variables(choice.condition.reads), choice.key, "if", choice.pos)
            if choice.requirement is not None:
                read(_variables(choice.requirement.reads), choice.key, "requires", choice.pos)
            for effect in choice.effects:
                read(_effect_reads(effect), choice.key, "do", choice.pos)
                uses[effect.target].writes.append(Use(choice.key, "do", choice.pos))
    total = Part("All", scenes=len(story.scenes))
    for part in parts.values():
        total.choices += part.choices
        total.endings += part.endings
        total.words += part.words
    return Stats(story.title, list(parts.values()), total, endings, uses)


PLACES_SHOWN = 8


def _places(items: list[Use]) -> str:
    """The distinct places, the first few of them: --json lists them all."""
    seen: list[str] = []
    for use in items:
        if use.where not in seen:
            seen.append(use.where)
    shown = ", ".join(seen[:PLACES_SHOWN])
    more = len(seen) - PLACES_SHOWN
    return shown + (f", and {more} more (--json lists all)" if more > 0 else "")


def _count(items: list[Use]) -> str:
    places = len({use.where for use in items})
    return f"{places} place{'s' * (places != 1)}"


def format_stats(story: Story, stats: Stats) -> str:
    """The statistics as a table and lists, for a terminal."""
    width = max([len(p.title) for p in stats.parts] + [len(stats.total.title), 7])
    header = f"{'':<{width}}  {'scenes':>6}  {'choices':>7}  {'endings':>7}  {'words':>8}"
    lines = [stats.title, "", header]

    def row(part: Part) -> str:
        return f"{part.title:<{width}}  {part.scenes:>6,}  {part.choices:>7,}  {part.endings:>7,}  {part.words:>8,}"

    lines += [row(p) for p in stats.parts]
    lines.append(row(stats.total))
    lines.append("")
    lines.append(f"Endings ({len(story.endings)}):")
    for ending in story.endings.values():
        scenes = stats.endings.get(ending.id) or []
        where = ", ".join(scenes) if scenes else "no scene"
        lines.append(f"  {ending.id}: {ending.title} ({ending.theme}); ended by {where}")
    lines.append("")
    lines.append(f"Variables ({len(story.variables)}):")
    for name, use in stats.variables.items():
        var = story.variables[name]
        kind = f"int {var.minimum}..{var.maximum}" if var.type == "int" else var.type
        lines.append(f"  {name} ({kind}): read in {_count(use.reads)}, written in {_count(use.writes)}")
        if use.reads:
            lines.append(f"    read by: {_places(use.reads)}")
        if use.writes:
            lines.append(f"    written by: {_places(use.writes)}")
    return "\n".join(lines)
