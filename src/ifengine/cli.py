"""The `ifengine` command: parse arguments, call the library, print, set the exit code.

Exit codes: 0 ok, 1 story or input errors, 2 usage. Every failure a user can
cause is reported in one line; a traceback means a bug in ifengine.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence

from .diagnostics import Severity, StoryError, has_errors, sort_key, to_json
from .loader import load_story, read_story

EXIT_OK, EXIT_ERROR, EXIT_USAGE = 0, 1, 2


def bundled_story() -> str:
    """The story shipped with ifengine: inside the wheel, or in a source checkout."""
    here = os.path.dirname(os.path.abspath(__file__))
    for candidate in (
        os.path.join(here, "stories", DEFAULT_STORY),
        os.path.join(here, "..", "..", "story", DEFAULT_STORY),
    ):
        if os.path.isfile(os.path.join(candidate, "story.yaml")):
            return os.path.normpath(candidate)
    return os.path.join(here, "stories", DEFAULT_STORY)


DEFAULT_STORY = "lighthouse"
COMMANDS = ("play", "check", "explore")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ifengine",
        description="Play, check and explore branching interactive fiction written in YAML.",
        epilog="With no command, plays the bundled story.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    play = sub.add_parser("play", help="play a story (default: the bundled one)")
    play.add_argument("story", nargs="?", help="a story folder or its story.yaml")
    play.add_argument("--plain", action="store_true", help="plain text: no colour, no boxes")
    play.add_argument("--width", type=int, default=0, help="wrap prose at this many columns")
    check = sub.add_parser("check", help="report every problem in a story, with file:line:col")
    check.add_argument("story", help="a story folder or its story.yaml")
    check.add_argument("--json", action="store_true", help="print the diagnostics as JSON")
    explore = sub.add_parser("explore", help="play every possible game; prove what is reachable")
    explore.add_argument("story", help="a story folder or its story.yaml")
    explore.add_argument("--json", action="store_true", help="print the report as JSON")
    explore.add_argument(
        "--max-states", type=int, default=2_000_000, help="stop after this many states (default 2,000,000)"
    )
    explore.add_argument("--seed", type=int, default=1, help="seed for sampled shares, when sampling is needed")
    return parser


def cmd_check(args: argparse.Namespace) -> int:
    from .check import check_story

    story, diagnostics = read_story(args.story)
    if story is not None and not has_errors(diagnostics):
        diagnostics = diagnostics + check_story(story)
    if args.json:
        print(to_json(diagnostics))
    else:
        for d in sorted(diagnostics, key=sort_key):
            print(d.format())
        errors = sum(1 for d in diagnostics if d.severity is Severity.ERROR)
        warnings = len(diagnostics) - errors
        if story is not None and not diagnostics:
            print(f"{story.title}: {len(story.scenes)} scenes, {len(story.endings)} endings; no problems found.")
        else:
            print(f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}.")
    return EXIT_ERROR if has_errors(diagnostics) else EXIT_OK


def cmd_explore(args: argparse.Namespace) -> int:
    from .explore import explore
    from .report import format_report

    story = load_story(args.story)
    report = explore(story, max_states=args.max_states, seed=args.seed)
    if args.json:
        print(json.dumps(report.to_data(), indent=2))
    else:
        print(format_report(story, report))
    return EXIT_OK if report.ok else EXIT_ERROR


def cmd_play(args: argparse.Namespace) -> int:
    story = load_story(args.story or bundled_story())
    interactive = sys.stdin.isatty() and sys.stdout.isatty()
    plain = args.plain or not interactive or bool(os.environ.get("NO_COLOR"))
    if plain or not interactive:
        from .play import plain as plain_play

        width = args.width if args.width > 0 else 72
        return plain_play.run(story, sys.stdin, sys.stdout, width)
    from .play import fancy

    return fancy.run(story, width=args.width)


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    words = list(sys.argv[1:] if argv is None else argv)
    if not words or (words[0] not in COMMANDS and words[0] not in ("-h", "--help")):
        words = ["play", *words]
    args = parser.parse_args(words)
    handlers = {"play": cmd_play, "check": cmd_check, "explore": cmd_explore}
    try:
        return handlers[args.command](args)
    except StoryError as exc:
        for d in exc.diagnostics:
            print(d.format(), file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except Exception as exc:
        if os.environ.get("IFENGINE_DEBUG"):
            raise
        print(
            f"ifengine: internal error: {type(exc).__name__}: {exc} (set IFENGINE_DEBUG=1 for details, and please report it)",
            file=sys.stderr,
        )
        return EXIT_ERROR


def run() -> None:
    sys.exit(main())
