"""Suggestions (意见建议): a suggestion with its town-year numbering and its admins' replies.

Revision ID: 0015
Revises: 0014
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import models.core.base

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "suggestion_counter",
        sa.Column("town_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("last", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["town_id"], ["town.id"], name=op.f("fk_suggestion_counter_town_id_town")
        ),
        sa.PrimaryKeyConstraint("town_id", "year", name=op.f("pk_suggestion_counter")),
    )
    op.create_table(
        "suggestion",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("town_id", sa.Integer(), nullable=False),
        sa.Column("subject", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("venue_id", sa.Integer(), nullable=True),
        sa.Column("event_id", sa.Integer(), nullable=True),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("anonymous", sa.Boolean(), nullable=False),
        sa.Column("text", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
        sa.Column("voice_file_id", sqlmodel.sql.sqltypes.AutoString(length=256), nullable=True),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
        sa.Column("outcome", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=True),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column("decided_at", models.core.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", models.core.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["decided_by"],
            ["person.id"],
            name=op.f("fk_suggestion_decided_by_person"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["event_id"], ["event.id"], name=op.f("fk_suggestion_event_id_event")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
            name=op.f("fk_suggestion_person_id_person"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(["town_id"], ["town.id"], name=op.f("fk_suggestion_town_id_town")),
        sa.ForeignKeyConstraint(
            ["venue_id"], ["venue.id"], name=op.f("fk_suggestion_venue_id_venue")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_suggestion")),
        sa.UniqueConstraint("number", name=op.f("uq_suggestion_number")),
    )
    with op.batch_alter_table("suggestion", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_suggestion_created_at"), ["created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_suggestion_person_id"), ["person_id"], unique=False)
        batch_op.create_index("ix_suggestion_status_town", ["status", "town_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_suggestion_town_id"), ["town_id"], unique=False)

    op.create_table(
        "suggestion_reply",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("suggestion_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("text", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
        sa.Column("created_at", models.core.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["person.id"],
            name=op.f("fk_suggestion_reply_author_id_person"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["suggestion_id"],
            ["suggestion.id"],
            name=op.f("fk_suggestion_reply_suggestion_id_suggestion"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_suggestion_reply")),
    )
    with op.batch_alter_table("suggestion_reply", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_suggestion_reply_suggestion_id"), ["suggestion_id"], unique=False
        )


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("suggestion_reply", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_suggestion_reply_suggestion_id"))

    op.drop_table("suggestion_reply")
    with op.batch_alter_table("suggestion", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_suggestion_town_id"))
        batch_op.drop_index("ix_suggestion_status_town")
        batch_op.drop_index(batch_op.f("ix_suggestion_person_id"))
        batch_op.drop_index(batch_op.f("ix_suggestion_created_at"))

    op.drop_table("suggestion")
    op.drop_table("suggestion_counter")
