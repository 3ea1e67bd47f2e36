"""Booking: venue rules, opening hours, blackouts, slots, bookings, waitlist, proxies, feedback.

Revision ID: 0003
Revises: 0002
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import models.core.base

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "proxy_consent",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("resident_id", sa.Integer(), nullable=False),
        sa.Column("proxy_id", sa.Integer(), nullable=False),
        sa.Column("granted_at", models.core.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", models.core.base.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["proxy_id"],
            ["person.id"],
            name=op.f("fk_proxy_consent_proxy_id_person"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["resident_id"],
            ["person.id"],
            name=op.f("fk_proxy_consent_resident_id_person"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_proxy_consent")),
    )
    with op.batch_alter_table("proxy_consent", schema=None) as batch_op:
        batch_op.create_index(
            "uq_proxy_consent_active",
            ["resident_id", "proxy_id"],
            unique=True,
            sqlite_where=sa.text("revoked_at IS NULL"),
            postgresql_where=sa.text("revoked_at IS NULL"),
        )

    op.create_table(
        "slot",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("venue_id", sa.Integer(), nullable=False),
        sa.Column("starts_at", models.core.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("ends_at", models.core.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("taken", sa.Integer(), nullable=False),
        sa.Column("closed", sa.Boolean(), nullable=False),
        sa.CheckConstraint(
            "taken >= 0 AND taken <= capacity", name=op.f("ck_slot_seats_within_capacity")
        ),
        sa.ForeignKeyConstraint(
            ["venue_id"], ["venue.id"], name=op.f("fk_slot_venue_id_venue"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_slot")),
        sa.UniqueConstraint("venue_id", "starts_at", name="uq_slot_venue_start"),
    )
    with op.batch_alter_table("slot", schema=None) as batch_op:
        batch_op.create_index("ix_slot_open_starts", ["starts_at", "venue_id"], unique=False)

    op.create_table(
        "venue_blackout",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("venue_id", sa.Integer(), nullable=False),
        sa.Column("first_day", sa.Date(), nullable=False),
        sa.Column("last_day", sa.Date(), nullable=False),
        sa.Column("reason_zh", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
        sa.Column("reason_en", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
        sa.CheckConstraint("first_day <= last_day", name=op.f("ck_venue_blackout_ordered_days")),
        sa.ForeignKeyConstraint(
            ["venue_id"],
            ["venue.id"],
            name=op.f("fk_venue_blackout_venue_id_venue"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_venue_blackout")),
    )
    with op.batch_alter_table("venue_blackout", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_venue_blackout_venue_id"), ["venue_id"], unique=False)

    op.create_table(
        "venue_hours",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("venue_id", sa.Integer(), nullable=False),
        sa.Column("weekday", sa.Integer(), nullable=False),
        sa.Column("opens", sa.Time(), nullable=False),
        sa.Column("closes", sa.Time(), nullable=False),
        sa.CheckConstraint("opens < closes", name=op.f("ck_venue_hours_opens_before_closes")),
        sa.ForeignKeyConstraint(
            ["venue_id"],
            ["venue.id"],
            name=op.f("fk_venue_hours_venue_id_venue"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_venue_hours")),
    )
    with op.batch_alter_table("venue_hours", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_venue_hours_venue_id"), ["venue_id"], unique=False)

    op.create_table(
        "booking",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slot_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("booked_by_id", sa.Integer(), nullable=True),
        sa.Column("party_size", sa.Integer(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("code", sqlmodel.sql.sqltypes.AutoString(length=24), nullable=False),
        sa.Column("created_at", models.core.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", models.core.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decline_reason", sqlmodel.sql.sqltypes.AutoString(length=256), nullable=True),
        sa.Column("attendance_reply", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
        sa.Column("checked_in_at", models.core.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("checked_in_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["booked_by_id"],
            ["person.id"],
            name=op.f("fk_booking_booked_by_id_person"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["checked_in_by_id"],
            ["person.id"],
            name=op.f("fk_booking_checked_in_by_id_person"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"],
            ["person.id"],
            name=op.f("fk_booking_decided_by_id_person"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
            name=op.f("fk_booking_person_id_person"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(["slot_id"], ["slot.id"], name=op.f("fk_booking_slot_id_slot")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_booking")),
        sa.UniqueConstraint("code", name=op.f("uq_booking_code")),
    )
    with op.batch_alter_table("booking", schema=None) as batch_op:
        batch_op.create_index("ix_booking_person_status", ["person_id", "status"], unique=False)
        batch_op.create_index("ix_booking_slot_status", ["slot_id", "status"], unique=False)
        batch_op.create_index(
            "uq_booking_active",
            ["slot_id", "person_id"],
            unique=True,
            sqlite_where=sa.text(
                "status IN ('awaiting_resident', 'pending_approval', 'confirmed')"
            ),
            postgresql_where=sa.text(
                "status IN ('awaiting_resident', 'pending_approval', 'confirmed')"
            ),
        )

    op.create_table(
        "waitlist_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slot_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("party_size", sa.Integer(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("created_at", models.core.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("offered_at", models.core.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("offer_expires_at", models.core.base.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
            name=op.f("fk_waitlist_entry_person_id_person"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["slot_id"],
            ["slot.id"],
            name=op.f("fk_waitlist_entry_slot_id_slot"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_waitlist_entry")),
    )
    with op.batch_alter_table("waitlist_entry", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_waitlist_entry_offer_expires_at"), ["offer_expires_at"], unique=False
        )
        batch_op.create_index("ix_waitlist_slot_status", ["slot_id", "status", "id"], unique=False)
        batch_op.create_index(
            "uq_waitlist_open",
            ["slot_id", "person_id"],
            unique=True,
            sqlite_where=sa.text("status IN ('waiting', 'offered')"),
            postgresql_where=sa.text("status IN ('waiting', 'offered')"),
        )

    op.create_table(
        "booking_feedback",
        sa.Column("booking_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("rating", sa.Integer(), nullable=False),
        sa.Column("comment", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=True),
        sa.Column("voice_file_id", sqlmodel.sql.sqltypes.AutoString(length=256), nullable=True),
        sa.Column("created_at", models.core.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", models.core.base.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "rating BETWEEN 1 AND 5", name=op.f("ck_booking_feedback_rating_1_to_5")
        ),
        sa.ForeignKeyConstraint(
            ["booking_id"],
            ["booking.id"],
            name=op.f("fk_booking_feedback_booking_id_booking"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
            name=op.f("fk_booking_feedback_person_id_person"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("booking_id", name=op.f("pk_booking_feedback")),
    )
    with op.batch_alter_table("venue", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "address_zh",
                sqlmodel.sql.sqltypes.AutoString(length=256),
                nullable=False,
                server_default=sa.text("''"),
            )
        )
        batch_op.add_column(
            sa.Column(
                "address_en",
                sqlmodel.sql.sqltypes.AutoString(length=256),
                nullable=False,
                server_default=sa.text("''"),
            )
        )
        batch_op.add_column(
            sa.Column(
                "directions_zh",
                sqlmodel.sql.sqltypes.AutoString(length=512),
                nullable=False,
                server_default=sa.text("''"),
            )
        )
        batch_op.add_column(
            sa.Column(
                "directions_en",
                sqlmodel.sql.sqltypes.AutoString(length=512),
                nullable=False,
                server_default=sa.text("''"),
            )
        )
        batch_op.add_column(
            sa.Column("slot_minutes", sa.Integer(), nullable=False, server_default=sa.text("60"))
        )
        batch_op.add_column(
            sa.Column(
                "lead_time_minutes", sa.Integer(), nullable=False, server_default=sa.text("60")
            )
        )
        batch_op.add_column(
            sa.Column("horizon_days", sa.Integer(), nullable=False, server_default=sa.text("30"))
        )
        batch_op.add_column(
            sa.Column(
                "max_active_bookings", sa.Integer(), nullable=False, server_default=sa.text("3")
            )
        )
        batch_op.add_column(
            sa.Column("max_party_size", sa.Integer(), nullable=False, server_default=sa.text("1"))
        )
        batch_op.add_column(
            sa.Column(
                "needs_approval", sa.Boolean(), nullable=False, server_default=sa.text("false")
            )
        )
        batch_op.add_column(
            sa.Column(
                "other_town_allowed", sa.Boolean(), nullable=False, server_default=sa.text("true")
            )
        )
        batch_op.add_column(
            sa.Column(
                "no_show_after_minutes", sa.Integer(), nullable=False, server_default=sa.text("30")
            )
        )


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("venue", schema=None) as batch_op:
        batch_op.drop_column("no_show_after_minutes")
        batch_op.drop_column("other_town_allowed")
        batch_op.drop_column("needs_approval")
        batch_op.drop_column("max_party_size")
        batch_op.drop_column("max_active_bookings")
        batch_op.drop_column("horizon_days")
        batch_op.drop_column("lead_time_minutes")
        batch_op.drop_column("slot_minutes")
        batch_op.drop_column("directions_en")
        batch_op.drop_column("directions_zh")
        batch_op.drop_column("address_en")
        batch_op.drop_column("address_zh")

    op.drop_table("booking_feedback")
    with op.batch_alter_table("waitlist_entry", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_waitlist_open",
            sqlite_where=sa.text("status IN ('waiting', 'offered')"),
            postgresql_where=sa.text("status IN ('waiting', 'offered')"),
        )
        batch_op.drop_index("ix_waitlist_slot_status")
        batch_op.drop_index(batch_op.f("ix_waitlist_entry_offer_expires_at"))

    op.drop_table("waitlist_entry")
    with op.batch_alter_table("booking", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_booking_active",
            sqlite_where=sa.text(
                "status IN ('awaiting_resident', 'pending_approval', 'confirmed')"
            ),
            postgresql_where=sa.text(
                "status IN ('awaiting_resident', 'pending_approval', 'confirmed')"
            ),
        )
        batch_op.drop_index("ix_booking_slot_status")
        batch_op.drop_index("ix_booking_person_status")

    op.drop_table("booking")
    with op.batch_alter_table("venue_hours", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_venue_hours_venue_id"))

    op.drop_table("venue_hours")
    with op.batch_alter_table("venue_blackout", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_venue_blackout_venue_id"))

    op.drop_table("venue_blackout")
    with op.batch_alter_table("slot", schema=None) as batch_op:
        batch_op.drop_index("ix_slot_open_starts")

    op.drop_table("slot")
    with op.batch_alter_table("proxy_consent", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_proxy_consent_active",
            sqlite_where=sa.text("revoked_at IS NULL"),
            postgresql_where=sa.text("revoked_at IS NULL"),
        )

    op.drop_table("proxy_consent")
