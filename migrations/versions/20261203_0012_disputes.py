"""Disputes: cases with their per-town-year numbering, notes, relay messages, lead handovers,
mediators' duty, category routing, and each town's disputes settings (group chat, SLA timings).

Revision ID: 0012
Revises: 0011
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import models.core.base

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "dispute_counter",
        sa.Column("town_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("last", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["town_id"], ["town.id"], name=op.f("fk_dispute_counter_town_id_town")
        ),
        sa.PrimaryKeyConstraint("town_id", "year", name=op.f("pk_dispute_counter")),
    )
    op.create_table(
        "dispute_case",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("town_id", sa.Integer(), nullable=False),
        sa.Column("lead_town_id", sa.Integer(), nullable=False),
        sa.Column("joint", sa.Boolean(), nullable=False),
        sa.Column("category", sqlmodel.sql.sqltypes.AutoString(length=24), nullable=False),
        sa.Column("parties", sqlmodel.sql.sqltypes.AutoString(length=24), nullable=False),
        sa.Column("reporter_id", sa.Integer(), nullable=True),
        sa.Column("proxy_id", sa.Integer(), nullable=True),
        sa.Column("reporter_town_id", sa.Integer(), nullable=True),
        sa.Column("description", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column("attachments", sa.JSON(), nullable=False),
        sa.Column("contact", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("anonymous", sa.Boolean(), nullable=False),
        sa.Column("cross_border_consent", sa.Boolean(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("referred_to", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=True),
        sa.Column("assignee_id", sa.Integer(), nullable=True),
        sa.Column("co_mediator_id", sa.Integer(), nullable=True),
        sa.Column("expected_on", sa.Date(), nullable=True),
        sa.Column("outcome", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=True),
        sa.Column("agreed_terms", sqlmodel.sql.sqltypes.AutoString(length=4000), nullable=True),
        sa.Column("carry_out", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=True),
        sa.Column("escalation_level", sa.Integer(), nullable=False),
        sa.Column("routed_at", models.core.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("realerted_at", models.core.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("head_alerted_at", models.core.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("admins_alerted_at", models.core.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("nudged_at", models.core.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("chase_used_at", models.core.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("accepted_at", models.core.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("closed_at", models.core.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("followup_sent_at", models.core.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column(
            "followup_answered_at", models.core.base.UTCDateTime(timezone=True), nullable=True
        ),
        sa.Column("solved", sa.Boolean(), nullable=True),
        sa.Column("rating", sa.Integer(), nullable=True),
        sa.Column("reporter_erased_at", models.core.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("anonymised_at", models.core.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_update_at", models.core.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_at", models.core.base.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "rating IS NULL OR rating BETWEEN 1 AND 5", name=op.f("ck_dispute_case_rating_1_to_5")
        ),
        sa.ForeignKeyConstraint(
            ["assignee_id"],
            ["person.id"],
            name=op.f("fk_dispute_case_assignee_id_person"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["co_mediator_id"],
            ["person.id"],
            name=op.f("fk_dispute_case_co_mediator_id_person"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["lead_town_id"], ["town.id"], name=op.f("fk_dispute_case_lead_town_id_town")
        ),
        sa.ForeignKeyConstraint(
            ["proxy_id"],
            ["person.id"],
            name=op.f("fk_dispute_case_proxy_id_person"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["reporter_id"],
            ["person.id"],
            name=op.f("fk_dispute_case_reporter_id_person"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["reporter_town_id"], ["town.id"], name=op.f("fk_dispute_case_reporter_town_id_town")
        ),
        sa.ForeignKeyConstraint(
            ["town_id"], ["town.id"], name=op.f("fk_dispute_case_town_id_town")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dispute_case")),
        sa.UniqueConstraint("number", name=op.f("uq_dispute_case_number")),
    )
    with op.batch_alter_table("dispute_case", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_dispute_case_assignee_id"), ["assignee_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_dispute_case_co_mediator_id"), ["co_mediator_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_dispute_case_proxy_id"), ["proxy_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_dispute_case_reporter_id"), ["reporter_id"], unique=False
        )
        batch_op.create_index("ix_dispute_case_status_town", ["status", "town_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_dispute_case_town_id"), ["town_id"], unique=False)

    op.create_table(
        "dispute_route",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("town_id", sa.Integer(), nullable=False),
        sa.Column("category", sqlmodel.sql.sqltypes.AutoString(length=24), nullable=False),
        sa.Column("mediator_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["mediator_id"],
            ["person.id"],
            name=op.f("fk_dispute_route_mediator_id_person"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["town_id"], ["town.id"], name=op.f("fk_dispute_route_town_id_town")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dispute_route")),
        sa.UniqueConstraint(
            "town_id", "category", "mediator_id", name=op.f("uq_dispute_route_town_id")
        ),
    )
    op.create_table(
        "mediator_duty",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("on_duty", sa.Boolean(), nullable=False),
        sa.Column("changed_at", models.core.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
            name=op.f("fk_mediator_duty_person_id_person"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("person_id", name=op.f("pk_mediator_duty")),
    )
    op.create_table(
        "dispute_handover",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("from_town_id", sa.Integer(), nullable=False),
        sa.Column("to_town_id", sa.Integer(), nullable=False),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column("requested_by", sa.Integer(), nullable=True),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column("decline_reason", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=True),
        sa.Column("created_at", models.core.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("decided_at", models.core.base.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["dispute_case.id"],
            name=op.f("fk_dispute_handover_case_id_dispute_case"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["decided_by"],
            ["person.id"],
            name=op.f("fk_dispute_handover_decided_by_person"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["from_town_id"], ["town.id"], name=op.f("fk_dispute_handover_from_town_id_town")
        ),
        sa.ForeignKeyConstraint(
            ["requested_by"],
            ["person.id"],
            name=op.f("fk_dispute_handover_requested_by_person"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["to_town_id"], ["town.id"], name=op.f("fk_dispute_handover_to_town_id_town")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dispute_handover")),
    )
    with op.batch_alter_table("dispute_handover", schema=None) as batch_op:
        batch_op.create_index(
            "uq_dispute_handover_pending",
            ["case_id"],
            unique=True,
            sqlite_where=sa.text("status = 'pending'"),
            postgresql_where=sa.text("status = 'pending'"),
        )

    op.create_table(
        "dispute_note",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("public", sa.Boolean(), nullable=False),
        sa.Column("text", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column("created_at", models.core.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["person.id"],
            name=op.f("fk_dispute_note_author_id_person"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["dispute_case.id"],
            name=op.f("fk_dispute_note_case_id_dispute_case"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dispute_note")),
    )
    with op.batch_alter_table("dispute_note", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_dispute_note_case_id"), ["case_id"], unique=False)

    op.create_table(
        "dispute_policy",
        sa.Column("town_id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=True),
        sa.Column("first_response_hours", sa.Integer(), nullable=False),
        sa.Column("realert_minutes", sa.Integer(), nullable=False),
        sa.Column("head_minutes", sa.Integer(), nullable=False),
        sa.Column("admins_minutes", sa.Integer(), nullable=False),
        sa.Column("nudge_days", sa.Integer(), nullable=False),
        sa.Column("chase_hours", sa.Integer(), nullable=False),
        sa.Column("followup_days", sa.Integer(), nullable=False),
        sa.Column("retention_days", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["bot_group.id"],
            name=op.f("fk_dispute_policy_group_id_bot_group"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["town_id"], ["town.id"], name=op.f("fk_dispute_policy_town_id_town")
        ),
        sa.PrimaryKeyConstraint("town_id", name=op.f("pk_dispute_policy")),
    )
    op.create_table(
        "dispute_relay",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("sender_id", sa.Integer(), nullable=True),
        sa.Column("recipient_id", sa.Integer(), nullable=True),
        sa.Column("direction", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("text", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column("file_id", sqlmodel.sql.sqltypes.AutoString(length=256), nullable=True),
        sa.Column("created_at", models.core.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["dispute_case.id"],
            name=op.f("fk_dispute_relay_case_id_dispute_case"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["recipient_id"],
            ["person.id"],
            name=op.f("fk_dispute_relay_recipient_id_person"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["sender_id"],
            ["person.id"],
            name=op.f("fk_dispute_relay_sender_id_person"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dispute_relay")),
    )
    with op.batch_alter_table("dispute_relay", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_dispute_relay_case_id"), ["case_id"], unique=False)


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("dispute_relay", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dispute_relay_case_id"))

    op.drop_table("dispute_relay")
    op.drop_table("dispute_policy")
    with op.batch_alter_table("dispute_note", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dispute_note_case_id"))

    op.drop_table("dispute_note")
    with op.batch_alter_table("dispute_handover", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_dispute_handover_pending",
            sqlite_where=sa.text("status = 'pending'"),
            postgresql_where=sa.text("status = 'pending'"),
        )

    op.drop_table("dispute_handover")
    op.drop_table("mediator_duty")
    op.drop_table("dispute_route")
    with op.batch_alter_table("dispute_case", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dispute_case_town_id"))
        batch_op.drop_index("ix_dispute_case_status_town")
        batch_op.drop_index(batch_op.f("ix_dispute_case_reporter_id"))
        batch_op.drop_index(batch_op.f("ix_dispute_case_proxy_id"))
        batch_op.drop_index(batch_op.f("ix_dispute_case_co_mediator_id"))
        batch_op.drop_index(batch_op.f("ix_dispute_case_assignee_id"))

    op.drop_table("dispute_case")
    op.drop_table("dispute_counter")
