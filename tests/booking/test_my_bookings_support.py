"""Helpers for the 我的预约与提醒 tests: bookings and waitlist places made through the models."""

from __future__ import annotations

from sqlmodel import col, select

from bot.context import Services
from bot.i18n import Translator
from bot.timefmt import format_span
from models.booking.bookings import Booking, book
from models.booking.slots import Slot
from models.booking.waitlist import WaitlistEntry, join_waitlist
from models.core.people import Person, find_person
from models.core.places import ServiceCentre, Venue
from tests.harness import BotHarness, Message, SimUser


async def person(services: Services, tg: int) -> Person:
    """The registered person of a Telegram user."""
    async with services.sessions() as session:
        found = await find_person(session, tg)
    assert found is not None
    return found


async def book_slot(
    services: Services, tg: int, slot_id: int, *, party: int = 1, proxy: int | None = None
) -> Booking:
    """A booking made through the model (as the booking flow would), maybe by a proxy."""
    async with services.sessions() as session, session.begin():
        resident = await find_person(session, tg)
        booked_by = await find_person(session, proxy) if proxy else None
        assert resident is not None
        made = await book(session, resident, slot_id, party_size=party, booked_by=booked_by)
    return made.booking


async def wait_for(services: Services, tg: int, slot_id: int) -> WaitlistEntry:
    """Queue the person for a slot."""
    async with services.sessions() as session, session.begin():
        found = await find_person(session, tg)
        assert found is not None
        entry, _position = await join_waitlist(session, found, slot_id)
    return entry


async def row(services: Services, model: type, row_id: int) -> object:
    """A fresh copy of one row."""
    async with services.sessions() as session:
        return await session.get(model, row_id)


async def booking_row(services: Services, booking_id: int) -> Booking:
    """A fresh copy of a booking."""
    found = await row(services, Booking, booking_id)
    assert isinstance(found, Booking)
    return found


async def slot_row(services: Services, slot_id: int) -> Slot:
    """A fresh copy of a slot."""
    found = await row(services, Slot, slot_id)
    assert isinstance(found, Slot)
    return found


async def entry_row(services: Services, entry_id: int) -> WaitlistEntry:
    """A fresh copy of a waitlist entry."""
    found = await row(services, WaitlistEntry, entry_id)
    assert isinstance(found, WaitlistEntry)
    return found


async def bookings_of(services: Services, tg: int) -> list[Booking]:
    """Every booking the person holds, oldest first."""
    me = await person(services, tg)
    async with services.sessions() as session:
        query = select(Booking).where(col(Booking.person_id) == me.id).order_by(col(Booking.id))
        return list((await session.execute(query)).scalars())


async def place_of(services: Services, slot: Slot, lang: str) -> dict[str, str]:
    """What the screens say about a slot: venue, centre and time, in ``lang``."""
    async with services.sessions() as session:
        venue = await session.get(Venue, slot.venue_id)
        assert venue is not None
        centre = await session.get(ServiceCentre, venue.centre_id)
        assert centre is not None
    tz = services.settings.tz
    return {
        "venue": venue.name(lang),
        "centre": centre.name(lang),
        "when": format_span(slot.starts_at, slot.ends_at, lang, tz),
    }


def texts(messages: list[Message]) -> list[str]:
    """Text or caption of each message."""
    return [str(m.get("text") or m.get("caption") or "") for m in messages]


def inline_data(message: Message) -> list[str]:
    """The callback data of a message's inline buttons."""
    rows = (message.get("reply_markup") or {}).get("inline_keyboard") or []
    return [button["callback_data"] for r in rows for button in r if "callback_data" in button]


def reply_labels(message: Message) -> list[str]:
    """The labels of the reply keyboard a message brought, in order (a question's choices)."""
    rows = message.get("reply_markup", {}).get("keyboard", [])
    return [b if isinstance(b, str) else b["text"] for row in rows for b in row]


async def offers_sent(harness: BotHarness, tg: int) -> list[Message]:
    """Deliver due outbox rows; the waitlist offers (🎉 …) the person has received."""
    await harness.drain_outbox()
    return [m for m in harness.state.messages(tg) if m.get("text", "").startswith("🎉")]


async def assert_reprompts(user: SimUser, t: Translator, question: str) -> None:
    """A sticker, a wrong number and a very long text each re-ask the same screen."""
    keyboard = user.buttons()
    for act in (user.sticker(), user.send("99"), user.send("字" * 5000)):
        await act
        assert user.last_text().startswith(t("mine.not_understood")), user.last_text()
        assert question in user.last_text()
        assert user.buttons() == keyboard
