"""Correspondents across channels: link suggestions, merges and splits, escalation state and alerts.

Merging and splitting only ever move messages between correspondents (one UPDATE of `correspondent_id`),
record which messages moved, and can be undone; no message row is ever deleted here.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from stagedoor.domain import Severity
from stagedoor.domain.people import (
    EscalationAlert,
    EscalationState,
    IdentityEvent,
    IdentityEventKind,
    LinkCandidate,
    LinkKind,
    LinkStatus,
    LinkSuggestion,
)
from stagedoor.store import mapping
from stagedoor.store.follow import follow_merges
from stagedoor.store.repository import Store
from stagedoor.store.tables import (
    CorrespondentRow,
    EscalationAlertRow,
    EscalationStateRow,
    IdentityEventRow,
    LinkSuggestionRow,
    MessageRow,
)


class IdentityError(ValueError):
    """A merge, split, undo or decision that cannot be done as asked (the message says why)."""


class PeopleStore:
    def __init__(self, store: Store) -> None:
        self._session = sessionmaker(store.engine, expire_on_commit=False)

    # ---- link suggestions ---------------------------------------------------------------------------

    def save_candidates(self, candidates: Iterable[LinkCandidate]) -> int:
        """Store new suggestions; a pair already suggested for that reason (whatever its status) is skipped."""
        added = 0
        with self._session() as s:
            existing = set(
                s.execute(
                    select(LinkSuggestionRow.a_id, LinkSuggestionRow.b_id, LinkSuggestionRow.kind)
                ).tuples()
            )
            for c in candidates:
                if (c.a_id, c.b_id, c.kind.value) in existing or c.a_id == c.b_id:
                    continue
                existing.add((c.a_id, c.b_id, c.kind.value))
                s.add(
                    LinkSuggestionRow(
                        a_id=c.a_id,
                        b_id=c.b_id,
                        kind=c.kind.value,
                        score=c.score,
                        reason=c.reason,
                        evidence=list(c.evidence),
                        status=LinkStatus.PENDING.value,
                        created_at=mapping.now(),
                        decided_by="",
                    )
                )
                added += 1
            try:
                s.commit()
            except IntegrityError:  # a concurrent refresh stored the same suggestions first
                s.rollback()
                return 0
        return added

    def suggestions(
        self, status: LinkStatus | None = None, correspondent_id: int | None = None, limit: int = 500
    ) -> list[LinkSuggestion]:
        query = select(LinkSuggestionRow).order_by(LinkSuggestionRow.score.desc(), LinkSuggestionRow.id)
        if status is not None:
            query = query.filter_by(status=status.value)
        if correspondent_id is not None:
            query = query.where(
                (LinkSuggestionRow.a_id == correspondent_id) | (LinkSuggestionRow.b_id == correspondent_id)
            )
        with self._session() as s:
            rows = s.scalars(query.limit(limit)).all()
            names = self._names(s, {r.a_id for r in rows} | {r.b_id for r in rows})
        return [_suggestion(r, names) for r in rows]

    def suggestion(self, suggestion_id: int) -> LinkSuggestion | None:
        with self._session() as s:
            row = s.get(LinkSuggestionRow, suggestion_id)
            return _suggestion(row, self._names(s, {row.a_id, row.b_id})) if row else None

    def decide(
        self, suggestion_id: int, status: LinkStatus, by: str
    ) -> tuple[LinkSuggestion, IdentityEvent | None]:
        """Confirm (merge the smaller correspondent into the larger) or reject; both recorded with who and when."""
        if status == LinkStatus.PENDING:
            raise IdentityError("a decision is either confirm or reject")
        by = _actor(by)
        with self._session() as s:
            row = s.get(LinkSuggestionRow, suggestion_id, with_for_update=True)
            if row is None:
                raise IdentityError(f"there is no link suggestion {suggestion_id}")
            if row.status != LinkStatus.PENDING.value:
                raise IdentityError(
                    f"link suggestion {suggestion_id} was already {row.status} by {row.decided_by}"
                )
            row.status, row.decided_by, row.decided_at = status.value, by, mapping.now()
            event = None
            if status == LinkStatus.CONFIRMED:
                target, source = self._larger_first(s, follow_merges(s, row.a_id), follow_merges(s, row.b_id))
                if target != source:
                    event = self._merge(s, target, source, by, f"link suggestion {row.id}: {row.reason}")
            s.commit()
            return _suggestion(row, self._names(s, {row.a_id, row.b_id})), event

    # ---- merges and splits --------------------------------------------------------------------------

    def merge(self, target_id: int, source_id: int, by: str, note: str = "") -> IdentityEvent:
        """Move every message of `source_id` to `target_id`; later messages to the source's key follow."""
        with self._session() as s:
            event = self._merge(s, target_id, source_id, _actor(by), note)
            s.commit()
            return event

    def _merge(self, s: Session, target_id: int, source_id: int, by: str, note: str) -> IdentityEvent:
        if target_id == source_id:
            raise IdentityError("a correspondent cannot be merged into itself")
        self._require(s, target_id, source_id)
        if follow_merges(s, target_id) == source_id:
            raise IdentityError(f"correspondent {target_id} was merged into {source_id}; undo that first")
        moved = self._move(s, source_id, target_id, None)
        row = IdentityEventRow(
            kind=IdentityEventKind.MERGE.value,
            source_id=source_id,
            target_id=target_id,
            message_ids=moved,
            actor=by,
            note=note,
            at=mapping.now(),
            undone_by="",
        )
        s.add(row)
        s.flush()
        return _event(row)

    def split(self, source_id: int, message_ids: Sequence[str], by: str, name: str = "") -> IdentityEvent:
        """Move these messages of `source_id` to a new correspondent; the rest stay where they are."""
        wanted = list(dict.fromkeys(message_ids))
        if not wanted:
            raise IdentityError("name at least one message to split off")
        with self._session() as s:
            source = self._require(s, source_id)[0]
            owned = set(s.scalars(select(MessageRow.id).filter_by(correspondent_id=source_id)))
            if stray := [m for m in wanted if m not in owned]:
                raise IdentityError(f"message(s) {', '.join(stray)} are not in correspondent {source_id}")
            if len(wanted) == len(owned):
                raise IdentityError(
                    "a split must leave at least one message behind; to rename, merge instead"
                )
            target = CorrespondentRow(
                key=f"split:{uuid.uuid4().hex}",
                display_name=(name.strip() or f"{source.display_name} (split off)")[:512],
                created_at=mapping.now(),
            )
            s.add(target)
            s.flush()
            moved = self._move(s, source_id, target.id, wanted)
            row = IdentityEventRow(
                kind=IdentityEventKind.SPLIT.value,
                source_id=source_id,
                target_id=target.id,
                message_ids=moved,
                actor=_actor(by),
                note=name.strip(),
                at=mapping.now(),
                undone_by="",
            )
            s.add(row)
            s.commit()
            return _event(row)

    def undo(self, event_id: int, by: str) -> IdentityEvent:
        """Put back exactly the messages the event moved (those still where it put them)."""
        with self._session() as s:
            row = s.get(IdentityEventRow, event_id, with_for_update=True)
            if row is None:
                raise IdentityError(f"there is no merge or split {event_id}")
            if row.undone_at is not None:
                raise IdentityError(f"{row.kind} {event_id} was already undone by {row.undone_by}")
            s.execute(
                update(MessageRow)
                .where(MessageRow.id.in_(row.message_ids), MessageRow.correspondent_id == row.target_id)
                .values(correspondent_id=row.source_id)
            )
            row.undone_at, row.undone_by = mapping.now(), _actor(by)
            s.commit()
            return _event(row)

    def events(self, correspondent_id: int | None = None, limit: int = 200) -> list[IdentityEvent]:
        query = select(IdentityEventRow).order_by(IdentityEventRow.id.desc())
        if correspondent_id is not None:
            query = query.where(
                (IdentityEventRow.source_id == correspondent_id)
                | (IdentityEventRow.target_id == correspondent_id)
            )
        with self._session() as s:
            return [_event(r) for r in s.scalars(query.limit(limit))]

    def resolve(self, correspondent_id: int) -> int:
        """The correspondent whose dossier now holds this one's messages (itself unless merged away)."""
        with self._session() as s:
            return follow_merges(s, correspondent_id)

    @staticmethod
    def _larger_first(s: Session, a: int, b: int) -> tuple[int, int]:
        """The correspondent with more messages keeps the dossier (its name and key); ties go to the older."""
        counts = dict(
            s.execute(
                select(MessageRow.correspondent_id, func.count())
                .where(MessageRow.correspondent_id.in_([a, b]))
                .group_by(MessageRow.correspondent_id)
            )
            .tuples()
            .all()
        )
        return (a, b) if (counts.get(a, 0), -a) >= (counts.get(b, 0), -b) else (b, a)

    @staticmethod
    def _move(s: Session, source_id: int, target_id: int, only: list[str] | None) -> list[str]:
        query = select(MessageRow.id).filter_by(correspondent_id=source_id).order_by(MessageRow.id)
        if only is not None:
            query = query.where(MessageRow.id.in_(only))
        moved = list(s.scalars(query))
        if moved:
            s.execute(
                update(MessageRow)
                .where(MessageRow.id.in_(moved), MessageRow.correspondent_id == source_id)
                .values(correspondent_id=target_id)
            )
        return moved

    @staticmethod
    def _require(s: Session, *ids: int) -> list[CorrespondentRow]:
        rows = []
        for cid in ids:
            row = s.get(CorrespondentRow, cid)
            if row is None:
                raise IdentityError(f"there is no correspondent {cid}")
            rows.append(row)
        return rows

    @staticmethod
    def _names(s: Session, ids: set[int]) -> dict[int, str]:
        if not ids:
            return {}
        rows = s.execute(
            select(CorrespondentRow.id, CorrespondentRow.display_name).where(CorrespondentRow.id.in_(ids))
        )
        return dict(rows.tuples().all())

    # ---- escalation ---------------------------------------------------------------------------------

    def escalation(self, correspondent_id: int) -> EscalationState | None:
        with self._session() as s:
            row = s.get(EscalationStateRow, correspondent_id)
            return _state(row) if row else None

    def save_escalation(
        self, state: EscalationState, rises: Iterable[tuple[Severity, Severity, str, str]]
    ) -> int:
        """Store the current level and each rise (from, to, text, message id) not alerted before."""
        added = 0
        with self._session() as s:
            row = s.get(EscalationStateRow, state.correspondent_id)
            if row is None:
                row = EscalationStateRow(correspondent_id=state.correspondent_id)
                s.add(row)
            row.level, row.level_rank, row.score = state.level.value, state.level.rank, state.score
            row.reasons, row.message_count, row.updated_at = (
                list(state.reasons),
                state.message_count,
                state.updated_at,
            )
            known = set(
                s.execute(
                    select(EscalationAlertRow.message_id, EscalationAlertRow.to_level).filter_by(
                        correspondent_id=state.correspondent_id
                    )
                ).tuples()
            )
            for before, after, text, message_id in rises:
                if (message_id, after.value) in known:
                    continue
                s.add(
                    EscalationAlertRow(
                        correspondent_id=state.correspondent_id,
                        from_level=before.value,
                        to_level=after.value,
                        to_rank=after.rank,
                        text=text,
                        message_id=message_id,
                        created_at=mapping.now(),
                    )
                )
                added += 1
            try:
                s.commit()
            except IntegrityError:
                s.rollback()
                return 0
        return added

    def alerts(
        self, limit: int = 50, correspondent_id: int | None = None, least: Severity = Severity.CONCERN
    ) -> list[EscalationAlert]:
        """Newest and highest first; only rises to `least` or above."""
        query = (
            select(EscalationAlertRow, CorrespondentRow.display_name)
            .join(CorrespondentRow, CorrespondentRow.id == EscalationAlertRow.correspondent_id)
            .where(EscalationAlertRow.to_rank >= least.rank)
            .order_by(EscalationAlertRow.to_rank.desc(), EscalationAlertRow.id.desc())
        )
        if correspondent_id is not None:
            query = query.where(EscalationAlertRow.correspondent_id == correspondent_id)
        with self._session() as s:
            return [_alert(r, name) for r, name in s.execute(query.limit(limit)).tuples()]

    def levels(self) -> dict[int, str]:
        with self._session() as s:
            rows = s.execute(select(EscalationStateRow.correspondent_id, EscalationStateRow.level))
            return dict(rows.tuples().all())

    def message_total(self) -> tuple[int, int]:
        """(messages, messages whose correspondent exists): equal unless something lost its owner."""
        with self._session() as s:
            total = s.scalar(select(func.count()).select_from(MessageRow)) or 0
            owned = s.scalar(select(func.count()).select_from(MessageRow).join(CorrespondentRow)) or 0
            return int(total), int(owned)


