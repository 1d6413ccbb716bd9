"""How much the prose varies between playthroughs: what an author of branching text wants to know.

A branch that exists but reads the same is invisible to the reader. This plays
seeded random games with the text rendered, and measures three things per
episode and in all:

- words a reader sees in one playthrough;
- the share of them that came from conditional text: words a template shows
  that are not in its unconditional text (what stands outside every `{if}`
  block and every tag), so `{if}` branches, variations and interpolated values;
- between two games that reach different endings, the share of paragraph words
  that are identical: words of a paragraph that the other game shows too,
  word for word.

The figures are sampled, never proven: the report says how many games and
pairs, and with which seed.
"""

from __future__ import annotations

import functools
import os
import random
import statistics
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from .diagnostics import Pos
from .model import Choice, Scene, Story
from .runtime import Passage, Turn, choose, start
from .stats import fixed_words, word_list
from .text import Template, plain

MAX_STEPS = 2_000  # choices in one game: a game that loops is cut here and reaches no ending
MAX_PAIRS = 5_000  # different-ending pairs compared; more are sampled down to this
ALL = "all"


@functools.lru_cache(maxsize=1 << 16)
def _words(text: str) -> tuple[str, ...]:
    """The words of a paragraph (paragraphs repeat across games, so each is split once)."""
    return tuple(word_list(text))


@dataclass
class Reading:
    """What one game showed, for one episode or in all."""

    words: int = 0
    conditional: int = 0
    paragraphs: Counter[str] = field(default_factory=Counter)  # plain paragraph -> its words, times shown


@dataclass
class Game:
    ending: str | None
    parts: dict[str, Reading]  # ALL, and "episode N" / a file name


def _part(passage: Passage) -> str:
    scene = passage.scene
    return f"episode {scene.episode.number}" if scene.episode else os.path.basename(scene.pos.path)


def _templates(passage: Passage, taken: Choice | None) -> Iterable[Template | None]:
    if passage.is_reply and taken is not None:
        return (taken.echo, taken.reply)
    scene = passage.scene
    return (scene.text, scene.again, *(t for _, t in scene.later))


def _unconditional(templates: Iterable[Template | None], fixed: dict[tuple[str, ...], Counter[str]]) -> Counter[str]:
    """The words the templates show whatever the state (cached: a scene's templates are met again and again)."""
    sources = tuple(t.source for t in templates if t is not None)
    if sources not in fixed:
        union: Counter[str] = Counter()
        for source in sources:
            union |= fixed_words(source)
        fixed[sources] = union
    return fixed[sources]


@dataclass
class _Memo:
    """What is worked out once for all games: unconditional words, and the scene each paragraph first came from."""

    fixed: dict[tuple[str, ...], Counter[str]] = field(default_factory=dict)
    where: dict[str, Scene] = field(default_factory=dict)


def _read(turn: Turn, taken: Choice | None, parts: dict[str, Reading], memo: _Memo) -> None:
    for passage in turn.passages:
        shown = [plain(p) for p in passage.paragraphs]
        for p in shown:
            memo.where.setdefault(p, passage.scene)
        seen = Counter(w for p in shown for w in _words(p))
        total = seen.total()
        unconditional = _unconditional(_templates(passage, taken), memo.fixed)
        conditional = total - sum(min(n, unconditional[w]) for w, n in seen.items())
        for name in (ALL, _part(passage)):
            reading = parts.setdefault(name, Reading())
            reading.words += total
            reading.conditional += conditional
            for p in shown:
                reading.paragraphs[p] += len(_words(p))


def play_and_read(story: Story, rng: random.Random, memo: _Memo | None = None) -> Game:
    """One game with every choice picked uniformly among the open ones, and what it showed."""
    memo = _Memo() if memo is None else memo
    parts: dict[str, Reading] = {ALL: Reading()}
    turn = start(story, seed=rng.getrandbits(53))
    _read(turn, None, parts, memo)
    for _ in range(MAX_STEPS):
        if turn.ending is not None or not turn.open_options:
            break
        option = rng.choice(turn.open_options)
        turn = choose(story, turn.state, option.choice.key)
        _read(turn, option.choice, parts, memo)
    return Game(turn.ending.id if turn.ending else None, parts)


def identical_share(a: Reading, b: Reading) -> float:
    """The share of paragraph words the two readings have in common, word for word (averaged both ways)."""

    both = a.paragraphs.keys() & b.paragraphs.keys()
    if not a.words or not b.words:
        return 0.0
    same_a = sum(a.paragraphs[p] for p in both)
    same_b = sum(b.paragraphs[p] for p in both)
    return (same_a / a.paragraphs.total() + same_b / b.paragraphs.total()) / 2


@dataclass(frozen=True)
class Spread:
    low: float
    median: float
    high: float

    @staticmethod
    def of(values: list[float]) -> Spread | None:
        return Spread(min(values), statistics.median(values), max(values)) if values else None


@dataclass(frozen=True)
class PartFigures:
    name: str
    words: Spread | None
    conditional: Spread | None  # share of the words, per game
    identical: Spread | None  # share, per different-ending pair that both showed this part


@dataclass(frozen=True)
class Variation:
    games: int
    seed: int
    endings: dict[str, int]  # ending id -> games; None-ended games are counted in `unended`
    unended: int
    pairs: int  # different-ending pairs compared
    parts: tuple[PartFigures, ...]  # "all" first
    shared: tuple[SharedScene, ...] = ()  # the scenes whose prose most often reads the same, most first


