"""Rich synthetic stories (issue 12): many ints, flags, sets and visit reads.

Deterministic from a seed. Edges go forward only unless `back_edges` is set, so
exhaustive search cannot enumerate the state space but every scene is finite.
"""

from __future__ import annotations

import random
from pathlib import Path

PER_FILE = 1000
MEMBERS = ("a", "b", "c", "d", "e", "f", "g", "h")


def manifest(ints: int, flags: int, sets: int) -> str:
    lines = ["id: rich", "title: Rich story", "start: s0", "state:"]
    lines += [f"  n{k}: {{type: int, min: 0, max: 10, default: 0}}" for k in range(ints)]
    lines += [f"  f{k}: {{type: flag}}" for k in range(flags)]
    members = ", ".join(f"{m}: Item {m}" for m in MEMBERS)
    lines += [f"  t{k}: {{type: set, of: {{{members}}}}}" for k in range(sets)]
    lines += ["endings:", "  good: {title: Good, theme: joy}", "  bad: {title: Bad, theme: loss}"]
    return "\n".join(lines) + "\n"


def condition(rng: random.Random, i: int, ints: int, flags: int, sets: int) -> str:
    """One atom reading an int, a flag, a set, or whether or how often an earlier scene was seen."""
    kind = rng.randrange(4)
    if kind == 0 and ints:
        return f"n{rng.randrange(ints)} {rng.choice(('>=', '<', '>'))} {rng.randrange(11)}"
    if kind == 1 and flags:
        return f"{rng.choice(('', 'not '))}f{rng.randrange(flags)}"
    if kind == 2 and sets:
        return f"{rng.choice(MEMBERS)} {rng.choice(('in', 'not in'))} t{rng.randrange(sets)}"
    if i > 0:
        return rng.choice(("seen({})", "not seen({})", "visits({}) >= 2", "visits({}) < 2")).format(
            f"s{rng.randrange(i)}"
        )
    return "true"


def effect(rng: random.Random, ints: int, flags: int, sets: int) -> str:
    kind = rng.randrange(3)
    if kind == 0 and ints:
        return f"n{rng.randrange(ints)} {rng.choice(('+=', '-='))} {rng.randrange(1, 4)}"
    if kind == 1 and flags:
        return f"f{rng.randrange(flags)} = {rng.choice(('true', 'false'))}"
    if sets:
        return f"t{rng.randrange(sets)} {rng.choice(('+=', '-='))} {rng.choice(MEMBERS)}"
    return "n0 += 0"


def scene(rng: random.Random, i: int, size: int, ints: int, flags: int, sets: int, back: bool) -> str:
    def target() -> str:
        if back and i > 0 and rng.random() < 0.1:
            return f"s{rng.randrange(i)}"
        j = i + rng.randrange(1, 4)
        return f"s{j}" if j < size else rng.choice(("good", "bad"))

    out = [f"  s{i}:\n    text: Room {i}.\n    choices:\n"]
    for c in range(rng.randrange(1, 4)):
        cond = condition(rng, i, ints, flags, sets)
        if rng.random() < 0.5:
            cond += f" and {condition(rng, i, ints, flags, sets)}"
        key = "if" if c % 2 == 0 else "requires"
        out.append(
            f"      - text: Option {c}\n        {key}: {cond}\n"
            f"        do: [{effect(rng, ints, flags, sets)}]\n        goto: {target()}\n"
        )
    # A fallback keeps every game moving: no scene is a dead end.
    out.append(f"      - text: Go on\n        fallback: true\n        goto: {target()}\n")
    return "".join(out)


def write_story(
    root: Path,
    size: int = 1000,
    *,
    seed: int = 0,
    ints: int = 10,
    flags: int = 10,
    sets: int = 2,
    back_edges: bool = False,
) -> None:
    """Write a rich story of `size` scenes into `root`, split into files of 1,000."""
    rng = random.Random(seed)
    root.mkdir(parents=True, exist_ok=True)
    (root / "story.yaml").write_text(manifest(ints, flags, sets))
    for start in range(0, size, PER_FILE):
        body = ["scenes:\n"]
        for i in range(start, min(start + PER_FILE, size)):
            body.append(scene(rng, i, size, ints, flags, sets, back_edges))
        if start + PER_FILE >= size:
            body.append("  good:\n    text: It ends well.\n    ending: good\n")
            body.append("  bad:\n    text: It ends badly.\n    ending: bad\n")
        (root / f"part{start // PER_FILE:04d}.yaml").write_text("".join(body))
