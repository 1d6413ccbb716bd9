"""The explorer's report as text for authors."""

from __future__ import annotations

from .explorer import Report
from .model import Story
from .verdicts import ABSTRACT, BACKWARD, EXHAUSTIVE
from .words import count

MAX_SHOWN_STEPS = 40  # a longer path is cut in the middle; --json keeps it whole


def _steps(story: Story, keys: list[str]) -> str:
    if not keys:
        return "(at the start)"
    if len(keys) <= MAX_SHOWN_STEPS:
        return " > ".join(keys)
    half = MAX_SHOWN_STEPS // 2
    hidden = len(keys) - 2 * half
    return " > ".join([*keys[:half], f"... {hidden:,} more choices (--json has them all) ...", *keys[-half:]])


def _unknown(report: Report, kind: str) -> str:
    count = len(report.unknown(kind))
    return f", {count} unknown" if count else ""


def _method(report: Report, kind: str, item: str) -> str:
    """The exhaustive search finds shortest paths; other methods find some path."""
    verdict = report.verdicts.items.get(kind, {}).get(item)
    return f"a path found by {verdict.method}" if verdict and verdict.method != EXHAUSTIVE else "shortest"


def _list_unknown(lines: list[str], items: list[str], what: str, shown: int = 10) -> None:
    for item in items[:shown]:
        lines.append(f"  {what} '{item}': unknown (not reached before the search stopped)")
    if len(items) > shown:
        lines.append(f"  ... and {len(items) - shown} more unknown {what}s (--json lists them all)")


def _settled_by(report: Report) -> str:
    """How many scenes, choices and endings each method settled, and how many none did."""
    tally = report.verdicts.methods()
    unknown = sum(len(report.unknown(kind)) for kind in ("scenes", "choices", "endings"))
    parts = [f"{n:,} by {method}" for method, n in sorted(tally.items(), key=lambda kv: -kv[1])]
    return f"Verdicts: {', '.join(parts) or 'none'}; {unknown:,} unknown."


def _proof(report: Report, kind: str, item: str) -> str:
    """How an unreachable item was proven, when it was not by the exhaustive search."""
    verdict = report.verdicts.items.get(kind, {}).get(item)
    return f" (proven by {verdict.method})" if verdict and verdict.method != EXHAUSTIVE else ""


def _assumptions(story: Story, report: Report) -> list[str]:
    """One line per broken or unsettled `assumes:`, located at it, with the shortest path that breaks it."""
    verdicts = report.assumptions
    if not verdicts:
        return []
    proven = sum(v.verdict == "proven" for v in verdicts)
    before = [(method, sum(v.method == method for v in verdicts)) for method in (ABSTRACT, BACKWARD)]
    early = [f"{n} by {method}" for method, n in before if n]
    how = f" ({', '.join(early)}, before the search)" if early else ""
    lines = [f"Assumptions: {proven} of {len(verdicts)} proven{how}."]
    for v in verdicts:
        a = v.assumption
        if v.verdict == "broken":
            when = f"after {_steps(story, v.path)}" if v.path else "at the start"
            lines.append(f"  {a.pos}: {a.where} assumes '{a.source}', which fails {when}")
        elif v.verdict == "unknown":
            lines.append(
                f"  {a.pos}: {a.where} assumes '{a.source}': unknown (held in all {v.checked:,} checks,"
                " but the search stopped early)"
            )
    return lines


def format_report(story: Story, report: Report) -> str:
    lines = [f"Explored {story.title}: {count(report.states, 'distinct state')}."]
    if not report.complete:
        lines.append(
            f"INCOMPLETE: the search was stopped by the {report.stopped_by} after {count(report.states, 'state')}; "
            "what it did not reach is unknown, not unreachable (raise --max-states, --max-seconds or "
            "--max-memory, or give fewer variables a say in the same scenes)."
        )
        if report.sample_games:
            lines.append(
                f"Random play then tried {count(report.sample_games, 'game')} (seed {report.sample_seed},"
                f" {report.sample_ended:,} ended) to find paths to the rest."
            )
        lines.append(_settled_by(report))
    lines.append("")
    lines.append(
        f"Endings ({len(report.ending_paths)} of {len(story.endings)} reachable{_unknown(report, 'endings')};"
        f" shares {report.share_method}):"
    )
    for ending in story.endings.values():
        path = report.ending_paths.get(ending.id)
        share = report.shares.get(ending.id)
        share_text = f"{share * 100:5.1f}%" if share is not None else "    -"
        if path is None:
            status = "UNREACHABLE" if ending.id in report.unreached_endings else "    UNKNOWN"
            lines.append(f"  {status}  {ending.id}: {ending.title}")
        else:
            found = _method(report, "endings", ending.id)
            lines.append(f"  {share_text}  {ending.id}: {ending.title} ({found}: {count(len(path), 'choice')})")
            lines.append(f"           {_steps(story, path)}")
    if report.stuck_share:
        lines.append(f"  {report.stuck_share * 100:5.1f}%  (stuck in a dead end)")
    if report.shortest and report.loops:
        lines.append(
            f"Playthroughs take at least {count(report.shortest, 'choice')}, and a game can go on without end:"
            " some choices lead back to a state already passed."
        )
    elif report.shortest:
        lines.append(
            f"Playthroughs take {count(report.longest, 'choice')}."
            if report.shortest == report.longest
            else f"Playthroughs take {report.shortest} to {report.longest} choices."
        )
    lines.append("")
    unknown_scenes = report.unknown("scenes")
    reached = len(story.scenes) - len(report.unreached_scenes) - len(unknown_scenes)
    lines.append(f"Scenes: {reached} of {len(story.scenes)} reachable{_unknown(report, 'scenes')}.")
    for sid in report.unreached_scenes:
        scene = story.scenes[sid]
        lines.append(f"  {scene.pos}: scene '{sid}' is never reached in real play{_proof(report, 'scenes', sid)}")
    _list_unknown(lines, unknown_scenes, "scene")
    total = len(story.all_choices())
    taken = total - len(report.never_open) - len(report.unknown("choices"))
    lines.append(f"Choices: {taken} of {total} can be taken{_unknown(report, 'choices')}.")
    for key in report.never_open:
        choice = story.choice(key)
        if choice is not None:
            lines.append(f"  {choice.pos}: choice '{key}' is never open in real play{_proof(report, 'choices', key)}")
    _list_unknown(lines, report.unknown("choices"), "choice")
    if report.dead_ends:
        lines.append(
            f"Dead ends (a scene with no open choice): {len(report.dead_ends)}{'+' if len(report.dead_ends) >= 20 else ''}"
        )
        for scene_id, path in report.dead_ends[:5]:
            lines.append(f"  {story.scenes[scene_id].pos}: stuck in '{scene_id}' after {_steps(story, path)}")
        if len(report.dead_ends) > 5:
            more = len(report.dead_ends) - 5
            lines.append(f"  ... and {more}{'+' if len(report.dead_ends) >= 20 else ''} more (--json lists up to 20)")
    lines += _assumptions(story, report)
    for err in report.errors:
        lines.append(f"error: {err}")
    lines.append("")
    if report.proven_failure:
        lines.append("FAILED: see above.")
    elif report.ok:
        lines.append("OK: every ending, scene and choice is reachable.")
    else:
        lines.append("INCOMPLETE: nothing is proven unreachable, but some items are unknown (see above).")
    return "\n".join(lines)
