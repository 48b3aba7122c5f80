"""A writer's messages over time: per channel counts, flags over time, first and last contact, gaps, bursts.

A burst is several messages close together (three or more within a week by default): an "energy burst" is
one of Meloy's warning behaviours, and a sudden run of letters is what an analyst should see at a glance.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from stagedoor.domain import Category, Channel, Severity
from stagedoor.people.history import HistoryItem

BURST_WINDOW = timedelta(days=7)
BURST_MIN = 3
GAP_MIN = timedelta(days=30)


@dataclass(frozen=True)
class Point:
    message_id: str
    when: datetime
    channel: Channel
    severity: Severity
    categories: tuple[Category, ...]


@dataclass(frozen=True)
class Span:
    """A stretch of time: a burst (with the messages in it) or a silent gap."""

    start: datetime
    end: datetime
    message_ids: tuple[str, ...] = ()

    @property
    def days(self) -> float:
        return (self.end - self.start).total_seconds() / 86400


@dataclass(frozen=True)
class Timeline:
    points: tuple[Point, ...]
    per_channel: dict[Channel, int]
    flagged: int
    """Messages with a flag at concern or above."""
    undated: int
    bursts: tuple[Span, ...]
    gaps: tuple[Span, ...]

    @property
    def first(self) -> datetime | None:
        return self.points[0].when if self.points else None

    @property
    def last(self) -> datetime | None:
        return self.points[-1].when if self.points else None

    @property
    def span_days(self) -> float:
        return (self.last - self.first).total_seconds() / 86400 if self.first and self.last else 0.0


def build(items: Sequence[HistoryItem]) -> Timeline:
    dated = sorted((i for i in items if i.received_at), key=lambda i: i.received_at or datetime.min)
    points = tuple(
        Point(
            i.message_id,
            i.received_at,
            i.channel,
            i.severity,
            tuple(dict.fromkeys(f.category for f in i.flags if f.severity >= Severity.CONCERN)),
        )
        for i in dated
        if i.received_at
    )
    return Timeline(
        points=points,
        per_channel=dict(Counter(i.channel for i in items)),
        flagged=sum(1 for i in items if i.severity >= Severity.CONCERN),
        undated=len(items) - len(points),
        bursts=bursts(points),
        gaps=gaps(points),
    )


def bursts(
    points: Sequence[Point], window: timedelta = BURST_WINDOW, least: int = BURST_MIN
) -> tuple[Span, ...]:
    """Maximal runs where every message falls within `window` of the run's first: greedy, left to right."""
    out: list[Span] = []
    i = 0
    while i < len(points):
        j = i
        while j + 1 < len(points) and points[j + 1].when - points[i].when <= window:
            j += 1
        if j - i + 1 >= least:
            run = points[i : j + 1]
            out.append(Span(run[0].when, run[-1].when, tuple(p.message_id for p in run)))
            i = j + 1
        else:
            i += 1
    return tuple(out)


def gaps(points: Sequence[Point], least: timedelta = GAP_MIN) -> tuple[Span, ...]:
    """Silences of at least `least` between consecutive messages, longest first."""
    found = [Span(a.when, b.when) for a, b in itertools.pairwise(points) if b.when - a.when >= least]
    return tuple(sorted(found, key=lambda s: -s.days))
