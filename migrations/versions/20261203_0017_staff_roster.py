"""Governance: the staff exchange roster (挂职), ``staff_secondment``.

Revision ID: 0017
Revises: 0014
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import models.core.base

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "staff_secondment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("home_town_id", sa.Integer(), nullable=False),
        sa.Column("centre_id", sa.Integer(), nullable=False),
        sa.Column("first_day", sa.Date(), nullable=False),
        sa.Column("last_day", sa.Date(), nullable=False),
        sa.Column("weekdays", sa.Integer(), nullable=False),
        sa.Column("hours", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", models.core.base.UTCDateTime(), nullable=False),
        sa.Column("ended_at", models.core.base.UTCDateTime(), nullable=True),
        sa.CheckConstraint("first_day <= last_day", name=op.f("ck_staff_secondment_ordered_days")),
        sa.CheckConstraint(
            "weekdays > 0 AND weekdays <= 127", name=op.f("ck_staff_secondment_some_weekday")
        ),
        sa.ForeignKeyConstraint(
            ["centre_id"],
            ["service_centre.id"],
            name=op.f("fk_staff_secondment_centre_id_service_centre"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["person.id"],
            name=op.f("fk_staff_secondment_created_by_person"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["home_town_id"], ["town.id"], name=op.f("fk_staff_secondment_home_town_id_town")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_secondment")),
    )
    with op.batch_alter_table("staff_secondment", schema=None) as batch_op:
        for column in ("centre_id", "first_day", "home_town_id", "last_day"):
            batch_op.create_index(batch_op.f(f"ix_staff_secondment_{column}"), [column])


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("staff_secondment", schema=None) as batch_op:
        for column in ("centre_id", "first_day", "home_town_id", "last_day"):
            batch_op.drop_index(batch_op.f(f"ix_staff_secondment_{column}"))
    op.drop_table("staff_secondment")
