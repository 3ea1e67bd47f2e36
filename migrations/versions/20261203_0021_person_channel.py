"""The channel a person talks to the bot on: telegram (every existing person) or wechat; a
WeChat follower's chat id stored on ``wechat_user`` (found by /mydata and /deleteme).

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-03 16:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table("person") as batch:
        batch.add_column(
            sa.Column(
                "channel",
                sqlmodel.sql.sqltypes.AutoString(length=16),
                server_default="telegram",
                nullable=False,
            )
        )
    with op.batch_alter_table("wechat_user") as batch:
        batch.add_column(sa.Column("chat_id", sa.BigInteger(), nullable=True))
        batch.create_unique_constraint("uq_wechat_user_chat_id", ["chat_id"])
    op.execute(f"UPDATE wechat_user SET chat_id = id + {2**52}")  # channels.wechat.tables
    op.execute("UPDATE person SET channel = 'wechat' WHERE chat_id >= " + str(2**52))


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("wechat_user") as batch:
        batch.drop_constraint("uq_wechat_user_chat_id", type_="unique")
        batch.drop_column("chat_id")
    with op.batch_alter_table("person") as batch:
        batch.drop_column("channel")
