"""Events: a proxy's request to register a resident without standing consent, waiting for the
resident's answer (``event_proxy_request``; it holds no places, see docs/events.md).

Revision ID: 0013
Revises: 0012
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import models.core.base

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "event_proxy_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("proxy_id", sa.Integer(), nullable=False),
        sa.Column("party_size", sa.Integer(), nullable=False),
        sa.Column("option_id", sa.Integer(), nullable=True),
        sa.Column("answer_text", sqlmodel.sql.sqltypes.AutoString(length=256), nullable=True),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("created_at", models.core.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", models.core.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("answered_at", models.core.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("registration_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["event.id"],
            name=op.f("fk_event_proxy_request_event_id_event"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["option_id"],
            ["event_option.id"],
            name=op.f("fk_event_proxy_request_option_id_event_option"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
            name=op.f("fk_event_proxy_request_person_id_person"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["proxy_id"],
            ["person.id"],
            name=op.f("fk_event_proxy_request_proxy_id_person"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["registration_id"],
            ["event_registration.id"],
            name=op.f("fk_event_proxy_request_registration_id_event_registration"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_proxy_request")),
    )
    with op.batch_alter_table("event_proxy_request", schema=None) as batch_op:
        batch_op.create_index("ix_event_proxy_request_due", ["status", "expires_at"], unique=False)
        batch_op.create_index("ix_event_proxy_request_proxy", ["proxy_id", "status"], unique=False)
        batch_op.create_index(
            "uq_event_proxy_request_asked",
            ["event_id", "person_id"],
            unique=True,
            sqlite_where=sa.text("status = 'asked'"),
            postgresql_where=sa.text("status = 'asked'"),
        )


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("event_proxy_request", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_event_proxy_request_asked",
            sqlite_where=sa.text("status = 'asked'"),
            postgresql_where=sa.text("status = 'asked'"),
        )
        batch_op.drop_index("ix_event_proxy_request_proxy")
        batch_op.drop_index("ix_event_proxy_request_due")

    op.drop_table("event_proxy_request")
