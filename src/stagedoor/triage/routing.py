"""Routes exactly as TAXONOMY.md says, and the queue order: severity, then score, then age."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from stagedoor.domain import Flag, Reading, Route, Severity, Side

ROUTE_THRESHOLD = Severity.CONCERN
_SIDE_ROUTE = {Side.ARTIST: Route.SECURITY, Side.WRITER: Route.WELFARE}


def routes_for(flags: tuple[Flag, ...] | list[Flag]) -> tuple[Route, ...]:
    """security and/or welfare for flags at concern or above; otherwise the artist's own inbox."""
    routes = {_SIDE_ROUTE[f.category.side] for f in flags if f.severity >= ROUTE_THRESHOLD}
    if not routes:
        return (Route.ARTIST,)
    return tuple(r for r in (Route.SECURITY, Route.WELFARE) if r in routes)


def alerts_for(flags: tuple[Flag, ...] | list[Flag]) -> tuple[Route, ...]:
    """Routes whose team must be alerted at once: an imminent flag on their side."""
    sides = {f.category.side for f in flags if f.severity == Severity.IMMINENT}
    return tuple(_SIDE_ROUTE[s] for s in (Side.ARTIST, Side.WRITER) if s in sides)


def triage(reading: Reading, partial: bool = False) -> Reading:
    """`partial`: part of the message could not be read yet (a scanned page waiting for a person). Then
    nothing reaches the artist's inbox: clearing mail needs all of it read. Flags still route as usual."""
    routes = routes_for(reading.flags)
    if partial and routes == (Route.ARTIST,):
        routes = ()
    return replace(reading, routes=routes)


def priority_key(severity: Severity, score: float, received_at: datetime | None) -> tuple[int, float, float]:
    """Sort ascending: most severe first, then highest score, then oldest (it has waited longest)."""
    age = received_at.timestamp() if received_at else float("inf")
    return (-severity.rank, -score, age)
