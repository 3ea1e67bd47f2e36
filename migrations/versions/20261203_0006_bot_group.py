"""Bot groups: the group chats and channels the bot is in, when it was added (and by whom) and
when it left, and whether the group was told to talk to the bot in private.

Revision ID: 0006
Revises: 0005
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import models.core.base

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "bot_group",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=True),
        sa.Column("chat_type", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("added_by", sa.Integer(), nullable=True),
        sa.Column("added_at", models.core.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("left_at", models.core.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column(
            "private_notice_sent_at", models.core.base.UTCDateTime(timezone=True), nullable=True
        ),
        sa.Column("updated_at", models.core.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["added_by"],
            ["person.id"],
            name=op.f("fk_bot_group_added_by_person"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bot_group")),
        sa.UniqueConstraint("chat_id", name=op.f("uq_bot_group_chat_id")),
    )


def downgrade() -> None:
    """Revert this revision."""
    op.drop_table("bot_group")
