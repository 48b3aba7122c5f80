"""The schema. Alembic migrations under migrations/ create it; tests check the two agree."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    type_annotation_map = {datetime: DateTime(timezone=True), dict[str, Any]: JSON, list[Any]: JSON}  # noqa: RUF012


class CorrespondentRow(Base):
    __tablename__ = "correspondents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(512), unique=True)
    display_name: Mapped[str] = mapped_column(String(512))
    created_at: Mapped[datetime]


class MessageRow(Base):
    __tablename__ = "messages"
    __table_args__ = (UniqueConstraint("raw_sha256", "channel", name="uq_messages_raw_channel"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    raw_sha256: Mapped[str] = mapped_column(String(64))
    correspondent_id: Mapped[int] = mapped_column(ForeignKey("correspondents.id"), index=True)
    sender_name: Mapped[str] = mapped_column(Text, default="")
    sender_address: Mapped[str] = mapped_column(Text, default="")
    sender_handle: Mapped[str] = mapped_column(Text, default="")
    sender_platform: Mapped[str] = mapped_column(String(64), default="")
    sender_postal: Mapped[str] = mapped_column(Text, default="")
    received_at: Mapped[datetime | None] = mapped_column(index=True)
    subject: Mapped[str] = mapped_column(Text, default="")
    text: Mapped[str] = mapped_column(Text, default="")
    language: Mapped[str] = mapped_column(String(8), default="")
    origin: Mapped[str] = mapped_column(Text, default="")
    external_id: Mapped[str] = mapped_column(Text, default="")
    notes: Mapped[list[Any]] = mapped_column(default=list)
    ingested_at: Mapped[datetime]

    attachments: Mapped[list[AttachmentRow]] = relationship(
        order_by="AttachmentRow.id", cascade="all, delete-orphan", lazy="selectin"
    )


class RawMessageRow(Base):
    """The exact bytes a message came from, apart from the text columns the desk reads often."""

    __tablename__ = "raw_messages"

    message_id: Mapped[str] = mapped_column(ForeignKey("messages.id", ondelete="CASCADE"), primary_key=True)
    raw: Mapped[bytes] = mapped_column(LargeBinary)


class AttachmentRow(Base):
    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    message_id: Mapped[str] = mapped_column(ForeignKey("messages.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(Text, default="")
    content_type: Mapped[str] = mapped_column(String(255), default="")
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))


class ReadingRow(Base):
    __tablename__ = "readings"
    __table_args__ = (Index("ix_readings_current_message", "message_id", "current"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    message_id: Mapped[str] = mapped_column(ForeignKey("messages.id", ondelete="CASCADE"))
    pipeline_version: Mapped[str] = mapped_column(String(128))
    language: Mapped[str] = mapped_column(String(8), default="")
    severity: Mapped[str] = mapped_column(String(16))
    severity_rank: Mapped[int] = mapped_column(Integer)
    score: Mapped[float] = mapped_column(Float)
    current: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime]

    flags: Mapped[list[FlagRow]] = relationship(
        order_by="FlagRow.id", cascade="all, delete-orphan", lazy="selectin"
    )
    routes: Mapped[list[ReadingRouteRow]] = relationship(cascade="all, delete-orphan", lazy="selectin")


class ReadingRouteRow(Base):
    """One row per route of a reading, so a queue is an indexed join, not a JSON scan."""

    __tablename__ = "reading_routes"

    reading_id: Mapped[int] = mapped_column(ForeignKey("readings.id", ondelete="CASCADE"), primary_key=True)
    route: Mapped[str] = mapped_column(String(16), primary_key=True, index=True)


class FlagRow(Base):
    __tablename__ = "flags"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reading_id: Mapped[int] = mapped_column(ForeignKey("readings.id", ondelete="CASCADE"), index=True)
    category: Mapped[str] = mapped_column(String(64))
    severity: Mapped[str] = mapped_column(String(16))
    score: Mapped[float] = mapped_column(Float)
    reason: Mapped[str] = mapped_column(Text)
    rule: Mapped[str] = mapped_column(Text, default="")
    evidence: Mapped[list[Any]] = mapped_column(default=list)
    suppressed: Mapped[bool] = mapped_column(Boolean, default=False)


class QuarantineRow(Base):
    __tablename__ = "quarantine"
    __table_args__ = (UniqueConstraint("raw_sha256", "channel", name="uq_quarantine_raw_channel"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    raw_sha256: Mapped[str] = mapped_column(String(64))
    raw: Mapped[bytes] = mapped_column(LargeBinary)
    size: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text)
    origin: Mapped[str] = mapped_column(Text, default="")
    received_at: Mapped[datetime]


# ---- correspondents across channels (issue 4): link suggestions, merges and splits, escalation ----------


class LinkSuggestionRow(Base):
    """A possible same-person link for a human to confirm or reject; never merged silently."""

    __tablename__ = "link_suggestions"
    __table_args__ = (UniqueConstraint("a_id", "b_id", "kind", name="uq_link_suggestions_pair_kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    a_id: Mapped[int] = mapped_column(ForeignKey("correspondents.id"), index=True)
    b_id: Mapped[int] = mapped_column(ForeignKey("correspondents.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    score: Mapped[float] = mapped_column(Float)
    reason: Mapped[str] = mapped_column(Text)
    evidence: Mapped[list[Any]] = mapped_column(default=list)
    status: Mapped[str] = mapped_column(String(16), index=True, default="pending")
    created_at: Mapped[datetime]
    decided_by: Mapped[str] = mapped_column(Text, default="")
    decided_at: Mapped[datetime | None]


class IdentityEventRow(Base):
    """A merge or split, with the exact messages it moved, so undoing it puts those messages back."""

    __tablename__ = "identity_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    source_id: Mapped[int] = mapped_column(ForeignKey("correspondents.id"), index=True)
    target_id: Mapped[int] = mapped_column(ForeignKey("correspondents.id"), index=True)
    message_ids: Mapped[list[Any]] = mapped_column(default=list)
    actor: Mapped[str] = mapped_column(Text)
    note: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime]
    undone_at: Mapped[datetime | None]
    undone_by: Mapped[str] = mapped_column(Text, default="")


class EscalationStateRow(Base):
    """A correspondent's current level, from the whole history; compared on each update to raise alerts."""

    __tablename__ = "escalation_states"

    correspondent_id: Mapped[int] = mapped_column(ForeignKey("correspondents.id"), primary_key=True)
    level: Mapped[str] = mapped_column(String(16))
    level_rank: Mapped[int] = mapped_column(Integer, index=True)
    score: Mapped[float] = mapped_column(Float)
    reasons: Mapped[list[Any]] = mapped_column(default=list)
    message_count: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime]


