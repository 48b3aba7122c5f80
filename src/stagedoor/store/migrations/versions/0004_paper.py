"""paper letters: page images, OCR confidence and transcriptions per page; envelope details per letter

Revision ID: 0004
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "letter_pages",
        sa.Column("message_id", sa.String(length=32), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=True),
        sa.Column("needs_transcription", sa.Boolean(), nullable=False),
        sa.Column("ocr_text", sa.Text(), nullable=False),
        sa.Column("transcription", sa.Text(), nullable=True),
        sa.Column("transcribed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("image_png", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["message_id"], ["messages.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("message_id", "number"),
    )
    with op.batch_alter_table("letter_pages", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_letter_pages_needs_transcription"), ["needs_transcription"], unique=False
        )
    op.create_table(
        "page_transcriptions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.String(length=32), nullable=False),
        sa.Column("page", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("replaced", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["message_id"], ["messages.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("page_transcriptions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_page_transcriptions_message_id"), ["message_id"], unique=False)
    op.create_table(
        "envelopes",
        sa.Column("message_id", sa.String(length=32), nullable=False),
        sa.Column("postmark_city", sa.Text(), nullable=False),
        sa.Column("postmark_date", sa.Date(), nullable=True),
        sa.Column("return_address", sa.Text(), nullable=False),
        sa.Column("enclosures", sa.JSON(), nullable=False),
        sa.Column("entered_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["message_id"], ["messages.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("message_id"),
    )


def downgrade() -> None:
    op.drop_table("envelopes")
    with op.batch_alter_table("page_transcriptions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_page_transcriptions_message_id"))
    op.drop_table("page_transcriptions")
    with op.batch_alter_table("letter_pages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_letter_pages_needs_transcription"))
    op.drop_table("letter_pages")
