"""Catalogue version: a counter every change to towns, communities, centres, venues, opening
hours or blackout days bumps (by trigger), so in-process catalogue caches know when to reload.

Revision ID: 0004
Revises: 0003
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The tables the catalogue cache holds (models.core.catalogue); slots are not among them.
CATALOGUE_TABLES = ("town", "community", "service_centre", "venue", "venue_hours", "venue_blackout")
OPERATIONS = ("INSERT", "UPDATE", "DELETE")
BUMP = "UPDATE catalogue_version SET version = version + 1 WHERE id = 1"


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "catalogue_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_catalogue_version")),
    )
    op.execute("INSERT INTO catalogue_version (id, version) VALUES (1, 0)")
    if op.get_context().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION bump_catalogue_version() RETURNS trigger LANGUAGE plpgsql AS "
            f"$$ BEGIN {BUMP}; RETURN NULL; END $$"
        )
        for table in CATALOGUE_TABLES:
            op.execute(
                f"CREATE TRIGGER trg_{table}_catalogue AFTER INSERT OR UPDATE OR DELETE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION bump_catalogue_version()"
            )
        return
    for table in CATALOGUE_TABLES:
        for operation in OPERATIONS:
            op.execute(
                f"CREATE TRIGGER trg_{table}_catalogue_{operation.lower()} AFTER {operation} "
                f"ON {table} BEGIN {BUMP}; END"
            )


def downgrade() -> None:
    """Revert this revision."""
    if op.get_context().dialect.name == "postgresql":
        for table in CATALOGUE_TABLES:
            op.execute(f"DROP TRIGGER IF EXISTS trg_{table}_catalogue ON {table}")
        op.execute("DROP FUNCTION IF EXISTS bump_catalogue_version()")
    else:
        for table in CATALOGUE_TABLES:
            for operation in OPERATIONS:
                op.execute(f"DROP TRIGGER IF EXISTS trg_{table}_catalogue_{operation.lower()}")
    op.drop_table("catalogue_version")
