"""Joint events: an event's details, status and places (with the places held back for phone
sign-up), per-town quotas, the registration question's options, registrations, walk-ins and
ratings.

``event.taken`` and ``event_quota.taken`` are counters of the shared capacity engine
(``models.core.capacity``), each backed by a CHECK. The demo's events, made before, are
published with 0 places taken.

Revision ID: 0011
Revises: 0010
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import models.core.base

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "event_option",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("label_zh", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
        sa.Column("label_en", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
        sa.Column("ride", sa.Boolean(), nullable=False),
        sa.Column("pickup_at", models.core.base.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["event.id"],
            name=op.f("fk_event_option_event_id_event"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_option")),
    )
    with op.batch_alter_table("event_option", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_event_option_event_id"), ["event_id"], unique=False)

    op.create_table(
        "event_quota",
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("town_id", sa.Integer(), nullable=False),
        sa.Column("quota", sa.Integer(), nullable=False),
        sa.Column("taken", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "taken >= 0 AND taken <= quota", name=op.f("ck_event_quota_taken_within_quota")
        ),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["event.id"],
            name=op.f("fk_event_quota_event_id_event"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(["town_id"], ["town.id"], name=op.f("fk_event_quota_town_id_town")),
        sa.PrimaryKeyConstraint("event_id", "town_id", name=op.f("pk_event_quota")),
    )
    op.create_table(
        "event_walk_in",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("town_id", sa.Integer(), nullable=True),
        sa.Column("party_size", sa.Integer(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", models.core.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["event.id"],
            name=op.f("fk_event_walk_in_event_id_event"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["person.id"],
            name=op.f("fk_event_walk_in_recorded_by_id_person"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["town_id"], ["town.id"], name=op.f("fk_event_walk_in_town_id_town")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_walk_in")),
    )
    with op.batch_alter_table("event_walk_in", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_event_walk_in_event_id"), ["event_id"], unique=False)

    op.create_table(
        "event_registration",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("booked_by_id", sa.Integer(), nullable=True),
        sa.Column("town_id", sa.Integer(), nullable=True),
        sa.Column("party_size", sa.Integer(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("option_id", sa.Integer(), nullable=True),
        sa.Column("answer_text", sqlmodel.sql.sqltypes.AutoString(length=256), nullable=True),
        sa.Column("from_held_back", sa.Boolean(), nullable=False),
        sa.Column("code", sqlmodel.sql.sqltypes.AutoString(length=24), nullable=False),
        sa.Column("created_at", models.core.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", models.core.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("offered_at", models.core.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("offer_expires_at", models.core.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("attendance_reply", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
        sa.Column("checked_in_at", models.core.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("checked_in_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["booked_by_id"],
            ["person.id"],
            name=op.f("fk_event_registration_booked_by_id_person"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["checked_in_by_id"],
            ["person.id"],
            name=op.f("fk_event_registration_checked_in_by_id_person"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["event.id"],
            name=op.f("fk_event_registration_event_id_event"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["option_id"],
            ["event_option.id"],
            name=op.f("fk_event_registration_option_id_event_option"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
            name=op.f("fk_event_registration_person_id_person"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["town_id"], ["town.id"], name=op.f("fk_event_registration_town_id_town")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_registration")),
        sa.UniqueConstraint("code", name=op.f("uq_event_registration_code")),
    )
    with op.batch_alter_table("event_registration", schema=None) as batch_op:
        batch_op.create_index(
            "ix_event_registration_line", ["event_id", "status", "id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_event_registration_offer_expires_at"), ["offer_expires_at"], unique=False
        )
        batch_op.create_index("ix_event_registration_person", ["person_id", "status"], unique=False)
        batch_op.create_index(
            "uq_event_registration_active",
            ["event_id", "person_id"],
            unique=True,
            sqlite_where=sa.text("status IN ('confirmed', 'waitlisted', 'offered')"),
            postgresql_where=sa.text("status IN ('confirmed', 'waitlisted', 'offered')"),
        )

    op.create_table(
        "event_rating",
        sa.Column("registration_id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("rating", sa.Integer(), nullable=False),
        sa.Column("comment", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=True),
        sa.Column("voice_file_id", sqlmodel.sql.sqltypes.AutoString(length=256), nullable=True),
        sa.Column("created_at", models.core.base.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("rating BETWEEN 1 AND 5", name=op.f("ck_event_rating_rating_1_to_5")),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["event.id"],
            name=op.f("fk_event_rating_event_id_event"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
            name=op.f("fk_event_rating_person_id_person"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["registration_id"],
            ["event_registration.id"],
            name=op.f("fk_event_rating_registration_id_event_registration"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("registration_id", name=op.f("pk_event_rating")),
    )
    with op.batch_alter_table("event_rating", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_event_rating_event_id"), ["event_id"], unique=False)

    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "status",
                sqlmodel.sql.sqltypes.AutoString(length=16),
                nullable=False,
                server_default=sa.text("'published'"),
            )
        )
        batch_op.add_column(
            sa.Column("missing_language", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=True)
        )
        batch_op.add_column(
            sa.Column("poster_file_id", sqlmodel.sql.sqltypes.AutoString(length=256), nullable=True)
        )
        batch_op.add_column(sa.Column("cohost_town_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column(
                "place_zh",
                sqlmodel.sql.sqltypes.AutoString(length=256),
                nullable=False,
                server_default=sa.text("''"),
            )
        )
        batch_op.add_column(
            sa.Column(
                "place_en",
                sqlmodel.sql.sqltypes.AutoString(length=256),
                nullable=False,
                server_default=sa.text("''"),
            )
        )
        batch_op.add_column(
            sa.Column(
                "directions_zh",
                sqlmodel.sql.sqltypes.AutoString(length=1000),
                nullable=False,
                server_default=sa.text("''"),
            )
        )
        batch_op.add_column(
            sa.Column(
                "directions_en",
                sqlmodel.sql.sqltypes.AutoString(length=1000),
                nullable=False,
                server_default=sa.text("''"),
            )
        )
        batch_op.add_column(
            sa.Column(
                "accessibility_zh",
                sqlmodel.sql.sqltypes.AutoString(length=256),
                nullable=False,
                server_default=sa.text("''"),
            )
        )
        batch_op.add_column(
            sa.Column(
                "accessibility_en",
                sqlmodel.sql.sqltypes.AutoString(length=256),
                nullable=False,
                server_default=sa.text("''"),
            )
        )
        batch_op.add_column(
            sa.Column(
                "bring_zh",
                sqlmodel.sql.sqltypes.AutoString(length=256),
                nullable=False,
                server_default=sa.text("''"),
            )
        )
        batch_op.add_column(
            sa.Column(
                "bring_en",
                sqlmodel.sql.sqltypes.AutoString(length=256),
                nullable=False,
                server_default=sa.text("''"),
            )
        )
        batch_op.add_column(
            sa.Column("taken", sa.Integer(), nullable=False, server_default=sa.text("0"))
        )
        batch_op.add_column(
            sa.Column("held_back", sa.Integer(), nullable=False, server_default=sa.text("0"))
        )
        batch_op.add_column(
            sa.Column("held_back_until", models.core.base.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column(
                "registration_closes_at", models.core.base.UTCDateTime(timezone=True), nullable=True
            )
        )
        batch_op.add_column(sa.Column("audience_town_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("audience_community_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("max_party", sa.Integer(), nullable=False, server_default=sa.text("1"))
        )
        batch_op.add_column(
            sa.Column("question_kind", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=True)
        )
        batch_op.add_column(
            sa.Column(
                "question_zh",
                sqlmodel.sql.sqltypes.AutoString(length=256),
                nullable=False,
                server_default=sa.text("''"),
            )
        )
        batch_op.add_column(
            sa.Column(
                "question_en",
                sqlmodel.sql.sqltypes.AutoString(length=256),
                nullable=False,
                server_default=sa.text("''"),
            )
        )
        batch_op.add_column(
            sa.Column("revision", sa.Integer(), nullable=False, server_default=sa.text("0"))
        )
        batch_op.add_column(sa.Column("created_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column(
                "created_at",
                models.core.base.UTCDateTime(timezone=True),
                nullable=False,
                server_default=sa.func.now(),
            )
        )
        batch_op.add_column(
            sa.Column(
                "updated_at",
                models.core.base.UTCDateTime(timezone=True),
                nullable=False,
                server_default=sa.func.now(),
            )
        )
        batch_op.add_column(
            sa.Column("cancelled_at", models.core.base.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column("closed_at", models.core.base.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.create_index("ix_event_status_starts", ["status", "starts_at"], unique=False)
        batch_op.create_check_constraint(
            op.f("ck_event_places_within_capacity"), "taken >= 0 AND taken <= capacity"
        )
        batch_op.create_check_constraint(
            op.f("ck_event_held_back_within_taken"), "held_back >= 0 AND held_back <= taken"
        )
        batch_op.create_check_constraint(op.f("ck_event_party_at_least_one"), "max_party >= 1")
        batch_op.create_foreign_key(
            batch_op.f("fk_event_cohost_town_id_town"), "town", ["cohost_town_id"], ["id"]
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_event_audience_town_id_town"), "town", ["audience_town_id"], ["id"]
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_event_created_by_id_person"),
            "person",
            ["created_by_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_event_audience_community_id_community"),
            "community",
            ["audience_community_id"],
            ["id"],
        )


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_event_party_at_least_one"), type_="check")
        batch_op.drop_constraint(op.f("ck_event_held_back_within_taken"), type_="check")
        batch_op.drop_constraint(op.f("ck_event_places_within_capacity"), type_="check")
        batch_op.drop_constraint(
            batch_op.f("fk_event_audience_community_id_community"), type_="foreignkey"
        )
        batch_op.drop_constraint(batch_op.f("fk_event_created_by_id_person"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("fk_event_audience_town_id_town"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("fk_event_cohost_town_id_town"), type_="foreignkey")
        batch_op.drop_index("ix_event_status_starts")
        batch_op.drop_column("closed_at")
        batch_op.drop_column("cancelled_at")
        batch_op.drop_column("updated_at")
        batch_op.drop_column("created_at")
        batch_op.drop_column("created_by_id")
        batch_op.drop_column("revision")
        batch_op.drop_column("question_en")
        batch_op.drop_column("question_zh")
        batch_op.drop_column("question_kind")
        batch_op.drop_column("max_party")
        batch_op.drop_column("audience_community_id")
        batch_op.drop_column("audience_town_id")
        batch_op.drop_column("registration_closes_at")
        batch_op.drop_column("held_back_until")
        batch_op.drop_column("held_back")
        batch_op.drop_column("taken")
        batch_op.drop_column("bring_en")
        batch_op.drop_column("bring_zh")
        batch_op.drop_column("accessibility_en")
        batch_op.drop_column("accessibility_zh")
        batch_op.drop_column("directions_en")
        batch_op.drop_column("directions_zh")
        batch_op.drop_column("place_en")
        batch_op.drop_column("place_zh")
        batch_op.drop_column("cohost_town_id")
        batch_op.drop_column("poster_file_id")
        batch_op.drop_column("missing_language")
        batch_op.drop_column("status")

    with op.batch_alter_table("event_rating", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_event_rating_event_id"))

    op.drop_table("event_rating")
    with op.batch_alter_table("event_registration", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_event_registration_active",
            sqlite_where=sa.text("status IN ('confirmed', 'waitlisted', 'offered')"),
            postgresql_where=sa.text("status IN ('confirmed', 'waitlisted', 'offered')"),
        )
        batch_op.drop_index("ix_event_registration_person")
        batch_op.drop_index(batch_op.f("ix_event_registration_offer_expires_at"))
        batch_op.drop_index("ix_event_registration_line")

    op.drop_table("event_registration")
    with op.batch_alter_table("event_walk_in", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_event_walk_in_event_id"))

    op.drop_table("event_walk_in")
    op.drop_table("event_quota")
    with op.batch_alter_table("event_option", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_event_option_event_id"))

    op.drop_table("event_option")
