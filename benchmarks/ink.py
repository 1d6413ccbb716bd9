"""The synthetic story (`synthetic.py`, three choices a scene) written in ink, and bink to play it.

bink (the Rust ink runtime, called from Python) reads only compiled ink JSON;
the compiler used here is inkjs's (`npm install inkjs`; set INKJS_COMPILER to
its `bin/inkjs-compiler.js`, or have `inkjs-compiler` on PATH). Either missing
makes `unavailable()` say what to install, and the benchmark prints that.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

KEYS = ("red", "green", "blue")


def scene(i: int, size: int) -> str:
    """Scene `s{i}` of synthetic.py: the same prose, conditions and effects, in ink."""

    def target(k: int) -> str:
        return f"s{i + k}" if i + k < size else ("won" if k % 2 else "lost")

    member = KEYS[i % 3]
    # ink has no locked choices: "Climb higher" is hidden where ifengine shows it locked.
    return (
        f"== s{i} ==\n"
        f"Room {i}. You carry {{keys}}; your score is {{score}}.\n"
        "{lit:The lamp is lit.|It is dark.}\n"
        f"+ {{keys !? {member}}} [Take the {member} key]\n  ~ keys += {member}\n  -> {target(1)}\n"
        f"+ {{score < 3}} [Climb higher]\n  ~ score += 1\n  -> {target(2)}\n"
        f"+ {{not lit or score > 1}} [Light the lamp]\n  ~ lit = not lit\n  -> {target(1)}\n"
    )


def ink_source(size: int) -> str:
    head = "VAR score = 0\nVAR lit = false\nLIST keys = red, green, blue\n-> s0\n"
    tail = (
        "== won ==\n{score >= 2: -> high | -> low}\n"
        "== lost ==\n-> low\n"
        "== high ==\nYou reach the top.\n-> END\n"
        "== low ==\nYou stop here.\n-> END\n"
    )
    return head + "".join(scene(i, size) for i in range(size)) + tail


def _compiler() -> list[str] | None:
    script = os.environ.get("INKJS_COMPILER")
    if script and Path(script).is_file() and shutil.which("node"):
        return ["node", script]
    found = shutil.which("inkjs-compiler")
    return [found] if found else None


def unavailable() -> str:
    """Why bink cannot be benchmarked here, or "" when it can."""
    try:
        import bink.story  # noqa: F401
    except ImportError:
        return "bink is not installed (pip install -e '.[bench]')"
    if _compiler() is None:
        return "no ink compiler: npm install inkjs, then set INKJS_COMPILER to its bin/inkjs-compiler.js"
    return ""


def compile_story(size: int, folder: Path) -> str:
    """Compiled ink JSON of the synthetic story of `size` scenes."""
    command = _compiler()
    assert command is not None
    source, compiled = folder / f"s{size}.ink", folder / f"s{size}.json"
    source.write_text(ink_source(size))
    subprocess.run([*command, "-o", str(compiled), str(source)], check=True, capture_output=True, timeout=600)
    return compiled.read_text(encoding="utf-8-sig")


def new_story(compiled: str) -> Any:
    from bink.story import Story

    return Story(compiled)
