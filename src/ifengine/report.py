"""The explorer's report as text for authors."""

from __future__ import annotations

from .explorer import Report
from .model import Story


def _steps(story: Story, keys: list[str]) -> str:
    if not keys:
        return "(at the start)"
    return " > ".join(keys)


def _assumptions(story: Story, report: Report) -> list[str]:
    """One line per broken or unsettled `assumes:`, located at it, with the shortest path that breaks it."""
    verdicts = report.assumptions
    if not verdicts:
        return []
    proven = sum(v.verdict == "proven" for v in verdicts)
    lines = [f"Assumptions: {proven} of {len(verdicts)} proven."]
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
    lines = [f"Explored {story.title}: {report.states:,} distinct states."]
    if not report.complete:
        lines.append(
            f"LIMIT REACHED: stopped after {report.limit:,} states; the results below are incomplete "
            "(raise --max-states, or give fewer variables a say in the same scenes)."
        )
    lines.append("")
    lines.append(
        f"Endings ({len(report.ending_paths)} of {len(story.endings)} reachable; shares {report.share_method}):"
    )
    for ending in story.endings.values():
        path = report.ending_paths.get(ending.id)
        share = report.shares.get(ending.id)
        share_text = f"{share * 100:5.1f}%" if share is not None else "    -"
        if path is None:
            lines.append(f"  UNREACHABLE  {ending.id}: {ending.title}")
        else:
            lines.append(f"  {share_text}  {ending.id}: {ending.title} (shortest: {len(path)} choices)")
            lines.append(f"           {_steps(story, path)}")
    if report.stuck_share:
        lines.append(f"  {report.stuck_share * 100:5.1f}%  (stuck in a dead end)")
    if report.shortest and report.loops:
        lines.append(
            f"Playthroughs take at least {report.shortest} choices, and a game can go on without end:"
            " some choices lead back to a state already passed."
        )
    elif report.shortest:
        lines.append(f"Playthroughs take {report.shortest} to {report.longest} choices.")
    lines.append("")
    reached = len(story.scenes) - len(report.unreached_scenes)
    lines.append(f"Scenes: {reached} of {len(story.scenes)} reachable.")
    for sid in report.unreached_scenes:
        scene = story.scenes[sid]
        lines.append(f"  {scene.pos}: scene '{sid}' is never reached in real play")
    total = len(story.all_choices())
    lines.append(f"Choices: {total - len(report.never_open)} of {total} can be taken.")
    for key in report.never_open:
        choice = story.choice(key)
        if choice is not None:
            lines.append(f"  {choice.pos}: choice '{key}' is never open in real play")
    if report.dead_ends:
        lines.append(
            f"Dead ends (a scene with no open choice): {len(report.dead_ends)}{'+' if len(report.dead_ends) >= 20 else ''}"
        )
        for scene_id, path in report.dead_ends[:5]:
            lines.append(f"  {story.scenes[scene_id].pos}: stuck in '{scene_id}' after {_steps(story, path)}")
    lines += _assumptions(story, report)
    for err in report.errors:
        lines.append(f"error: {err}")
    lines.append("")
    lines.append("OK: every ending and scene is reachable." if report.ok else "FAILED: see above.")
    return "\n".join(lines)
