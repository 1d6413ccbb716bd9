"""The `ifengine` command: parse arguments, call the library, print, set the exit code.

Exit codes: 0 ok, 1 story or input errors, 2 usage, 3 `explore` incomplete
(a budget stopped it before every item got a verdict). Every failure a user can
cause is reported in one line; a traceback means a bug in ifengine.
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import json
import os
import re
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from . import startup
from .diagnostics import Severity, StoryError, has_errors, sort_key, to_json
from .loader import load_story, read_story, story_root
from .play.terminal import SafeStream, safe_json

if TYPE_CHECKING:
    from .budget import StopReason

EXIT_OK, EXIT_ERROR, EXIT_USAGE, EXIT_INCOMPLETE = 0, 1, 2, 3
_OUTPUT_ERRORS = (errno.EPIPE, errno.ENOSPC, errno.EBADF, errno.EIO)


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def _positive_seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of seconds, got {text!r}") from None
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"must be a positive number of seconds, got {text}")
    return value


_UNITS = {"": 1, "b": 1, "k": 2**10, "m": 2**20, "g": 2**30}


def _memory_size(text: str) -> int:
    """A size such as 512M, 2G or 2GiB (powers of 1,024)."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(?:([kmg])(?:i?b)?|(b))?\s*", text, re.IGNORECASE)
    if match is None:
        raise argparse.ArgumentTypeError(f"expected a size such as 512M or 2G, got {text!r}")
    value = int(float(match.group(1)) * _UNITS[(match.group(2) or match.group(3) or "").lower()])
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be a positive size such as 512M or 2G, got {text!r}")
    return value


def _add_budget_flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--max-states",
        type=_positive_int,
        default=2_000_000,
        help="stop the search after this many states (default 2,000,000)",
    )
    parser.add_argument(
        "--max-seconds",
        type=_positive_seconds,
        default=60.0,
        help="time budget in seconds for the whole run: proofs, search and the methods after it (default 60)",
    )
    parser.add_argument(
        "--max-memory",
        type=_memory_size,
        default=2 * 2**30,
        metavar="SIZE",
        help="memory budget such as 512M or 2G (default 2G)",
    )
    parser.add_argument(
        "--seed", type=int, default=1, help="seed for random play (sampled shares, witnesses after a stop)"
    )


