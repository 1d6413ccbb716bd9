"""The rich-story generator (issue 12) writes stories that load without errors."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

from ifengine import load_story
from ifengine.check import check_story

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"


def richstory() -> ModuleType:
    spec = importlib.util.spec_from_file_location("richstory", BENCHMARKS / "richstory.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_generated_rich_story_loads_with_no_errors(tmp_path: Path) -> None:
    richstory().write_story(tmp_path, 60, seed=3, back_edges=True)
    story = load_story(str(tmp_path))
    assert len(story.scenes) == 62
    assert not [d for d in check_story(story) if d.severity.value == "error"]


def test_the_same_seed_writes_the_same_story(tmp_path: Path) -> None:
    module = richstory()
    module.write_story(tmp_path / "one", 40, seed=7)
    module.write_story(tmp_path / "two", 40, seed=7)
    assert (tmp_path / "one" / "part0000.yaml").read_text() == (tmp_path / "two" / "part0000.yaml").read_text()
