"""The author's guide, shipped inside the package so `ifengine guide` works from any install.

`authoring.md` next to this file is the only copy (the README links to it);
`ifengine guide` prints it whole, and `ifengine guide TOPIC` prints the one
section whose heading names the topic.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from importlib import resources

GUIDE_FILE = "authoring.md"
_HEADING = re.compile(r"^(#{2,3}) (.+)$", re.MULTILINE)
_FENCE = re.compile(r"^```.*?^```", re.MULTILINE | re.DOTALL)


class TopicNotFound(Exception):
    """No heading of the guide names the topic; the message says what to try instead."""


@dataclass(frozen=True, slots=True)
class Section:
    heading: str  # the heading's words, without the leading #s
    text: str  # the heading line and everything up to the next heading of its level or above


def guide_text() -> str:
    """The whole guide, read from the installed package."""
    return resources.files(__name__).joinpath(GUIDE_FILE).read_text(encoding="utf-8")


def sections(text: str) -> list[Section]:
    """Every `##` and `###` section; a `##` section includes its `###` subsections.

    Headings inside fenced code blocks (YAML comments such as `# file: ...`) are not headings.
    """
    hidden = _FENCE.sub(lambda m: re.sub(r"#", " ", m.group(0)), text)
    found = [(m.start(), len(m.group(1)), m.group(2).strip()) for m in _HEADING.finditer(hidden)]
    result = []
    for i, (start, level, heading) in enumerate(found):
        end = next((s for s, lv, _ in found[i + 1 :] if lv <= level), len(text))
        result.append(Section(heading, text[start:end].rstrip() + "\n"))
    return result


def _words(heading: str) -> str:
    return " ".join(re.sub(r"[^\w\s-]", " ", heading.lower()).split())


def find_section(text: str, topic: str) -> Section:
    """The first section whose heading contains the topic's words (case and punctuation ignored)."""
    wanted = _words(topic)
    if not wanted:
        raise TopicNotFound("give a topic, e.g. `ifengine guide routes`")
    found = sections(text)
    for section in found:
        if wanted in _words(section.heading):
            return section
    names = {_words(s.heading): s.heading for s in found}
    vocabulary = {word for name in names for word in name.split()} | set(names)
    close = difflib.get_close_matches(wanted, sorted(vocabulary), n=1, cutoff=0.6)
    hint = f"did you mean '{close[0]}'?" if close else "run `ifengine guide --topics` for the list"
    raise TopicNotFound(f"no section of the guide is about '{topic}' ({hint})")


def topics(text: str) -> list[str]:
    """The headings, indented by level, for `ifengine guide --topics`."""
    hidden = _FENCE.sub(lambda m: re.sub(r"#", " ", m.group(0)), text)
    return [("  " if len(m.group(1)) == 3 else "") + m.group(2).strip() for m in _HEADING.finditer(hidden)]
