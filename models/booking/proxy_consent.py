"""A resident's standing consent to a proxy, and what it lets the proxy see: the full name.

Until the resident's consent to this proxy is on record (the resident tapped "yes, and from
now on" once, and has not withdrawn it), every screen and message the proxy gets shows the
resident's name masked (王*姨): knowing a phone number is not enough to learn whose it is.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from models.booking.tables import ProxyConsent, id_of
from models.core.people import Person, mask_name


async def has_consent(session: AsyncSession, resident_id: int, proxy_id: int) -> bool:
    """Whether the resident gave standing consent to this proxy."""
    query = select(ProxyConsent.id).where(
        col(ProxyConsent.resident_id) == resident_id,
        col(ProxyConsent.proxy_id) == proxy_id,
        col(ProxyConsent.revoked_at).is_(None),
    )
    return (await session.execute(query)).first() is not None


async def name_for_proxy(session: AsyncSession, resident: Person, proxy_id: int | None) -> str:
    """The resident's name as the proxy may see it: in full with the resident's standing
    consent to this proxy, masked (王*姨) without; "—" when there is no name."""
    name = resident.display_name
    if not name:
        return "—"
    if proxy_id is not None and await has_consent(session, id_of(resident), proxy_id):
        return name
    return mask_name(name) or "—"
