"""Phone key: each person's number normalised (digits only, without China's +86 / 0086), with a
partial unique index, so a proxy finds a resident through the index instead of reading every
person, and one number belongs to one person.

Existing numbers are given their key here. Should two people share one (possible before this
revision), the earlier registered (the lower id) keeps the key: the same rule the index sets
from now on, where the second to share a number is refused. The later one's number stays in
their profile, but nobody finds them by it until they share a number of their own again. Only
ids are logged, never a number.

Revision ID: 0007
Revises: 0006
"""

import logging
import re
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

logger = logging.getLogger("alembic.runtime.migration")

# As models.core.people.phone_key was when this revision was written (a migration keeps its own).
_NOT_DIGITS = re.compile(r"\D+")
_BATCH = 1000


def _phone_key(raw: str | None) -> str | None:
    digits = _NOT_DIGITS.sub("", raw or "")
    for prefix in ("0086", "86"):
        if digits.startswith(prefix) and len(digits) - len(prefix) == 11:
            digits = digits[len(prefix) :]
            break
    return digits if 5 <= len(digits) <= 20 else None


def _backfill() -> None:
    """Give every number its key, in id order, a batch at a time; a repeated key stays unset."""
    bind = op.get_bind()
    person = sa.table(
        "person", sa.column("id", sa.Integer), sa.column("phone", sa.String), sa.column("phone_key")
    )
    seen: set[str] = set()
    last_id = 0
    while True:
        rows = bind.execute(
            sa.select(person.c.id, person.c.phone)
            .where(person.c.phone.is_not(None), person.c.id > last_id)
            .order_by(person.c.id)
            .limit(_BATCH)
        ).all()
        if not rows:
            return
        updates = []
        for person_id, phone in rows:
            key = _phone_key(phone)
            if key is not None and key in seen:
                logger.warning("person %s shares a phone number with an earlier person", person_id)
            elif key is not None:
                seen.add(key)
                updates.append({"pid": person_id, "key": key})
        if updates:
            bind.execute(
                person.update()
                .where(person.c.id == sa.bindparam("pid"))
                .values(phone_key=sa.bindparam("key")),
                updates,
            )
        last_id = rows[-1][0]


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("phone_key", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True)
        )
    _backfill()
    op.create_index(
        "uq_person_phone_key",
        "person",
        ["phone_key"],
        unique=True,
        sqlite_where=sa.text("phone_key IS NOT NULL"),
        postgresql_where=sa.text("phone_key IS NOT NULL"),
    )


def downgrade() -> None:
    """Revert this revision."""
    op.drop_index("uq_person_phone_key", table_name="person")
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.drop_column("phone_key")
