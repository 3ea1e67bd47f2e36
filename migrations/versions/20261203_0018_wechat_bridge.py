"""The WeChat bridge's own tables: followers (openid ↔ chat id), menu lines awaiting a tap,
callbacks already accepted (WeChat's retries), and updates waiting for the bot.

Ids are never reused (AUTOINCREMENT on SQLite): a chat id, menu line or update id names one
thing forever.

Revision ID: 0018
Revises: 0014
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import models.core.base

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "wechat_user",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("openid", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("last_message_id", sa.Integer(), nullable=False),
        sa.Column("last_inbound_at", models.core.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", models.core.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wechat_user")),
        sa.UniqueConstraint("openid", name=op.f("uq_wechat_user_openid")),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "wechat_seen_message",
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=160), nullable=False),
        sa.Column("received_at", models.core.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_wechat_seen_message")),
    )
    with op.batch_alter_table("wechat_seen_message", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_wechat_seen_message_received_at"), ["received_at"], unique=False
        )
    op.create_table(
        "wechat_update",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("created_at", models.core.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wechat_update")),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "wechat_menu_button",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("text", sqlmodel.sql.sqltypes.AutoString(length=256), nullable=False),
        sa.Column("callback_data", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("message_id", sa.Integer(), nullable=True),
        sa.Column("created_at", models.core.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["wechat_user.id"],
            name=op.f("fk_wechat_menu_button_user_id_wechat_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wechat_menu_button")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("wechat_menu_button", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_wechat_menu_button_user_id"), ["user_id"], unique=False
        )


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("wechat_menu_button", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_wechat_menu_button_user_id"))
    op.drop_table("wechat_menu_button")
    op.drop_table("wechat_update")
    with op.batch_alter_table("wechat_seen_message", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_wechat_seen_message_received_at"))
    op.drop_table("wechat_seen_message")
    op.drop_table("wechat_user")
