"""Records about writers across messages: link suggestions, merges and splits, escalation state and alerts.

They live in the domain (not in people/) because the store saves them and the desk shows them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from stagedoor.domain.taxonomy import Severity


class LinkKind(StrEnum):
    """Why two correspondents may be one person. Each is a suggestion; only a person merges."""

    SAME_NAME = "same_name"
    SAME_POSTAL = "same_postal"
    SAME_SIGNATURE = "same_signature"
    STYLE = "style"

    @property
    def label(self) -> str:
        return {
            "same_name": "same name, different address",
            "same_postal": "same postal address",
            "same_signature": "same signature line",
            "style": "close writing style",
        }[self.value]


class LinkStatus(StrEnum):
    PENDING = "pending"
    CONFIRMED = "confirmed"
    REJECTED = "rejected"


@dataclass(frozen=True)
class LinkCandidate:
    """A possible link found by people.links: lower id first, so a pair is suggested once per kind."""

    a_id: int
    b_id: int
    kind: LinkKind
    score: float
    reason: str
    evidence: tuple[str, ...] = ()


@dataclass(frozen=True)
class LinkSuggestion:
    id: int
    a_id: int
    b_id: int
    kind: LinkKind
    score: float
    reason: str
    evidence: tuple[str, ...]
    status: LinkStatus
    created_at: datetime
    decided_by: str = ""
    decided_at: datetime | None = None
    a_name: str = ""
    b_name: str = ""


class IdentityEventKind(StrEnum):
    MERGE = "merge"
    SPLIT = "split"


@dataclass(frozen=True)
class IdentityEvent:
    """A merge (source's messages moved into target) or a split (messages moved out to a new target).

    The moved message ids are recorded, so undoing puts exactly those messages back.
    """

    id: int
    kind: IdentityEventKind
    source_id: int
    target_id: int
    message_ids: tuple[str, ...]
    actor: str
    at: datetime
    note: str = ""
    undone_at: datetime | None = None
    undone_by: str = ""


@dataclass(frozen=True)
class EscalationState:
    correspondent_id: int
    level: Severity
    score: float
    reasons: tuple[str, ...]
    message_count: int
    updated_at: datetime


@dataclass(frozen=True)
class EscalationAlert:
    """A rise in a correspondent's level, shown in the queue pages."""

    id: int
    correspondent_id: int
    from_level: Severity
    to_level: Severity
    text: str
    message_id: str
    created_at: datetime
    display_name: str = ""
