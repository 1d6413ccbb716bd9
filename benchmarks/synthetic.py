"""Synthetic stories of any size, with state and conditions, for benchmarks."""

from __future__ import annotations

from pathlib import Path

MANIFEST = """\
id: synthetic
title: Synthetic {size}
start: s0
state:
  score: {{type: int, min: 0, max: 3, default: 0}}
  lit: {{type: flag}}
  keys: {{type: set, of: {{red: Red key, green: Green key, blue: Blue key}}}}
endings:
  high: {{title: High, theme: joy}}
  low: {{title: Low, theme: loss}}
"""

PER_FILE = 1000


def scene(i: int, size: int, choices: int) -> str:
    def target(k: int) -> str:
        return f"s{i + k}" if i + k < size else ("won" if k % 2 else "lost")

    member = ("red", "green", "blue")[i % 3]
    # Three conditional choices; at least one is always open (when the key is
    # taken and score is 3, the lamp can be lit or put out), so no game is stuck.
    options = [
        f"      - text: Take the {member} key\n        if: {member} not in keys\n        do: [keys += {member}]\n        goto: {target(1)}\n",
        f"      - text: Climb higher\n        requires: score < 3\n        locked: Too tired.\n        do: [score += 1]\n        goto: {target(2)}\n",
        f"      - text: Light the lamp\n        if: not lit or score > 1\n        do: [lit = not lit]\n        goto: {target(1)}\n",
        f"      - text: Walk on\n        goto: {target(1)}\n",
    ][: max(choices, 1)]
    return (
        f"  s{i}:\n    text: |\n      Room {i}. You carry {{keys}}; your score is {{score}}.\n"
        f"      {{if lit}}The lamp is lit.{{else}}It is dark.{{/if}}\n    choices:\n" + "".join(options)
    )


def write_story(root: Path, size: int, choices: int = 3) -> None:
    """Write a story of `size` scenes split into files of 1,000 scenes."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "story.yaml").write_text(MANIFEST.format(size=size))
    for start in range(0, size, PER_FILE):
        body = ["scenes:\n"]
        for i in range(start, min(start + PER_FILE, size)):
            body.append(scene(i, size, choices))
        if start + PER_FILE >= size:
            body.append("  won:\n    route:\n      - if: score >= 2\n        goto: high\n      - goto: low\n")
            body.append("  lost:\n    goto: low\n")
            body.append("  high:\n    text: You reach the top.\n    ending: high\n")
            body.append("  low:\n    text: You stop here.\n    ending: low\n")
        (root / f"part{start // PER_FILE:04d}.yaml").write_text("".join(body))


LOOP_SCENES = """\
scenes:
  hall:
    text: |
      Round {rounds}. You carry {keys}.
      {if lit}The lamp is lit.{else}It is dark.{/if}
    choices:
      - text: Go round again
        do: [rounds = 1 - rounds, lit = not lit]
        goto: stairs
      - text: Pick up the red key
        if: red not in keys
        do: [keys += red]
        goto: hall
      - text: Leave
        goto: high
  stairs:
    goto: hall
  high:
    text: You leave.
    ending: high
"""


def write_loop_story(root: Path) -> None:
    """A three-scene story whose game can go on for as many choices as wanted (for long saves)."""
    root.mkdir(parents=True, exist_ok=True)
    manifest = MANIFEST.format(size=3).replace("start: s0", "start: hall")
    manifest = manifest.replace("state:\n", "state:\n  rounds: {type: int, min: 0, max: 1, default: 0}\n")
    (root / "story.yaml").write_text(manifest)
    (root / "scenes.yaml").write_text(LOOP_SCENES)
