"""Near-duplicate campaigns: copy-paste letters grouped, each group shown once in the queue."""

from __future__ import annotations

from stagedoor.domain import (
    MessageRecord,
)
from stagedoor.services.core import Desk
from stagedoor.triage.campaigns import NearDuplicates


def group_campaigns(desk: Desk, index: NearDuplicates | None = None) -> int:
    """Sketch every message not sketched yet and group near-duplicates; returns how many joined a group.

    Run after reading, so each campaign's lead (the one the queue shows) is its most urgent member.
    A long-running caller (the web app) passes its own index, which then only catches up on new sketches.
    """
    from stagedoor.store import campaigns as groups
    from stagedoor.triage import campaigns as near

    index = index if index is not None else near.NearDuplicates()
    skip = index.ids
    index.catch_up((m, near.from_bytes(sig)) for m, sig in groups.sketches(desk.store, near.SCHEME, skip))
    joined = 0
    for message_id, text in list(groups.unsketched(desk.store, near.SCHEME)):
        sketch = near.sketch(text)
        groups.save_sketch(desk.store, message_id, near.SCHEME, near.to_bytes(sketch) if sketch else None)
        if sketch is None:
            continue
        if matches := index.add(message_id, sketch):
            groups.attach(desk.store, message_id, [(m.other_id, m.similarity) for m in matches])
            joined += 1
    groups.refresh_leads(desk.store)
    return joined


def campaign(desk: Desk, campaign_id: int) -> list[tuple[MessageRecord, float]] | None:
    from stagedoor.store import campaigns as groups

    return groups.members(desk.store, campaign_id)


def campaigns_of(desk: Desk, message_ids: list[str]) -> dict[str, tuple[int, int]]:
    """(campaign id, size) for the given messages that belong to a campaign."""
    from stagedoor.store import campaigns as groups

    return {m: (c.id, c.size) for m, c in groups.campaigns_of(desk.store, message_ids).items()}
