"""Governance: the joint meeting (``governance_meeting``, one planned at a time) and its
action items (``governance_action_item``).

Revision ID: 0016
Revises: 0014
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import models.core.base

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "governance_meeting",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("starts_at", models.core.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("host_town_id", sa.Integer(), nullable=False),
        sa.Column("place", sqlmodel.sql.sqltypes.AutoString(length=256), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
        sa.Column("planned_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", models.core.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", models.core.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["host_town_id"], ["town.id"], name=op.f("fk_governance_meeting_host_town_id_town")
        ),
        sa.ForeignKeyConstraint(
            ["planned_by_id"],
            ["person.id"],
            name=op.f("fk_governance_meeting_planned_by_id_person"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_governance_meeting")),
    )
    with op.batch_alter_table("governance_meeting", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_governance_meeting_starts_at"), ["starts_at"], unique=False
        )
        batch_op.create_index(
            "uq_governance_meeting_planned",
            ["status"],
            unique=True,
            sqlite_where=sa.text("status = 'planned'"),
            postgresql_where=sa.text("status = 'planned'"),
        )

    op.create_table(
        "governance_action_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("text", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("town_id", sa.Integer(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("done_at", models.core.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", models.core.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["person.id"],
            name=op.f("fk_governance_action_item_created_by_id_person"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["governance_meeting.id"],
            name=op.f("fk_governance_action_item_meeting_id_governance_meeting"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["person.id"],
            name=op.f("fk_governance_action_item_owner_id_person"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["town_id"], ["town.id"], name=op.f("fk_governance_action_item_town_id_town")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_governance_action_item")),
    )
    with op.batch_alter_table("governance_action_item", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_governance_action_item_meeting_id"), ["meeting_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_governance_action_item_owner_id"), ["owner_id"], unique=False
        )
        batch_op.create_index(
            "ix_governance_action_item_status_due", ["status", "due_on"], unique=False
        )


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("governance_action_item", schema=None) as batch_op:
        batch_op.drop_index("ix_governance_action_item_status_due")
        batch_op.drop_index(batch_op.f("ix_governance_action_item_owner_id"))
        batch_op.drop_index(batch_op.f("ix_governance_action_item_meeting_id"))

    op.drop_table("governance_action_item")
    with op.batch_alter_table("governance_meeting", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_governance_meeting_planned",
            sqlite_where=sa.text("status = 'planned'"),
            postgresql_where=sa.text("status = 'planned'"),
        )
        batch_op.drop_index(batch_op.f("ix_governance_meeting_starts_at"))

    op.drop_table("governance_meeting")
