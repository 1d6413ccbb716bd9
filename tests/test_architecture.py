"""The layering the README promises: a pure core, and shells that are the only doors to the world."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from conftest import REPO

PACKAGE = REPO / "src" / "ifengine"
CORE = [
    "chance",
    "model",
    "expr",
    "text",
    "state",
    "runtime",
    "explorer",
    "explorestep",
    "search",
    "keys",
    "abstract",
    "assumeproofs",
    "abstractvalues",
    "directed",
    "guided",
    "guarddistance",
    "backward",
    "targeted",
    "goals",
    "goalliveness",
    "budget",
    "random_play",
    "verdicts",
    "liveness",
    "findings",
    "shares",
    "diagnostics",
    "schema",
    "assumptions",
]
OUTSIDE_WORLD = {"yaml", "rich", "prompt_toolkit", "os", "sys", "io", "pathlib", "subprocess", "tempfile", "shutil"}
FORBIDDEN_EVERYWHERE = {"pickle", "marshal", "shelve"}


def imports(path: Path) -> set[str]:
    """Top-level names of every module a file imports, and `.x` for relative imports."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            names.add(("." * node.level) + (node.module or "").split(".")[0])
    return names


@pytest.mark.parametrize("module", CORE)
def test_the_core_does_no_io_and_knows_no_front_end(module: str) -> None:
    found = imports(PACKAGE / f"{module}.py")
    assert not found & OUTSIDE_WORLD
    assert not {name for name in found if name.startswith(".") and name[1:] not in CORE}


def test_only_yamlsource_imports_yaml() -> None:
    users = {p.relative_to(PACKAGE).as_posix() for p in PACKAGE.rglob("*.py") if "yaml" in imports(p)}
    assert users == {"yamlsource.py"}


def test_only_the_play_package_imports_rich_and_prompt_toolkit() -> None:
    for path in PACKAGE.rglob("*.py"):
        if path.parent.name != "play":
            assert not imports(path) & {"rich", "prompt_toolkit"}, path


def test_nothing_can_run_code_from_data() -> None:
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text())
        assert not imports(path) & FORBIDDEN_EVERYWHERE, path
        calls = {n.func.id for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)}
        assert not calls & {"eval", "exec", "compile", "__import__"}, path
