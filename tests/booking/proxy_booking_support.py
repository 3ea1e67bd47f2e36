"""Helpers for the proxy booking tests: the cast (a proxy, a Q-town resident), consent, a booking
made for the resident, one waiting for the resident's answer, and what messages say."""

from __future__ import annotations

from sqlalchemy import select
from sqlmodel import col

from bot.context import Services
from bot.i18n import Translator
from bot.timefmt import format_span, format_when
from models.booking import Booking, BookingStatus, Slot, grant_consent, has_consent
from models.core.outbox import OutboxMessage
from models.core.people import find_person
from models.core.places import ServiceCentre
from tests.booking.booking_support import slot_of
from tests.booking.test_booking_flow_helpers import (
    bookings,
    choose_day,
    choose_slot,
    opening,
    person,
    slot_day,
    taken,
    to_day,
    tr,
    venue,
)
from tests.harness import BotHarness, Message, SimUser

PROXY, RESIDENT, STRANGER = 5401, 5402, 5403
PHONE = "13912345678"


async def cast(harness: BotHarness, proxy_lang: str, resident_lang: str) -> tuple[SimUser, SimUser]:
    """A proxy (a volunteer or family member in D town) and a Q-town resident with a phone."""
    proxy = await person(harness, PROXY, proxy_lang, name="小张")
    resident = await person(harness, RESIDENT, resident_lang, town="Q", name="王阿姨", phone=PHONE)
    return proxy, resident


async def consent(services: Services) -> None:
    """The resident's standing consent for the proxy."""
    async with services.sessions() as session, session.begin():
        resident, proxy = await find_person(session, RESIDENT), await find_person(session, PROXY)
        assert resident is not None and proxy is not None and proxy.id is not None
        await grant_consent(session, resident, proxy.id)


async def ids(services: Services) -> tuple[int, int]:
    """The proxy's and the resident's person ids."""
    async with services.sessions() as session:
        proxy, resident = await find_person(session, PROXY), await find_person(session, RESIDENT)
    assert proxy is not None and resident is not None
    return proxy.id or 0, resident.id or 0


async def book_canteen_for_resident(
    proxy: SimUser, services: Services, t: Translator, name: str = "王*姨"
) -> tuple[list[Message], Slot]:
    """The proxy books two canteen seats in Q town for the resident; returns the replies.

    ``name``: the resident's as the proxy sees it (masked until her standing consent)."""
    slot = await slot_of(services.sessions, "q-canteen", 3)
    canteen = await venue(services, "q-canteen")
    await to_day(proxy, services, t, "canteen", "Q", proxy_phone=PHONE)
    await choose_day(proxy, t, slot_day(slot))
    await choose_slot(proxy, t, slot, canteen.name(t.language))
    await proxy.choose(t.n("booking.party.many", 2, n=2))
    said = await described(services, t.language, slot, span=True)
    assert proxy.last_text() == t.n(
        "booking.ask_confirm.proxy.short", 2, name=name, party=2, **said
    )
    return await proxy.choose(t("booking.confirm.yes")), slot


async def described(
    services: Services, lang: str, slot: Slot, *, span: bool = False
) -> dict[str, str]:
    """Venue, centre and time of a Q-canteen slot as a message shows them."""
    canteen = await venue(services, "q-canteen")
    async with services.sessions() as session:
        centre = await session.get(ServiceCentre, canteen.centre_id)
    assert centre is not None
    tz = services.settings.tz
    when = (
        format_span(slot.starts_at, slot.ends_at, lang, tz)
        if span
        else format_when(slot.starts_at, lang, tz)
    )
    return {"venue": canteen.name(lang), "centre": centre.name(lang), "when": when}


async def reminder_people(services: Services, booking_id: int) -> list[int]:
    """Who the booking's reminders go to (one id per reminder)."""
    async with services.sessions() as session:
        rows = (
            await session.execute(
                select(col(OutboxMessage.person_id)).where(
                    col(OutboxMessage.dedupe_key).like(f"reminder:booking:{booking_id}:%")
                )
            )
        ).scalars()
        return sorted(int(r or 0) for r in rows)


async def pending_proxy_booking(
    harness: BotHarness, services: Services, proxy_lang: str, resident_lang: str
) -> tuple[SimUser, SimUser, Booking, Message, Slot]:
    """A proxy booking without consent; the resident has received the one-tap question."""
    proxy, resident = await cast(harness, proxy_lang, resident_lang)
    t, rt = tr(services, proxy_lang), tr(services, resident_lang)
    replies, slot = await book_canteen_for_resident(proxy, services, t)
    slot_id = slot.id or 0
    assert [m["kind"] for m in replies] == ["text", "document", "text"]  # no QR before a yes
    [booking] = await bookings(services)
    assert booking.status == BookingStatus.AWAITING_RESIDENT.value
    assert await taken(services, slot_id) == 2  # held while the resident decides
    assert await reminder_people(services, booking.id or 0) == []
    assert str(replies[0]["text"]).startswith(opening(t, "booking.receipt.awaiting_resident"))
    mark = resident._mark()
    await harness.drain_outbox()
    [question] = resident.state.messages(RESIDENT, since=mark)
    said = await described(services, resident_lang, slot)
    assert question["text"] == rt("proxy.ask_resident", proxy="小张", **said)
    labels = [b["text"] for row in question["reply_markup"]["keyboard"] for b in row]
    answers = ("yes_once", "yes_always", "no")  # refusing (it cancels the booking) comes last
    assert labels == [f"{n}. {rt(f'proxy.button.{a}')}" for n, a in enumerate(answers, 1)] + [
        rt("nav.home")
    ]
    return proxy, resident, booking, question, slot


async def has_consent_now(services: Services, resident_id: int, proxy_id: int) -> bool:
    """Whether standing consent exists."""
    async with services.sessions() as session:
        return await has_consent(session, resident_id, proxy_id)