@dataclass(frozen=True)
class SharedScene:
    """A scene whose paragraphs two games with different endings both showed, word for word."""

    scene: str
    pos: Pos
    words: float  # identical words it gives a pair, on average over all pairs compared


SHARED_SHOWN = 8


def _pairs(games: list[Game], rng: random.Random) -> list[tuple[Game, Game]]:
    ended = [g for g in games if g.ending is not None]
    pairs = [(a, b) for i, a in enumerate(ended) for b in ended[i + 1 :] if a.ending != b.ending]
    return rng.sample(pairs, MAX_PAIRS) if len(pairs) > MAX_PAIRS else pairs


def measure(story: Story, games: int, seed: int) -> Variation:
    """Play `games` seeded random games and measure how their prose varies."""
    rng = random.Random(seed)
    memo = _Memo()
    played = [play_and_read(story, rng, memo) for _ in range(games)]
    pairs = _pairs(played, rng)
    names = [ALL, *sorted({n for g in played for n in g.parts if n != ALL}, key=_order)]
    figures = []
    for name in names:
        readings = [g.parts[name] for g in played if name in g.parts and g.parts[name].words]
        shares = [
            identical_share(a.parts[name], b.parts[name]) for a, b in pairs if name in a.parts and name in b.parts
        ]
        figures.append(
            PartFigures(
                name,
                Spread.of([float(r.words) for r in readings]),
                Spread.of([r.conditional / r.words for r in readings]),
                Spread.of(shares),
            )
        )
    endings = Counter(g.ending for g in played if g.ending is not None)
    return Variation(
        games,
        seed,
        dict(sorted(endings.items())),
        sum(g.ending is None for g in played),
        len(pairs),
        tuple(figures),
        _shared(pairs, memo.where),
    )


def _shared(pairs: list[tuple[Game, Game]], where: dict[str, Scene]) -> tuple[SharedScene, ...]:
    """Where the identical words come from: per scene, the words both games of a pair showed, on average."""
    words: dict[str, float] = {}
    scenes: dict[str, Scene] = {}
    for a, b in pairs:
        x, y = a.parts[ALL].paragraphs, b.parts[ALL].paragraphs
        for p in x.keys() & y.keys():
            scene = where[p]
            scenes[scene.id] = scene
            words[scene.id] = words.get(scene.id, 0.0) + (x[p] + y[p]) / 2
    most = sorted(words.items(), key=lambda item: (-item[1], item[0]))
    return tuple(SharedScene(scene_id, scenes[scene_id].pos, total / len(pairs)) for scene_id, total in most)


def _order(name: str) -> tuple[int, str]:
    number = name.removeprefix("episode ")
    return (int(number), "") if number.isdigit() else (1 << 30, name)


def _percent(spread: Spread | None) -> str:
    if spread is None:
        return "unknown"
    return f"{spread.median:.1%} ({spread.low:.1%} to {spread.high:.1%})"


def _count(spread: Spread | None) -> str:
    if spread is None:
        return "none"
    return f"{spread.median:,.0f} ({spread.low:,.0f} to {spread.high:,.0f})"


def format_variation(v: Variation) -> str:
    """The figures as a short report: medians, with the lowest and highest in brackets."""
    lines = [
        f"Playthroughs: {v.games:,} random games (seed {v.seed}); medians, with the lowest and highest in brackets."
    ]
    if v.unended:
        lines.append(f"  {v.unended:,} reached no ending (stuck, or cut at {MAX_STEPS:,} choices).")
    sampled = f" (sampled down to {MAX_PAIRS:,})" if v.pairs == MAX_PAIRS else ""
    lines += [
        f"  Identical text is compared over {v.pairs:,} pairs of games that reached different endings{sampled}.",
        "",
    ]
    for part in v.parts:
        title = "All" if part.name == ALL else part.name[0].upper() + part.name[1:]
        lines.append(f"{title}:")
        lines.append(f"  words shown: {_count(part.words)}")
        lines.append(f"  from conditional text: {_percent(part.conditional)}")
        lines.append(f"  identical between different endings: {_percent(part.identical)}")
    if v.shared:
        lines += ["", "Scenes that read the same in games with different endings (identical words a pair, on average):"]
        lines += [f"  {s.words:7,.0f}  {s.scene} ({s.pos})" for s in v.shared[:SHARED_SHOWN]]
        if len(v.shared) > SHARED_SHOWN:
            lines.append(f"  and {len(v.shared) - SHARED_SHOWN:,} more (--json lists all)")
    return "\n".join(lines)


def to_data(v: Variation) -> dict[str, object]:
    def spread(s: Spread | None) -> dict[str, float] | None:
        return None if s is None else {"low": s.low, "median": s.median, "high": s.high}

    return {
        "games": v.games,
        "seed": v.seed,
        "endings": v.endings,
        "unended": v.unended,
        "pairs": v.pairs,
        "parts": [
            {
                "name": p.name,
                "words": spread(p.words),
                "conditional_share": spread(p.conditional),
                "identical_share": spread(p.identical),
            }
            for p in v.parts
        ],
        "shared_scenes": [
            {"scene": s.scene, "path": s.pos.path, "line": s.pos.line, "col": s.pos.col, "words": s.words}
            for s in v.shared
        ],
    }
