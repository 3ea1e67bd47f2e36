"""A resident's standing consent to a proxy, what it lets the proxy see (the full name), and the
one-time question a proxy's request without it puts to the resident.

Until the resident's consent to this proxy is on record (the resident tapped "yes, and from
now on" once, and has not withdrawn it), every screen and message the proxy gets shows the
resident's name masked (王*姨): knowing a phone number is not enough to learn whose it is.

Booking, events and disputes ask the same question when a proxy acts without standing consent:
1 yes this once / 2 yes, and from now on / 3 no (``consent_question``), and read the answer the
same way (``take_consent_answer``); each words it for its own request.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from models.booking.tables import ProxyConsent, id_of
from models.core.audit import record_audit
from models.core.people import Person, mask_name
from models.core.questions import question

PROXY_ANSWERS = ("ok", "always", "no")  # 1 yes this once, 2 yes and from now on, 3 no


@dataclass(frozen=True)
class ConsentWords:
    """A domain's message ids for the three answers: each button's label and, for the two
    yeses, what may be typed instead ("同意|好的"); refusing has no words of its own."""

    once: str
    once_words: str
    always: str
    always_words: str
    no: str


def consent_question(kind: str, subject: object, words: ConsentWords) -> dict[str, Any]:
    """The one-time question (the resident's current screen once delivered): the safe choice
    first, refusing last, picked only by its own label."""
    return question(
        kind,
        subject,
        ("ok", words.once, words.once_words),
        ("always", words.always, words.always_words),
        ("no", words.no),
    )


async def has_consent(session: AsyncSession, resident_id: int, proxy_id: int) -> bool:
    """Whether the resident gave standing consent to this proxy."""
    query = select(ProxyConsent.id).where(
        col(ProxyConsent.resident_id) == resident_id,
        col(ProxyConsent.proxy_id) == proxy_id,
        col(ProxyConsent.revoked_at).is_(None),
    )
    return (await session.execute(query)).first() is not None


async def grant_consent(session: AsyncSession, resident: Person, proxy_id: int) -> None:
    """Record standing consent (idempotent)."""
    resident_id = id_of(resident)
    if not await has_consent(session, resident_id, proxy_id):
        session.add(ProxyConsent(resident_id=resident_id, proxy_id=proxy_id))
        await session.flush()
        await record_audit(session, resident_id, "proxy.consent", "person", proxy_id)


async def take_consent_answer(
    session: AsyncSession, resident: Person, proxy_id: int | None, answer: str
) -> bool:
    """The resident's answer to the one-time question: whether it agrees (``ok`` or
    ``always``); ``always`` also records the standing consent to this proxy."""
    if answer == "always" and proxy_id is not None:
        await grant_consent(session, resident, proxy_id)
    return answer != "no"


async def name_for_proxy(session: AsyncSession, resident: Person, proxy_id: int | None) -> str:
    """The resident's name as the proxy may see it: in full with the resident's standing
    consent to this proxy, masked (王*姨) without; "—" when there is no name."""
    name = resident.display_name
    if not name:
        return "—"
    if proxy_id is not None and await has_consent(session, id_of(resident), proxy_id):
        return name
    return mask_name(name) or "—"