def _explore_budget(args: argparse.Namespace) -> Callable[[str], StopReason]:
    """Stop tests for the explorer's phases: the proofs of `assumes:` before the search get 10% of the time, the
    search 80%, the later phases the rest."""
    import time

    from .budget import TIME_HEADROOM, Limits, budget_check

    started = time.monotonic()

    def phase(name: str) -> StopReason:
        spent = time.monotonic() - started
        if name == "search":
            return budget_check(Limits(0.8 * args.max_seconds, args.max_memory), time.monotonic, _memory_in_use)
        if name == "assumptions":  # the proofs before the search: a tenth, so that they never starve it
            return budget_check(Limits(0.1 * args.max_seconds, args.max_memory), time.monotonic, _memory_in_use)
        # Later phases need little memory, but the search may leave the process near the budget
        # (freed memory is not always given back): they count what they add, up to what is left,
        # and at least an eighth of the budget, so a search stopped by memory still gets its proofs.
        base = _memory_in_use()
        allowance = max(args.max_memory - base, args.max_memory // 8)
        # Each stops by the same deadline, the whole budget less its headroom, however late it starts:
        # a headroom taken from what is left would shrink with each phase, and the report come late.
        left = max(args.max_seconds * TIME_HEADROOM - spent, 0.0)
        return budget_check(Limits(left, allowance), time.monotonic, lambda: _memory_in_use() - base, headroom=1.0)

    return phase


def _memory_in_use() -> int:
    """Resident memory of this process in bytes: cheap (one small /proc read), 0 where unknown."""
    try:
        with open("/proc/self/statm", "rb") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def bundled_story() -> str:
    """The story shipped with ifengine: inside the wheel, or in a source checkout."""
    from .checked import bundled_folders

    folders = bundled_folders()
    for folder in folders:
        candidate = os.path.join(folder, DEFAULT_STORY)
        if os.path.isfile(os.path.join(candidate, "story.yaml")):
            return candidate
    return os.path.join(folders[0], DEFAULT_STORY)


DEFAULT_STORY = "no-one-saw-us-leave"
COMMANDS = ("play", "check", "explore", "graph", "stats", "new", "replay", "schema", "guide")


def _parser(playing: bool = False) -> argparse.ArgumentParser:
    """The command line; when `playing`, only `play` is built (its usage and errors read the same)."""
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
    play.add_argument("--saves", metavar="DIR", help="the saves folder (default: $IFENGINE_SAVES, else ./saves)")
    play.add_argument("--continue", dest="resume", action="store_true", help="resume the most recent save")
    play.add_argument("--record", metavar="FILE", help="write the choices taken to FILE (YAML), for ifengine replay")
    play.add_argument("--watch", action="store_true", help="reload the story when one of its files changes")
    if playing:  # the rest costs a millisecond of every start
        return parser
    check = sub.add_parser("check", help="report every problem in a story, with file:line:col")
    check.add_argument("story", help="a story folder or its story.yaml")
    check.add_argument("--json", action="store_true", help="print the diagnostics as JSON")
    explore = sub.add_parser(
        "explore",
        help="play every possible game; prove what is reachable",
        description="Give every scene, choice and ending a verdict: reachable (with the shortest path found), "
        "unreachable (proven), or unknown (a budget stopped the search first).",
        epilog="Exit codes: 0 everything reachable; 1 something proven unreachable, or an error in play; "
        "3 incomplete: a budget stopped the search and some items are unknown.",
    )
    explore.add_argument("story", help="a story folder or its story.yaml")
    explore.add_argument("--json", action="store_true", help="print the report as JSON")
    _add_budget_flags(explore)
    _add_tool_commands(sub)
    return parser


def cmd_check(args: argparse.Namespace) -> int:
    from .check import check_story

    story, diagnostics = read_story(args.story)
    if story is not None and not has_errors(diagnostics):
        diagnostics = diagnostics + check_story(story)
    if args.json:
        print(safe_json(to_json(diagnostics)))
    else:
        for d in sorted(diagnostics, key=sort_key):
            print(d.format())
        errors = sum(1 for d in diagnostics if d.severity is Severity.ERROR)
        warnings = len(diagnostics) - errors
        if story is not None and not diagnostics:
            scenes, endings = len(story.scenes), len(story.endings)
            print(
                f"{story.title}: {scenes} scene{'s' * (scenes != 1)}, "
                f"{endings} ending{'s' * (endings != 1)}; no problems found."
            )
        else:
            print(f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}.")
    return EXIT_ERROR if has_errors(diagnostics) else EXIT_OK


def cmd_explore(args: argparse.Namespace) -> int:
    from .explorer import explore
    from .report import format_report

    story = load_story(args.story)
    report = explore(story, max_states=args.max_states, seed=args.seed, budget=_explore_budget(args))
    if args.json:
        print(safe_json(json.dumps(report.to_data(), indent=2)))
    else:
        print(format_report(story, report))
    if report.proven_failure:
        return EXIT_ERROR
    return EXIT_OK if report.ok else EXIT_INCOMPLETE


def cmd_play(args: argparse.Namespace) -> int:
    startup.pause()  # until the prompt is live: see startup.py
    try:
        from .play.launch import PlayError, PlayOptions, load, play

        options = PlayOptions(args.plain, args.width, args.saves, args.resume, args.record, args.watch)
        story = load(args.story or bundled_story(), options)
        try:
            return play(story, options)
        except PlayError as exc:
            print(f"ifengine: {exc}", file=sys.stderr)
            return EXIT_ERROR
    finally:
        startup.settle()


# --- tools for authors: graph, stats, new, replay, schema ---------------------------


def _add_tool_commands(sub: argparse._SubParsersAction) -> None:
    graph = sub.add_parser("graph", help="the story map: scenes, choices and endings as DOT, Mermaid or SVG")
    graph.add_argument("story", help="a story folder or its story.yaml")
    graph.add_argument("--format", choices=("dot", "mermaid", "svg"), default="dot", help="output format (default dot)")
    graph.add_argument(
        "-o", "--output", metavar="FILE", help="write the map to FILE (nothing is written if it cannot be drawn)"
    )
    _add_budget_flags(graph)
    graph.add_argument("--no-explore", action="store_true", help="flag only scenes no link leads to (fast)")
    stats = sub.add_parser("stats", help="scenes, choices and words per episode; where each variable is used")
    stats.add_argument("story", help="a story folder or its story.yaml")
    stats.add_argument("--json", action="store_true", help="print the statistics as JSON")
    stats.add_argument(
        "--play",
        metavar="N",
        type=_positive_int,
        help="also play N random games and measure the prose: words per game, conditional text, identical text",
    )
    stats.add_argument("--seed", type=int, default=1, help="seed for the random games of --play (default 1)")
    new = sub.add_parser("new", help="start a new story: a small complete example to rewrite")
    new.add_argument("folder", help="where to write it (created if needed; existing files are never overwritten)")
    replay = sub.add_parser("replay", help="replay recorded playthroughs against the current story")
    replay.add_argument("recordings", help="a recording file, or a folder of them (a regression suite)")
    replay.add_argument("--story", help="the story folder (default: the nearest one above the recording)")
    replay.add_argument("--expect-ending", metavar="ID", help="fail unless every replay ends with this ending")
    sub.add_parser("schema", help="print the JSON Schema of story files, for editors")
    guide = sub.add_parser("guide", help="the author's guide (paged in a terminal); TOPIC prints one section")
    guide.add_argument("topic", nargs="*", help="words of a section heading, e.g. routes or 'state variables'")
    guide.add_argument("--topics", action="store_true", help="list the section headings")


def cmd_graph(args: argparse.Namespace) -> int:
    from .graph import GraphvizFailed, GraphvizMissing, explored_map, to_dot, to_mermaid, to_svg

    story = load_story(args.story)
    story_map = explored_map(story, None if args.no_explore else args.max_states, _explore_budget(args), args.seed)
    if args.format == "mermaid":
        return _write_map(to_mermaid(story_map), args.output)
    dot = to_dot(story_map)
    if args.format == "dot":
        return _write_map(dot, args.output)
    try:
        return _write_map(to_svg(dot), args.output)
    except GraphvizMissing:
        print(
            "ifengine: --format svg needs Graphviz's dot program, which is not installed; nothing was written "
            "(install the graphviz package, or use --format dot or mermaid)",
            file=sys.stderr,
        )
        return EXIT_ERROR
    except GraphvizFailed as exc:
        print(f"ifengine: Graphviz could not draw the map: {exc}; nothing was written", file=sys.stderr)
        return EXIT_ERROR


def _write_map(text: str, output: str | None) -> int:
    """To standard output, or whole to FILE (atomically, so a failure never leaves a partial map)."""
    if output is None:
        sys.stdout.write(text)
        return EXIT_OK
    from .atomic import write_atomically

    try:
        write_atomically(output, text)
    except OSError as exc:
        print(f"ifengine: cannot write {output}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_ERROR
    print(f"wrote {output}", file=sys.stderr)
    return EXIT_OK


def cmd_stats(args: argparse.Namespace) -> int:
    from .stats import format_stats, story_stats

    story = load_story(args.story)
    stats = story_stats(story)
    data = stats.to_data(story)
    text = format_stats(story, stats)
    if args.play:
        from .variation import format_variation, measure, to_data

        variation = measure(story, args.play, args.seed)
        data["playthroughs"] = to_data(variation)
        text += "\n\n" + format_variation(variation)
    print(safe_json(json.dumps(data, indent=2, ensure_ascii=False)) if args.json else text)
    return EXIT_OK


def cmd_new(args: argparse.Namespace) -> int:
    from .scaffold import ScaffoldError, create_story

    try:
        written = create_story(args.folder)
    except ScaffoldError as exc:
        print(f"ifengine: {exc}", file=sys.stderr)
        return EXIT_ERROR
    for path in written:
        print(f"wrote {path}")
    print("The author's guide: ifengine guide   (one section: ifengine guide TOPIC, e.g. ifengine guide routes)")
    print(f"Next: ifengine play {args.folder}   (then check, explore, graph, and replay {args.folder}/recordings)")
    return EXIT_OK


def cmd_guide(args: argparse.Namespace) -> int:
    from .guide import TopicNotFound, find_section, guide_text, topics

    text = guide_text()
    if args.topics:
        print("\n".join(topics(text)))
        return EXIT_OK
    if args.topic:
        try:
            text = find_section(text, " ".join(args.topic)).text
        except TopicNotFound as exc:
            print(f"ifengine: {exc}", file=sys.stderr)
            return EXIT_ERROR
    if sys.stdout.isatty():
        # The standard library's pager ($PAGER, else less or more), as rich's pager uses; plain text, no markup.
        import pydoc

        pydoc.pager(text)
    else:
        sys.stdout.write(text)
    return EXIT_OK


def cmd_replay(args: argparse.Namespace) -> int:
    from .replaying import StoryFinder, recording_files, replay_all

    target = args.recordings
    if os.path.isdir(target):
        if os.path.isfile(os.path.join(target, "story.yaml")):
            print(f"ifengine: {target} is a story folder; give a recording or a folder of recordings", file=sys.stderr)
            return EXIT_ERROR
        paths = recording_files(target)
        if not paths:
            print(f"ifengine: no recordings (.yaml files) in {target}", file=sys.stderr)
            return EXIT_ERROR
    elif os.path.isfile(target):
        paths = [target]
    else:
        print(f"ifengine: {target}: no such file or folder", file=sys.stderr)
        return EXIT_ERROR
    if args.story is not None and not os.path.isdir(story_root(args.story)):
        print(f"ifengine: {args.story}: no such story folder", file=sys.stderr)
        return EXIT_ERROR
    finder = StoryFinder(args.story, _bundled_stories())
    failed = 0
    for outcome in replay_all(paths, finder, args.expect_ending):
        print(outcome.format())
        failed += not outcome.ok
    if os.path.isdir(target):
        print(f"{len(paths)} recording{'s' * (len(paths) != 1)}: {len(paths) - failed} passed, {failed} failed.")
    return EXIT_ERROR if failed else EXIT_OK


def _bundled_stories() -> list[str]:
    root = os.path.dirname(bundled_story())
    return sorted(os.path.join(root, name) for name in os.listdir(root)) if os.path.isdir(root) else []


def cmd_schema(args: argparse.Namespace) -> int:
    from .jsonschema import schema_text

    sys.stdout.write(schema_text())
    return EXIT_OK


def _tolerant_streams() -> str | None:
    """Make stdout and stderr degrade instead of crash: a character the locale cannot show
    becomes `?`. Returns why output is impossible (stdout closed), or None."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            with contextlib.suppress(OSError, ValueError):
                reconfigure(errors="replace")
    if sys.stdout is None:
        return "standard output is closed; nothing can be shown"
    return None


def _output_failed(exc: OSError) -> int:
    """Standard output went away (closed, a full disk, a reader that left): one line, no traceback."""
    with contextlib.suppress(OSError):  # so the interpreter's final flush cannot fail again
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115
    _say(f"ifengine: cannot write the output: {exc.strerror or exc}")
    return EXIT_ERROR


def _say(line: str) -> None:
    """One line on stderr, if stderr works at all."""
    with contextlib.suppress(OSError, AttributeError, ValueError):
        print(line, file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    closed = _tolerant_streams()
    if closed:
        _say(f"ifengine: {closed}")
        return EXIT_ERROR
    stdout, stderr = sys.stdout, sys.stderr
    # The output layer: no command but play (whose front ends escape their own content, and whose
    # rich page sends its styling raw) writes a control character to the terminal.
    if not _plays(argv):
        sys.stdout = SafeStream(stdout)
    sys.stderr = SafeStream(stderr)
    try:
        code = _main(argv)
        sys.stdout.flush()
    except OSError as exc:
        return _output_failed(exc)
    finally:
        startup.settle()  # whatever happened, the collector is running again
        if isinstance(sys.stdout, SafeStream):
            sys.stdout = stdout
        sys.stderr = stderr
    return code


def _plays(argv: Sequence[str] | None) -> bool:
    words = list(sys.argv[1:] if argv is None else argv)
    return not words or words[0] not in COMMANDS or words[0] == "play"


def _main(argv: Sequence[str] | None = None) -> int:
    words = list(sys.argv[1:] if argv is None else argv)
    first = words[0] if words else ""
    if first and first not in COMMANDS and not first.startswith("-") and not os.path.exists(first):
        # Neither a command nor a story folder: most likely a mistyped command.
        from .diagnostics import suggest

        hint = suggest(first, COMMANDS) or "commands: " + ", ".join(COMMANDS)
        _parser().error(f"'{first}' is neither a command nor a story folder ({hint})")
    if not words or (first not in COMMANDS and first not in ("-h", "--help")):
        words = ["play", *words]
    args = _parser(playing=words[0] == "play").parse_args(words)
    if args.command != "play":
        startup.settle()  # the `ifengine` command paused the collector for its imports (command.py)
    handlers = {
        "play": cmd_play,
        "check": cmd_check,
        "explore": cmd_explore,
        "graph": cmd_graph,
        "stats": cmd_stats,
        "new": cmd_new,
        "replay": cmd_replay,
        "schema": cmd_schema,
        "guide": cmd_guide,
    }
    try:
        return handlers[args.command](args)
    except StoryError as exc:
        for d in exc.diagnostics:
            print(d.format(), file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("", file=sys.stderr)
        return 130
    except OSError as exc:
        if exc.errno in _OUTPUT_ERRORS:
            return _output_failed(exc)
        return _internal_error(exc)
    except Exception as exc:
        return _internal_error(exc)


def _internal_error(exc: Exception) -> int:
    if os.environ.get("IFENGINE_DEBUG"):
        raise exc
    _say(
        f"ifengine: internal error: {type(exc).__name__}: {exc} (set IFENGINE_DEBUG=1 for details, and please report it)"
    )
    return EXIT_ERROR


def run() -> None:
    """Run the command (the installed `ifengine` starts through `command.run`, which first pauses the collector)."""
    sys.exit(main())
