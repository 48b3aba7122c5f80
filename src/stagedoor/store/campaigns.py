"""Campaign groups and MinHash sketches. The queue shows each group once, through its lead member."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from stagedoor.domain import MessageRecord
from stagedoor.store import mapping
from stagedoor.store.repository import Store
from stagedoor.store.tables import CampaignMemberRow, CampaignRow, MessageRow, MessageSketchRow, ReadingRow


@dataclass(frozen=True)
class CampaignInfo:
    id: int
    size: int


def _session(store: Store) -> Session:
    return Session(store.engine, expire_on_commit=False)


def sketches(
    store: Store, scheme: str, skip: set[str] | frozenset[str] = frozenset()
) -> Iterator[tuple[str, bytes]]:
    """Stored signatures, except those of the `skip` ids (already in the caller's index)."""
    having = (MessageSketchRow.scheme == scheme, MessageSketchRow.signature.is_not(None))
    with _session(store) as s:
        ids = [m for m in s.scalars(select(MessageSketchRow.message_id).where(*having)) if m not in skip]
    for start in range(0, len(ids), 500):
        with _session(store) as s:
            rows = s.execute(
                select(MessageSketchRow.message_id, MessageSketchRow.signature).where(
                    MessageSketchRow.message_id.in_(ids[start : start + 500])
                )
            ).all()
        for message_id, signature in rows:
            yield message_id, bytes(signature)


def unsketched(store: Store, scheme: str, batch: int = 500) -> Iterator[tuple[str, str]]:
    """(id, text) of messages with no sketch of this scheme, oldest first, in batches."""
    done = select(MessageSketchRow.message_id).where(MessageSketchRow.scheme == scheme).scalar_subquery()
    last = ""
    while True:
        with _session(store) as s:
            rows = s.execute(
                select(MessageRow.id, MessageRow.text)
                .where(MessageRow.id.not_in(done), MessageRow.id > last)
                .order_by(MessageRow.id)
                .limit(batch)
            ).all()
        if not rows:
            return
        yield from ((r[0], r[1]) for r in rows)
        last = rows[-1][0]


def save_sketch(store: Store, message_id: str, scheme: str, signature: bytes | None) -> None:
    with _session(store) as s:
        s.merge(MessageSketchRow(message_id=message_id, scheme=scheme, signature=signature))
        s.commit()


def attach(store: Store, message_id: str, matches: list[tuple[str, float]]) -> int:
    """Put a message and its near-duplicates in one campaign, in one transaction.

    The campaign is the oldest one any of them is in (others they bridge are merged into it), or a new one.
    """
    others = dict(matches)
    with _session(store) as s:
        rows = s.scalars(
            select(CampaignMemberRow).where(CampaignMemberRow.message_id.in_([message_id, *others]))
        ).all()
        existing = sorted({r.campaign_id for r in rows})
        if existing:
            target = existing[0]
            if gone := existing[1:]:
                s.execute(
                    update(CampaignMemberRow)
                    .where(CampaignMemberRow.campaign_id.in_(gone))
                    .values(campaign_id=target)
                )
                s.execute(delete(CampaignRow).where(CampaignRow.id.in_(gone)))
        else:
            campaign = CampaignRow(created_at=mapping.now())
            s.add(campaign)
            s.flush()
            target = campaign.id
        grouped = {r.message_id for r in rows}
        best = max(others.values(), default=1.0)
        for member, similarity in [(message_id, best), *others.items()]:
            if member not in grouped:
                s.add(CampaignMemberRow(message_id=member, campaign_id=target, similarity=similarity))
                grouped.add(member)
        s.commit()
        return target


def refresh_leads(store: Store) -> None:
    """Each campaign's lead is its most urgent member (triage order), so the queue never hides danger."""
    with _session(store) as s:
        rows = s.execute(
            select(CampaignMemberRow.campaign_id, CampaignMemberRow.message_id)
            .join(MessageRow, MessageRow.id == CampaignMemberRow.message_id)
            .outerjoin(ReadingRow, (ReadingRow.message_id == MessageRow.id) & ReadingRow.current.is_(True))
            .order_by(
                CampaignMemberRow.campaign_id,
                ReadingRow.severity_rank.desc().nulls_last(),
                ReadingRow.score.desc().nulls_last(),
                MessageRow.received_at.asc().nulls_last(),
                MessageRow.id,
            )
        ).all()
        leads: dict[int, str] = {}
        for campaign_id, message_id in rows:
            leads.setdefault(campaign_id, message_id)
        s.execute(update(CampaignMemberRow).values(lead=False))
        if leads:
            s.execute(
                update(CampaignMemberRow)
                .where(CampaignMemberRow.message_id.in_(leads.values()))
                .values(lead=True)
            )
        s.commit()


def campaigns_of(store: Store, message_ids: list[str]) -> dict[str, CampaignInfo]:
    if not message_ids:
        return {}
    sizes = (
        select(CampaignMemberRow.campaign_id, func.count().label("size"))
        .group_by(CampaignMemberRow.campaign_id)
        .subquery()
    )
    with _session(store) as s:
        rows = s.execute(
            select(CampaignMemberRow.message_id, CampaignMemberRow.campaign_id, sizes.c.size)
            .join(sizes, sizes.c.campaign_id == CampaignMemberRow.campaign_id)
            .where(CampaignMemberRow.message_id.in_(message_ids))
        ).all()
    return {m: CampaignInfo(c, int(n)) for m, c, n in rows}


def members(store: Store, campaign_id: int) -> list[tuple[MessageRecord, float]] | None:
    """Every member with its similarity, lead first, then in time order; None when there is no such group."""
    with _session(store) as s:
        if s.get(CampaignRow, campaign_id) is None:
            return None
        rows = s.execute(
            select(MessageRow, CampaignMemberRow.similarity)
            .join(CampaignMemberRow, CampaignMemberRow.message_id == MessageRow.id)
            .where(CampaignMemberRow.campaign_id == campaign_id)
            .order_by(CampaignMemberRow.lead.desc(), MessageRow.received_at.asc().nulls_last(), MessageRow.id)
        ).all()
        current = {
            r.message_id: r
            for r in s.scalars(
                select(ReadingRow).where(
                    ReadingRow.current.is_(True), ReadingRow.message_id.in_([m.id for m, _ in rows])
                )
            )
        }
        return [(mapping.to_record(m, current.get(m.id)), float(sim)) for m, sim in rows]
