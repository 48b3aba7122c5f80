"""Where a merged-away correspondent's new messages go; kept apart so the repository can use it on ingest."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from stagedoor.domain.people import IdentityEventKind
from stagedoor.store.tables import IdentityEventRow


def follow_merges(s: Session, correspondent_id: int) -> int:
    """Where a correspondent's new messages go: into whoever it was merged into (and on, for chains)."""
    seen = {correspondent_id}
    while True:
        target = s.scalar(
            select(IdentityEventRow.target_id)
            .filter_by(source_id=correspondent_id, kind=IdentityEventKind.MERGE.value)
            .where(IdentityEventRow.undone_at.is_(None))
            .order_by(IdentityEventRow.id.desc())
        )
        if target is None or target in seen:
            return correspondent_id
        seen.add(target)
        correspondent_id = target