def _actor(by: str) -> str:
    by = by.strip()
    if not by:
        raise IdentityError("say who decides (a name), so the record shows it")
    return by[:200]


def _suggestion(r: LinkSuggestionRow, names: dict[int, str]) -> LinkSuggestion:
    return LinkSuggestion(
        id=r.id,
        a_id=r.a_id,
        b_id=r.b_id,
        kind=LinkKind(r.kind),
        score=r.score,
        reason=r.reason,
        evidence=tuple(r.evidence),
        status=LinkStatus(r.status),
        created_at=_when(r.created_at),
        decided_by=r.decided_by,
        decided_at=mapping.utc(r.decided_at),
        a_name=names.get(r.a_id, ""),
        b_name=names.get(r.b_id, ""),
    )


def _event(r: IdentityEventRow) -> IdentityEvent:
    return IdentityEvent(
        id=r.id,
        kind=IdentityEventKind(r.kind),
        source_id=r.source_id,
        target_id=r.target_id,
        message_ids=tuple(r.message_ids),
        actor=r.actor,
        at=_when(r.at),
        note=r.note,
        undone_at=mapping.utc(r.undone_at),
        undone_by=r.undone_by,
    )


def _state(r: EscalationStateRow) -> EscalationState:
    return EscalationState(
        r.correspondent_id, Severity(r.level), r.score, tuple(r.reasons), r.message_count, _when(r.updated_at)
    )


def _alert(r: EscalationAlertRow, name: str) -> EscalationAlert:
    return EscalationAlert(
        r.id,
        r.correspondent_id,
        Severity(r.from_level),
        Severity(r.to_level),
        r.text,
        r.message_id,
        _when(r.created_at),
        name,
    )


def _when(value: datetime) -> datetime:
    return mapping.utc(value) or mapping.now()
