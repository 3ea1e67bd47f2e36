"""Broadcast towns: the towns a broadcast reaches (its audience within the author's scope), each
with its own approval, so a notice reaches only the towns its author's grant covers and waits for
every town that requires approval.

Existing broadcasts are given their author's town (a town-limited author's only reach); one still
waiting for approval waits for that town.

Revision ID: 0005
Revises: 0004
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import models.core.base

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "broadcast_town",
        sa.Column("broadcast_id", sa.Integer(), nullable=False),
        sa.Column("town_id", sa.Integer(), nullable=False),
        sa.Column("approval", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column("decided_at", models.core.base.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["broadcast_id"],
            ["broadcast.id"],
            name=op.f("fk_broadcast_town_broadcast_id_broadcast"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["decided_by"],
            ["person.id"],
            name=op.f("fk_broadcast_town_decided_by_person"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["town_id"], ["town.id"], name=op.f("fk_broadcast_town_town_id_town")
        ),
        sa.PrimaryKeyConstraint("broadcast_id", "town_id", name=op.f("pk_broadcast_town")),
    )
    op.execute(
        "INSERT INTO broadcast_town (broadcast_id, town_id, approval) "
        "SELECT id, town_id, CASE WHEN status = 'pending_approval' THEN 'waiting' "
        "ELSE 'not_needed' END FROM broadcast WHERE town_id IS NOT NULL"
    )


def downgrade() -> None:
    """Revert this revision."""
    op.drop_table("broadcast_town")
