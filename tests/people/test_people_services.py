"""The correspondent use-cases on SQLite and PostgreSQL: the demo's escalating writer after ingest, alerts and
suggestions raised once, and a confirmed alias that keeps every message."""

from __future__ import annotations

from typing import cast

from stagedoor import services
from stagedoor.domain import Severity
from stagedoor.domain.people import LinkStatus
from stagedoor.services import Desk


def test_demo_ingest_builds_the_dossier_and_reingest_adds_nothing(any_desk: object) -> None:
    desk = cast(Desk, any_desk)
    desk.settings, inputs = services.demo_settings(desk.settings)
    services.ingest_sources(desk, services.plan_ingest(inputs))
    [cid] = [c.id for c in services.correspondents(desk) if c.key == "email:celeste.moreau@example.net"]
    d = services.dossier(desk, cid)
    assert d is not None and d.escalation.level == Severity.IMMINENT
    assert {ch.value for ch in d.file.correspondent.channels} == {"email", "letter"}
    assert [a.to_level for a in d.alerts] == [Severity.IMMINENT, Severity.URGENT, Severity.CONCERN]
    alerts, links = services.escalation_alerts(desk, limit=500), services.link_suggestions(desk, None)
    total = desk.store.counts()["messages"]

    services.ingest_sources(desk, services.plan_ingest(inputs))
    assert services.escalation_alerts(desk, limit=500) == alerts
    assert services.link_suggestions(desk, None) == links

    [alias] = [s for s in links if cid in (s.a_id, s.b_id)]
    decided, event = services.decide_link(desk, alias.id, True, "Priya")
    assert decided.status == LinkStatus.CONFIRMED and event is not None and event.target_id == cid
    merged = services.dossier(desk, cid)
    assert merged is not None and merged.file.correspondent.message_count == 10
    assert desk.store.counts()["messages"] == total
    services.undo_identity_event(desk, event.id, "Priya")
    assert desk.store.counts()["messages"] == total
