"""The WeChat bridge's outbound tables: customer-service windows and their quota, the shared
access token, messages not deliverable on WeChat (with the reason), and documents behind
signed links.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-03 15:19:14.160814
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import models.core.base

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "wechat_access_token",
        sa.Column("app_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("token", sqlmodel.sql.sqltypes.AutoString(length=512), nullable=False),
        sa.Column("expires_at", models.core.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("app_id", name=op.f("pk_wechat_access_token")),
    )
    op.create_table(
        "wechat_document",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("filename", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("mime_type", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("expires_at", models.core.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["wechat_user.id"],
            name=op.f("fk_wechat_document_user_id_wechat_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wechat_document")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("wechat_document", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_wechat_document_expires_at"), ["expires_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_wechat_document_user_id"), ["user_id"], unique=False)

    op.create_table(
        "wechat_undelivered",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("summary", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column("created_at", models.core.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["wechat_user.id"],
            name=op.f("fk_wechat_undelivered_user_id_wechat_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wechat_undelivered")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("wechat_undelivered", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_wechat_undelivered_user_id"), ["user_id"], unique=False
        )

    op.create_table(
        "wechat_window",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("opened_at", models.core.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("used", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["wechat_user.id"],
            name=op.f("fk_wechat_window_user_id_wechat_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", "kind", name=op.f("pk_wechat_window")),
    )


def downgrade() -> None:
    """Revert this revision."""
    op.drop_table("wechat_window")
    with op.batch_alter_table("wechat_undelivered", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_wechat_undelivered_user_id"))

    op.drop_table("wechat_undelivered")
    with op.batch_alter_table("wechat_document", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_wechat_document_user_id"))
        batch_op.drop_index(batch_op.f("ix_wechat_document_expires_at"))

    op.drop_table("wechat_document")
    op.drop_table("wechat_access_token")
