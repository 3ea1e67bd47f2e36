"""A service centre's phone number (shown in /help), and a booking's revision (times moved).

The revision is the calendar file's SEQUENCE: a rescheduled booking keeps its number and its
calendar UID, so the phone's calendar moves the entry instead of adding a second one.

Revision ID: 0010
Revises: 0009
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table("service_centre") as batch:
        batch.add_column(
            sa.Column("phone", sa.String(length=32), nullable=False, server_default=sa.text("''"))
        )
    with op.batch_alter_table("booking") as batch:
        batch.add_column(
            sa.Column("revision", sa.Integer(), nullable=False, server_default=sa.text("0"))
        )


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("booking") as batch:
        batch.drop_column("revision")
    with op.batch_alter_table("service_centre") as batch:
        batch.drop_column("phone")
