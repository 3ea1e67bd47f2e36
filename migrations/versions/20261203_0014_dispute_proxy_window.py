"""Disputes: how long a proxy's report waits for the resident's answer before it lapses
(``dispute_policy.proxy_answer_hours``, 48 by default).

Revision ID: 0014
Revises: 0013
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table("dispute_policy", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("proxy_answer_hours", sa.Integer(), nullable=False, server_default="48")
        )


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("dispute_policy", schema=None) as batch_op:
        batch_op.drop_column("proxy_answer_hours")
