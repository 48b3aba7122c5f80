"""Correspondents across channels: links, merges and splits, timelines, profiles, escalation."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from stagedoor import jsonview
from stagedoor.domain import (
    CorrespondentFile,
    MessageRecord,
    Route,
)
from stagedoor.domain.people import (
    EscalationAlert,
    EscalationState,
    IdentityEvent,
    LinkStatus,
    LinkSuggestion,
)
from stagedoor.people import escalation, history, links, profile, timeline
from stagedoor.people import report as people_report
from stagedoor.people.escalation import Assessment, Step
from stagedoor.people.profile import WarningProfile
from stagedoor.people.timeline import Timeline
from stagedoor.services.core import Desk
from stagedoor.store.people import PeopleStore

MIN_ALERT_MESSAGES = 2
"""A one-message writer's level is that message's reading, already in the queues: no separate alert."""


@dataclass(frozen=True)
class Dossier:
    """One writer across channels: messages, timeline, warning profile, escalation, links, history of merges."""

    file: CorrespondentFile
    timeline: Timeline
    profile: WarningProfile
    escalation: Assessment
    steps: list[Step]
    suggestions: list[LinkSuggestion]
    events: list[IdentityEvent]
    alerts: list[EscalationAlert]
    merged_into: int | None = None
    hidden: int = 0
    """Messages from this writer that the viewer's role may not read, left out of everything above."""


@dataclass(frozen=True)
class PeopleRefresh:
    suggested: int
    alerts: int


def people_store(desk: Desk) -> PeopleStore:
    return PeopleStore(desk.store)


def _histories(desk: Desk, ids: list[int] | None = None) -> dict[int, list[history.HistoryItem]]:
    wanted = ids if ids is not None else [c.id for c in desk.store.correspondents(limit=10**9)]
    out = {}
    for cid in wanted:
        found = desk.store.correspondent(cid)
        if found is not None and found.messages:
            out[cid] = history.from_records(found.messages)
    return out


def refresh_people(desk: Desk, escalate: list[int] | None = None) -> PeopleRefresh:
    """Suggest links among everyone, and update the escalation of `escalate` (everyone when None)."""
    everyone = _histories(desk)
    pstore = people_store(desk)
    suggested = pstore.save_candidates(
        links.suggest([links.writer_of(cid, h) for cid, h in everyone.items()])
    )
    alerts = 0
    for cid in escalate if escalate is not None else list(everyone):
        items = everyone.get(cid, [])
        stored = pstore.escalation(cid) if escalate is None else None
        if stored is not None and stored.message_count == len(items):
            continue  # nothing new since the last decision
        alerts += _escalate(desk, pstore, cid, items)
    return PeopleRefresh(suggested, alerts)


def escalate_writer(desk: Desk, correspondent_id: int) -> int:
    """Update one writer's escalation (and alert on a rise) from their history alone: what a single new
    message needs at once. Link suggestions compare everyone, so they wait for the next refresh_people."""
    items = _histories(desk, [correspondent_id]).get(correspondent_id, [])
    return _escalate(desk, people_store(desk), correspondent_id, items)


def _escalate(desk: Desk, pstore: PeopleStore, cid: int, items: list[history.HistoryItem]) -> int:
    steps = escalation.stream(items)
    if not steps:
        return 0
    stored = pstore.escalation(cid)
    since = stored.level if stored else escalation.Severity.NONE
    name = desk.store.correspondent(cid)
    display = name.correspondent.display_name if name else str(cid)
    rises = [
        (
            before,
            step.assessment.level,
            escalation.alert_text(display, before, step.assessment),
            step.message_id,
        )
        for before, step in escalation.rises(steps, since)
        if step.assessment.message_count >= MIN_ALERT_MESSAGES
        and step.assessment.level >= escalation.Severity.CONCERN
    ]
    final = steps[-1].assessment
    state = EscalationState(cid, final.level, final.score, final.reasons, final.message_count, _now())
    saved = pstore.save_escalation(state, rises)
    _notify_rises(desk, cid, [step.assessment for before, step in escalation.rises(steps, since)])
    return saved


