"""Choosing a display name: the one validator, and no passing for a member of staff.

Staff are the people who hold a volunteer, mediator, organiser or admin role (an active grant, or an
administrator id from the settings). A name is refused when, normalised and case-folded
(``name_key``), it is exactly the name of a staff member whose role covers the chooser's town
(a grant of that town, or of both towns); a staff member keeps their own name. Only exact
matches: "王 阿姨" is not "王阿姨", and letters of other scripts that look alike are not caught.
"""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import or_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from models.core.authz import Role, RoleGrant
from models.core.errors import DomainError
from models.core.people import Person, clean_display_name, name_key

STAFF_ROLES = (
    Role.VOLUNTEER.value,
    Role.MEDIATOR.value,
    Role.MEDIATION_HEAD.value,
    Role.ORGANISER.value,
    Role.COMMITTEE.value,
    Role.SECRETARY.value,
    Role.ADMIN.value,
)


class NameLikeStaff(DomainError):
    """The name is a staff member's: someone reading it would take this person for them."""

    message_id = "person.name.staff"


async def staff_names(
    session: AsyncSession, *, town_id: int | None, admin_ids: Collection[int]
) -> list[tuple[int, str]]:
    """(person id, display name) of the staff whose role covers ``town_id``, and the admins."""
    granted = (
        select(col(Person.id), col(Person.display_name))
        .join(RoleGrant, col(RoleGrant.person_id) == col(Person.id))
        .where(
            col(RoleGrant.revoked_at).is_(None),
            col(RoleGrant.role).in_(STAFF_ROLES),
            or_(col(RoleGrant.town_id).is_(None), col(RoleGrant.town_id) == town_id),
            col(Person.display_name).is_not(None),
        )
    )
    admins = select(col(Person.id), col(Person.display_name)).where(
        col(Person.tg_user_id).in_(list(admin_ids)), col(Person.display_name).is_not(None)
    )
    rows = [*(await session.execute(granted)).all(), *(await session.execute(admins)).all()]
    return [(person_id, str(name)) for person_id, name in rows if person_id is not None]


async def display_name_for(
    session: AsyncSession, *, person: Person, name: str | None, admin_ids: Collection[int]
) -> str:
    """``name`` as ``person`` may keep it: cleaned, and not a staff member's (``NameLikeStaff``)."""
    cleaned = clean_display_name(name)
    key = name_key(cleaned)
    staff = await staff_names(session, town_id=person.town_id, admin_ids=admin_ids)
    if any(name_key(theirs) == key for who, theirs in staff if who != person.id):
        raise NameLikeStaff()
    return cleaned
