"""correspondents across channels: link suggestions, identity events (merge/split), escalation state and alerts

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01 23:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "link_suggestions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("a_id", sa.Integer(), nullable=False),
        sa.Column("b_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_by", sa.Text(), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["a_id"], ["correspondents.id"]),
        sa.ForeignKeyConstraint(["b_id"], ["correspondents.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("a_id", "b_id", "kind", name="uq_link_suggestions_pair_kind"),
    )
    op.create_index(op.f("ix_link_suggestions_a_id"), "link_suggestions", ["a_id"])
    op.create_index(op.f("ix_link_suggestions_b_id"), "link_suggestions", ["b_id"])
    op.create_index(op.f("ix_link_suggestions_status"), "link_suggestions", ["status"])
    op.create_table(
        "identity_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("message_ids", sa.JSON(), nullable=False),
        sa.Column("actor", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("undone_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("undone_by", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["source_id"], ["correspondents.id"]),
        sa.ForeignKeyConstraint(["target_id"], ["correspondents.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_identity_events_source_id"), "identity_events", ["source_id"])
    op.create_index(op.f("ix_identity_events_target_id"), "identity_events", ["target_id"])
    op.create_table(
        "escalation_states",
        sa.Column("correspondent_id", sa.Integer(), nullable=False),
        sa.Column("level", sa.String(length=16), nullable=False),
        sa.Column("level_rank", sa.Integer(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("message_count", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["correspondent_id"], ["correspondents.id"]),
        sa.PrimaryKeyConstraint("correspondent_id"),
    )
    op.create_index(op.f("ix_escalation_states_level_rank"), "escalation_states", ["level_rank"])
    op.create_table(
        "escalation_alerts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("correspondent_id", sa.Integer(), nullable=False),
        sa.Column("from_level", sa.String(length=16), nullable=False),
        sa.Column("to_level", sa.String(length=16), nullable=False),
        sa.Column("to_rank", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("message_id", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["correspondent_id"], ["correspondents.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("correspondent_id", "message_id", "to_level", name="uq_escalation_alerts_rise"),
    )
    op.create_index(op.f("ix_escalation_alerts_correspondent_id"), "escalation_alerts", ["correspondent_id"])


def downgrade() -> None:
    op.drop_table("escalation_alerts")
    op.drop_table("escalation_states")
    op.drop_table("identity_events")
    op.drop_table("link_suggestions")
