"""The correspondent timeline as a server-side SVG picture: one lane per channel, one dot per message
coloured by its severity, bursts shaded, and the correspondent's escalation level drawn as a step line.

Served from our own origin as image/svg+xml (the CSP allows only 'self' images; no script runs in an <img>).
Every piece of text is escaped; none of it is message text.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from xml.sax.saxutils import escape, quoteattr

from stagedoor.domain import Severity
from stagedoor.services import Dossier

COLOURS = {
    Severity.NONE: "#b9b7b0",
    Severity.LOW: "#5f6368",
    Severity.CONCERN: "#f0b400",
    Severity.URGENT: "#c4161c",
    Severity.IMMINENT: "#7a0010",
}
WIDTH, LEFT, RIGHT, TOP, LANE, LEVEL_H = 760, 90, 20, 20, 34, 90


def render(d: Dossier) -> str:
    points = d.timeline.points
    lanes = sorted({p.channel for p in points}, key=lambda c: c.value)
    height = TOP + LEVEL_H + 24 + LANE * max(1, len(lanes)) + 40
    title = f"Timeline of {d.file.correspondent.display_name}: {len(points)} dated messages"
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}" '
        f'role="img" aria-label={quoteattr(title)} font-family="sans-serif" font-size="12">',
        f"<title>{escape(title)}</title>",
        f'<rect width="{WIDTH}" height="{height}" fill="#ffffff"/>',
    ]
    if not points:
        out.append(f'<text x="{LEFT}" y="{TOP + 20}">No dated messages.</text></svg>')
        return "".join(out)
    start, end = points[0].when, points[-1].when
    if end - start < timedelta(days=1):
        start, end = start - timedelta(hours=12), end + timedelta(hours=12)
    span = (end - start).total_seconds()

    def x(when: datetime) -> float:
        return LEFT + (WIDTH - LEFT - RIGHT) * (when - start).total_seconds() / span

    lanes_top = TOP + LEVEL_H + 24
    for burst in d.timeline.bursts:
        x0, x1 = x(burst.start) - 6, x(burst.end) + 6
        out.append(
            f'<rect x="{x0:.1f}" y="{TOP}" width="{x1 - x0:.1f}" height="{lanes_top - TOP + LANE * len(lanes)}" '
            f'fill="#f0b400" fill-opacity="0.15"><title>burst: {len(burst.message_ids)} messages in '
            f"{max(1, round(burst.days))} days</title></rect>"
        )
    out.extend(_levels(d, x))
    for i, lane in enumerate(lanes):
        y = lanes_top + LANE * i + LANE / 2
        out.append(f'<text x="{LEFT - 10}" y="{y + 4:.1f}" text-anchor="end">{escape(lane.value)}</text>')
        out.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" stroke="#e4e3df"/>')
        for p in points:
            if p.channel != lane:
                continue
            what = ", ".join(c.label for c in p.categories) or "no flag at concern or above"
            tip = f"{p.when:%d %b %Y}: {p.severity.value} ({what})"
            r = 5 + p.severity.rank
            out.append(
                f'<circle cx="{x(p.when):.1f}" cy="{y:.1f}" r="{r}" fill="{COLOURS[p.severity]}" stroke="#1b1b1f" '
                f'stroke-width="0.5"><title>{escape(tip)}</title></circle>'
            )
    axis_y = lanes_top + LANE * len(lanes) + 16
    out.append(f'<text x="{LEFT}" y="{axis_y}">{start:%d %b %Y}</text>')
    out.append(f'<text x="{WIDTH - RIGHT}" y="{axis_y}" text-anchor="end">{end:%d %b %Y}</text>')
    out.append("</svg>")
    return "".join(out)


def _levels(d: Dossier, x: Callable[[datetime], float]) -> list[str]:
    """The escalation level after each message, as a step line over the five levels."""
    at = {p.message_id: p.when for p in d.timeline.points}
    out = []
    for rank in range(5):
        y = TOP + LEVEL_H - rank * (LEVEL_H / 4)
        level = Severity.from_rank(rank)
        out.append(
            f'<text x="{LEFT - 10}" y="{y + 4:.1f}" text-anchor="end" fill="#5f6368">{level.value}</text>'
        )
        out.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" stroke="#f1f0ec"/>')
    path: list[str] = []
    for step in d.steps:
        when = at.get(step.message_id)
        if when is None:
            continue
        y = TOP + LEVEL_H - step.assessment.level.rank * (LEVEL_H / 4)
        path.append(f"M{x(when):.1f} {y:.1f}" if not path else f"H{x(when):.1f} V{y:.1f}")
    if path:
        out.append(
            f'<path d="{" ".join(path)} H{WIDTH - RIGHT}" fill="none" stroke="#c4161c" stroke-width="2">'
            "<title>correspondent level after each message</title></path>"
        )
    return out