def _notify_rises(desk: Desk, cid: int, risen: list[Assessment]) -> None:
    """A correspondent rising to urgent or above notifies the team of the side that rose, at once (email,
    webhook); the outbox keys each (writer, level, team) so a re-run sends nothing twice."""
    from stagedoor.office import alerts  # office builds on services: imported here, not at the top

    for a in risen:
        if a.message_count < MIN_ALERT_MESSAGES or a.level < escalation.Severity.URGENT:
            continue
        for side_level, route in ((a.artist_level, Route.SECURITY), (a.writer_level, Route.WELFARE)):
            if side_level >= escalation.Severity.URGENT:
                alerts.correspondent_escalated(desk, cid, side_level, route)


def _now() -> datetime:
    return datetime.now(UTC)


def dossier(
    desk: Desk, correspondent_id: int, keep: Callable[[MessageRecord], bool] | None = None
) -> Dossier | None:
    """The writer's dossier; `keep` limits it to the messages a viewer may read (the rest are counted)."""
    pstore = people_store(desk)
    found = desk.store.correspondent(correspondent_id)
    if found is None:
        return None
    total = len(found.messages)
    if keep is not None:
        found = replace(found, messages=tuple(r for r in found.messages if keep(r)))
    items = history.from_records(found.messages)
    steps = escalation.stream(items)
    resolved = pstore.resolve(correspondent_id)
    return Dossier(
        file=found,
        timeline=timeline.build(items),
        profile=profile.build(items),
        escalation=steps[-1].assessment if steps else escalation.assess([]),
        steps=steps,
        suggestions=pstore.suggestions(correspondent_id=correspondent_id),
        events=pstore.events(correspondent_id),
        alerts=pstore.alerts(correspondent_id=correspondent_id, least=escalation.Severity.LOW),
        merged_into=resolved if resolved != correspondent_id else None,
        hidden=total - len(found.messages),
    )


def link_suggestions(desk: Desk, status: LinkStatus | None = LinkStatus.PENDING) -> list[LinkSuggestion]:
    return people_store(desk).suggestions(status=status)


def decide_link(
    desk: Desk, suggestion_id: int, confirm: bool, by: str
) -> tuple[LinkSuggestion, IdentityEvent | None]:
    """Confirm (merge the two) or reject a suggested link; who and when are recorded either way."""
    status = LinkStatus.CONFIRMED if confirm else LinkStatus.REJECTED
    decided, event = people_store(desk).decide(suggestion_id, status, by)
    if event is not None:
        refresh_people(desk, escalate=[event.target_id, event.source_id])
    return decided, event


def merge_correspondents(
    desk: Desk, target_id: int, source_id: int, by: str, note: str = ""
) -> IdentityEvent:
    event = people_store(desk).merge(target_id, source_id, by, note)
    refresh_people(desk, escalate=[target_id, source_id])
    return event


def split_correspondent(
    desk: Desk, source_id: int, message_ids: list[str], by: str, name: str = ""
) -> IdentityEvent:
    event = people_store(desk).split(source_id, message_ids, by, name)
    refresh_people(desk, escalate=[source_id, event.target_id])
    return event


def undo_identity_event(desk: Desk, event_id: int, by: str) -> IdentityEvent:
    event = people_store(desk).undo(event_id, by)
    refresh_people(desk, escalate=[event.source_id, event.target_id])
    return event


def escalation_levels(desk: Desk) -> dict[int, str]:
    """Each correspondent's stored level (as of the last ingest, merge or split), by id."""
    return people_store(desk).levels()


def escalation_alerts(desk: Desk, limit: int = 20) -> list[EscalationAlert]:
    return people_store(desk).alerts(limit=limit)


def dossier_json(d: Dossier) -> dict[str, object]:
    """The dossier as `stagedoor correspondent --json` prints it and /api/correspondents/ID returns it."""
    return {
        **jsonview.correspondent_file(d.file),
        "merged_into": d.merged_into,
        "escalation": people_report.assessment(d.escalation),
        "escalation_by_message": people_report.steps(d.steps),
        "timeline": people_report.timeline(d.timeline),
        "warning_profile": people_report.profile(d.profile),
        "link_suggestions": [people_report.suggestion(s) for s in d.suggestions],
        "merges_and_splits": [people_report.event(e) for e in d.events],
        "escalation_alerts": [people_report.alert(a) for a in d.alerts],
    }


def suggestion_json(s: LinkSuggestion) -> dict[str, object]:
    return people_report.suggestion(s)


def event_json(e: IdentityEvent) -> dict[str, object]:
    return people_report.event(e)


def alert_json(a: EscalationAlert) -> dict[str, object]:
    return people_report.alert(a)