class EscalationAlertRow(Base):
    """A rise in a correspondent's level, shown in the queue pages."""

    __tablename__ = "escalation_alerts"
    __table_args__ = (
        UniqueConstraint("correspondent_id", "message_id", "to_level", name="uq_escalation_alerts_rise"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    correspondent_id: Mapped[int] = mapped_column(ForeignKey("correspondents.id"), index=True)
    from_level: Mapped[str] = mapped_column(String(16))
    to_level: Mapped[str] = mapped_column(String(16))
    to_rank: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    message_id: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime]


# ---- paper letters (migration 0004) ----------------------------------------------------------------


class LetterPageRow(Base):
    """One page of a scanned or PDF letter: its image, how its text was got, and any human transcription."""

    __tablename__ = "letter_pages"

    message_id: Mapped[str] = mapped_column(ForeignKey("messages.id", ondelete="CASCADE"), primary_key=True)
    number: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(String(16))
    language: Mapped[str] = mapped_column(String(8), default="")
    confidence: Mapped[float | None] = mapped_column(Float)
    needs_transcription: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    ocr_text: Mapped[str] = mapped_column(Text, default="")
    transcription: Mapped[str | None] = mapped_column(Text)
    transcribed_at: Mapped[datetime | None]
    image_png: Mapped[bytes] = mapped_column(LargeBinary)


class PageTranscriptionRow(Base):
    """Every transcription typed for a page, with the text it replaced: the page row holds only the latest."""

    __tablename__ = "page_transcriptions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    message_id: Mapped[str] = mapped_column(ForeignKey("messages.id", ondelete="CASCADE"), index=True)
    page: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    replaced: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]


class EnvelopeRow(Base):
    """What the mail room typed from a letter's envelope, keyed by the letter's message id."""

    __tablename__ = "envelopes"

    message_id: Mapped[str] = mapped_column(ForeignKey("messages.id", ondelete="CASCADE"), primary_key=True)
    postmark_city: Mapped[str] = mapped_column(Text, default="")
    postmark_date: Mapped[date | None]
    return_address: Mapped[str] = mapped_column(Text, default="")
    enclosures: Mapped[list[Any]] = mapped_column(default=list)
    entered_at: Mapped[datetime]


# ---- the desk: accounts, sessions, audit trail, cases, alerts (migration 0003) ------------------------


class UserRow(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    display_name: Mapped[str] = mapped_column(Text, default="")
    email: Mapped[str] = mapped_column(Text, default="")
    password_hash: Mapped[str] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None]
    created_at: Mapped[datetime]
    last_login_at: Mapped[datetime | None]


class SessionRow(Base):
    """A log-in; the cookie carries a random token and only its sha256 is kept here."""

    __tablename__ = "sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]


