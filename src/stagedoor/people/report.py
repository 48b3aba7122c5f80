"""People records as plain JSON-able dicts: one shape for `stagedoor correspondent --json` and the /api/ twins."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from stagedoor.domain.people import EscalationAlert, IdentityEvent, LinkSuggestion
from stagedoor.people.escalation import Assessment, Step
from stagedoor.people.profile import Signal, WarningProfile
from stagedoor.people.timeline import Span, Timeline


def _time(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _span(s: Span) -> dict[str, Any]:
    return {
        "start": _time(s.start),
        "end": _time(s.end),
        "days": round(s.days, 1),
        "message_ids": list(s.message_ids),
    }


def timeline(t: Timeline) -> dict[str, Any]:
    return {
        "first_contact": _time(t.first),
        "last_contact": _time(t.last),
        "span_days": round(t.span_days, 1),
        "per_channel": {c.value: n for c, n in t.per_channel.items()},
        "flagged_messages": t.flagged,
        "undated_messages": t.undated,
        "bursts": [_span(b) for b in t.bursts],
        "gaps": [_span(g) for g in t.gaps],
        "points": [
            {
                "message_id": p.message_id,
                "when": _time(p.when),
                "channel": p.channel.value,
                "severity": p.severity.value,
                "categories": [c.value for c in p.categories],
            }
            for p in t.points
        ],
    }


def _signal(s: Signal) -> dict[str, Any]:
    return {
        "label": s.label,
        "present": s.present,
        "message_ids": list(s.message_ids),
        "quotes": list(s.quotes),
    }


def profile(p: WarningProfile) -> dict[str, Any]:
    return {
        "message_count": p.message_count,
        "span_days": round(p.span_days, 1),
        "channels": {c.value: n for c, n in p.channels.items()},
        "flagged": {c.value: n for c, n in p.flagged.items()},
        "features": {k: _signal(v) for k, v in p.features.items()},
        "warning_behaviours": {k: _signal(v) for k, v in p.behaviours.items()},
    }


def assessment(a: Assessment) -> dict[str, Any]:
    return {
        "level": a.level.value,
        "score": a.score,
        "artist_level": a.artist_level.value,
        "writer_level": a.writer_level.value,
        "reasons": list(a.reasons),
        "message_count": a.message_count,
        "latest_change": a.headline,
    }


def steps(s: list[Step]) -> list[dict[str, Any]]:
    return [{"message_id": x.message_id, "level": x.assessment.level.value} for x in s]


def suggestion(s: LinkSuggestion) -> dict[str, Any]:
    return {
        "id": s.id,
        "a": {"id": s.a_id, "name": s.a_name},
        "b": {"id": s.b_id, "name": s.b_name},
        "kind": s.kind.value,
        "why": s.kind.label,
        "score": s.score,
        "reason": s.reason,
        "evidence": list(s.evidence),
        "status": s.status.value,
        "created_at": _time(s.created_at),
        "decided_by": s.decided_by or None,
        "decided_at": _time(s.decided_at),
    }


def event(e: IdentityEvent) -> dict[str, Any]:
    return {
        "id": e.id,
        "kind": e.kind.value,
        "source_id": e.source_id,
        "target_id": e.target_id,
        "message_ids": list(e.message_ids),
        "by": e.actor,
        "at": _time(e.at),
        "note": e.note,
        "undone_at": _time(e.undone_at),
        "undone_by": e.undone_by or None,
    }


def alert(a: EscalationAlert) -> dict[str, Any]:
    return {
        "id": a.id,
        "correspondent_id": a.correspondent_id,
        "correspondent": a.display_name,
        "from_level": a.from_level.value,
        "to_level": a.to_level.value,
        "text": a.text,
        "message_id": a.message_id,
        "created_at": _time(a.created_at),
    }
