"""`ifengine new DIR`: a small complete story that teaches the format by example.

It passes `check` and `explore` with nothing to report, uses a variable of
every type, a locked choice, a routing scene and two endings, and comes with
the JSON Schema for editors and a recorded playthrough for `ifengine replay`.
Existing files are never overwritten.
"""

from __future__ import annotations

import os
import re

from .jsonschema import schema_text
from .recording import Recording, dump

SCHEMA_FILE = "story.schema.json"
SCHEMA_LINE = f"# yaml-language-server: $schema={SCHEMA_FILE}"

MANIFEST = """\
{schema_line}
# The manifest: what the story is called, where it starts, what it
# remembers (state) and how it can end. `ifengine check .` explains every
# mistake with file:line:column; `ifengine guide` is the full guide.
id: {story_id}
title: {title}
author: You
description: A night ferry, one silver coin, and a name to give.
version: 1
start: quay
files: [1-the-quay.yaml, 2-the-crossing.yaml]

state:
  nerve:                 # int: a whole number, kept between min and max
    type: int
    min: 0
    max: 3
    default: 1
    label: Nerve
    description: Enough to do something foolish?
    public: true         # shown on the status line
  ticket:                # flag: true or false (default false)
    type: flag
    label: A ticket
  pockets:               # set: which of these members you hold
    type: set
    label: In your pockets
    public: true
    of:
      coin: {{label: A silver coin, description: Your grandmother's; the last thing of hers.}}
      photo: A photograph
    default: [photo]
  mood:                  # enum: exactly one of these values (default: the first)
    type: enum
    values: [wary, hopeful]
  name:                  # string: any text (default "")
    type: string

endings:
  far_shore: {{title: The Far Shore, theme: hope, description: You cross the water.}}
  lit_window: {{title: The Lit Window, theme: home, description: You go back to the house you meant to leave.}}
"""

EPISODE_1 = """\
{schema_line}
# A scene file: an optional episode card, then scenes by id. A scene has
# text and exactly one way on: choices, goto, route or ending.
episode: {{number: 1, title: The Quay}}
scenes:
  quay:
    title: The quay
    text: |
      The last ferry of the night is tied up at the quay, its deck lamps
      swinging. You have a small bag, a photograph, and *no plan at all*.

      {{if coin in pockets}}The coin is warm in your fist.{{else}}Your pockets feel
      lighter than they should.{{/if}}
    choices:
      - text: Turn out your pockets
        id: search-pockets   # a stable id: saves and recordings store it
        once: true           # hidden after it has been taken
        do: [pockets += coin, nerve += 1]
        reply: In the lining of your coat, a silver coin. You stand a little straighter.
        goto: quay
      - text: Go to the ticket booth
        goto: booth

  booth:
    title: The ticket booth
    text: The clerk does not look up. "Name for the passenger list?"
    choices:
      - text: Give your own name
        do: [name = 'Marta Ruiz']
        goto: counter
      - text: Give the name on the photograph
        do: [name = 'Elena Ruiz', nerve += 1]
        goto: counter

  counter:
    title: The fare
    text: |
      "{{name}}," the clerk writes, slowly. "One silver coin, then."
    choices:
      - text: Pay with the silver coin
        requires: coin in pockets          # shown, but locked while false
        locked: Your pockets are empty. Perhaps look again.
        do: [pockets -= coin, ticket = true, mood = 'hopeful']
        goto: gangway
      - text: Slip past while the clerk counts his change
        do: [nerve += 1]
        goto: gangway
"""

EPISODE_2 = """\
{schema_line}
episode: {{number: 2, title: The Crossing}}
scenes:
  gangway:                 # a routing scene: it decides without asking
    route:
      - if: ticket
        goto: deck
      - goto: hold         # the last route has no condition

  deck:
    title: On deck
    text: |
      The ferry shudders away from the quay.
      {{if mood == 'hopeful'}}For the first time in weeks you are not afraid.{{/if}}
    choices:
      - text: Stand at the rail until the far shore shows
        goto: far_shore
      - text: Step back onto the quay before they raise the gangway
        goto: lit_window

  hold:
    title: The hold
    text: You crouch among the crates and listen to the engines.
    choices:
      - text: Keep still until the engines stop
        requires: nerve >= 2
        locked: Your heart is too loud; you would never keep still that long.
        goto: far_shore
      - text: Climb out and give yourself up
        goto: lit_window

  far_shore:
    title: The far shore
    text: |
      Morning, and a coast you have only seen on maps. Whoever {{name}} was,
      she is somewhere behind you now.
    ending: far_shore

  lit_window:
    title: The lit window
    text: You walk home. Someone has left the kitchen light on.
    ending: lit_window
"""

RECORDING_CHOICES = (
    "quay:search-pockets",
    "quay:go-to-the-ticket-booth",
    "booth:give-your-own-name",
    "counter:pay-with-the-silver-coin",
    "deck:stand-at-the-rail-until-the-far-shore",
)


class ScaffoldError(Exception):
    """The story cannot be written here; the message says why and what to do."""


def story_id_for(folder: str) -> str:
    """A story id from the folder's name (`My Ferry` -> `my-ferry`)."""
    name = os.path.basename(os.path.normpath(os.path.abspath(folder)))
    slug = re.sub(r"[^a-z0-9_-]+", "-", name.lower()).strip("-_")
    return slug or "my-story"


def title_for(story_id: str) -> str:
    return " ".join(word.capitalize() for word in re.split(r"[-_]+", story_id) if word) or "My Story"


def files_for(folder: str) -> dict[str, str]:
    """Every file of the new story, by path relative to the story folder."""
    story_id = story_id_for(folder)
    fill = {"schema_line": SCHEMA_LINE, "story_id": story_id, "title": title_for(story_id)}
    recording = Recording(story_id, RECORDING_CHOICES, "far_shore")
    return {
        "story.yaml": MANIFEST.format(**fill),
        "1-the-quay.yaml": EPISODE_1.format(**fill),
        "2-the-crossing.yaml": EPISODE_2.format(**fill),
        SCHEMA_FILE: schema_text(),
        os.path.join("recordings", "far-shore.yaml"): "# Replay with: ifengine replay recordings\n" + dump(recording),
    }


def create_story(folder: str) -> list[str]:
    """Write the new story into `folder` (created if needed); returns the paths written.

    Refuses, writing nothing, if any of the files already exists.
    """
    files = files_for(folder)
    if os.path.exists(folder) and not os.path.isdir(folder):
        raise ScaffoldError(f"{folder} is a file, not a folder")
    for name in files:
        path = os.path.join(folder, name)
        if os.path.lexists(path):
            raise ScaffoldError(f"{path} already exists; nothing was written (choose a new folder)")
    written = []
    try:
        for name, text in files.items():
            path = os.path.join(folder, name)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "x", encoding="utf-8") as handle:
                handle.write(text)
            written.append(path)
    except OSError as exc:
        raise ScaffoldError(f"cannot write {exc.filename or folder}: {exc.strerror or exc}") from None
    return written