class AuditRow(Base):
    """Append-only and hash-chained: each row's hash covers its fields and the previous row's hash."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(Text)
    action: Mapped[str] = mapped_column(String(64), index=True)
    target: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(Text, default="")
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)
    prev_hash: Mapped[str] = mapped_column(String(64), unique=True)
    hash: Mapped[str] = mapped_column(String(64))


class AuditHeadRow(Base):
    """The chain's length and last hash, so a deleted last row is noticed too."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    count: Mapped[int] = mapped_column(Integer)
    last_hash: Mapped[str] = mapped_column(String(64))


class CaseRow(Base):
    __tablename__ = "cases"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(Text)
    route: Mapped[str] = mapped_column(String(16), index=True)
    severity: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), index=True)
    opened_by: Mapped[str] = mapped_column(String(64))
    opened_at: Mapped[datetime]
    due_at: Mapped[datetime]
    assignee: Mapped[str] = mapped_column(String(64), default="")
    first_touch_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]

    links: Mapped[list[CaseLinkRow]] = relationship(
        order_by="CaseLinkRow.id", cascade="all, delete-orphan", lazy="selectin"
    )
    events: Mapped[list[CaseEventRow]] = relationship(
        order_by="CaseEventRow.id", cascade="all, delete-orphan", lazy="selectin"
    )


class CaseLinkRow(Base):
    """A message or a correspondent on a case (one of the two per row)."""

    __tablename__ = "case_links"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    message_id: Mapped[str | None] = mapped_column(String(32), index=True)
    correspondent_id: Mapped[int | None] = mapped_column(Integer, index=True)


class CaseEventRow(Base):
    __tablename__ = "case_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(64))
    verb: Mapped[str] = mapped_column(String(32))
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)


class AlertRow(Base):
    """The outbox: an alert is stored before it is sent, so a receiver that is down loses nothing."""

    __tablename__ = "alerts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    role: Mapped[str] = mapped_column(String(16))
    channel: Mapped[str] = mapped_column(String(16))
    target: Mapped[str] = mapped_column(Text)
    subject: Mapped[str] = mapped_column(Text)
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    dedupe_key: Mapped[str] = mapped_column(String(200), unique=True)
    status: Mapped[str] = mapped_column(String(16), index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime]
    next_attempt_at: Mapped[datetime | None]
    claimed_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    last_error: Mapped[str] = mapped_column(Text, default="")


class AlertAttemptRow(Base):
    __tablename__ = "alert_attempts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("alerts.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime]
    ok: Mapped[bool] = mapped_column(Boolean)
    error: Mapped[str] = mapped_column(Text, default="")


# ---- issue 6: live mailboxes, intake API, campaigns (migration 0005) ------------------------------


class ImapCursorRow(Base):
    """How far one mailbox folder has been fetched: the highest UID stored under its UIDVALIDITY."""

    __tablename__ = "imap_cursors"

    mailbox: Mapped[str] = mapped_column(String(255), primary_key=True)
    folder: Mapped[str] = mapped_column(String(512), primary_key=True)
    uidvalidity: Mapped[int] = mapped_column(BigInteger)
    last_uid: Mapped[int] = mapped_column(BigInteger)
    updated_at: Mapped[datetime]


class ApiTokenRow(Base):
    """A per-source intake token; only its sha256 is kept, the token itself is shown once."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(String(255))
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    last_used_at: Mapped[datetime | None]


class IntakeRequestRow(Base):
    """The first response to an Idempotency-Key, replayed for the same key from the same token."""

    __tablename__ = "intake_requests"
    __table_args__ = (UniqueConstraint("token_id", "key", name="uq_intake_requests_token_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_id: Mapped[int] = mapped_column(ForeignKey("api_tokens.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(255))
    request_sha256: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int] = mapped_column(Integer)
    response: Mapped[dict[str, Any]] = mapped_column()
    created_at: Mapped[datetime]


class CampaignRow(Base):
    """A group of near-duplicate messages (copy-paste campaign, chain letter)."""

    __tablename__ = "campaigns"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[datetime]


class CampaignMemberRow(Base):
    """One message of a campaign; the lead is the member the queue shows for the whole group."""

    __tablename__ = "campaign_members"

    message_id: Mapped[str] = mapped_column(ForeignKey("messages.id", ondelete="CASCADE"), primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), index=True)
    similarity: Mapped[float] = mapped_column(Float)
    lead: Mapped[bool] = mapped_column(Boolean, default=False)


class MessageSketchRow(Base):
    """A message's MinHash signature, so new mail is compared without re-shingling the old."""

    __tablename__ = "message_sketches"

    message_id: Mapped[str] = mapped_column(ForeignKey("messages.id", ondelete="CASCADE"), primary_key=True)
    scheme: Mapped[str] = mapped_column(String(64))
    signature: Mapped[bytes | None] = mapped_column(LargeBinary)
