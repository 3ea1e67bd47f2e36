"""Helpers for the staff booking tests: staff with roles, bookings, inline messages."""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import col, select

from bot.context import Services
from bot.i18n import Translator
from bot.timefmt import format_when
from models.booking.bookings import Booking, book
from models.booking.slots import Slot
from models.core.audit import AuditLog
from models.core.authz import Role, grant_role
from models.core.people import Person, find_person
from models.core.places import ServiceCentre, Town, Venue
from tests.factories import make_person
from tests.harness import Message, SimUser

LANGS = {"zh_CN": "zh-hans", "en": "en"}


async def staff(
    services: Services, tg: int, role: Role, town: str, *, name: str, language: str = "zh_CN"
) -> Person:
    """A registered person of ``town`` holding ``role`` there."""
    community = "d-changjiang" if town == "D" else "q-xinglong"
    person = await make_person(
        services.sessions,
        tg,
        town_code=town,
        community_code=community,
        name=name,
        language=language,
    )
    async with services.sessions() as session, session.begin():
        town_id = (
            await session.execute(select(col(Town.id)).where(Town.code == town))
        ).scalar_one()
        assert person.id is not None
        await grant_role(session, person.id, role, town_id)
    return person


async def resident(
    services: Services, tg: int, language: str = "zh_CN", name: str = "王阿姨"
) -> Person:
    """A Q-town resident."""
    return await make_person(
        services.sessions,
        tg,
        town_code="Q",
        community_code="q-xinglong",
        name=name,
        language=language,
    )


async def book_slot(services: Services, tg: int, slot_id: int) -> int:
    """Book through the domain (as the booking flow does); returns the booking id."""
    async with services.sessions() as session, session.begin():
        person = await find_person(session, tg)
        assert person is not None
        booking = (await book(session, person, slot_id)).booking
    assert booking.id is not None
    return booking.id


async def booking_of(services: Services, booking_id: int) -> Booking:
    """The booking as stored now."""
    async with services.sessions() as session:
        booking = await session.get(Booking, booking_id)
    assert booking is not None
    return booking


async def taken(services: Services, slot_id: int) -> int:
    """Places held in the slot."""
    async with services.sessions() as session:
        slot = await session.get(Slot, slot_id)
    assert slot is not None
    return slot.taken


async def audit_count(services: Services) -> int:
    """Audit rows so far."""
    async with services.sessions() as session:
        return int((await session.execute(select(func.count()).select_from(AuditLog))).scalar_one())


def request_of(user: SimUser, booking_id: int) -> Message:
    """The admin's approval request of ``booking_id`` (a question on its own reply keyboard)."""
    for message in reversed(user.state.messages(user.id)):
        if f"#{booking_id}" in (message.get("text") or "") and replies(message):
            return message
    raise AssertionError(f"no approval request for booking {booking_id}")


def replies(message: Message) -> list[str]:
    """The reply-keyboard labels a message brought (empty when none)."""
    markup = message.get("reply_markup") or {}
    return [
        str(b if isinstance(b, str) else b["text"])
        for row in markup.get("keyboard") or []
        for b in row
    ]


def inline(message: Message) -> list[list[dict[str, str]]]:
    """The inline keyboard of a message (empty when none)."""
    markup = message.get("reply_markup") or {}
    return list(markup.get("inline_keyboard") or [])


def current(user: SimUser, message: Message) -> Message:
    """The message as it reads now (after edits)."""
    found = [m for m in user.state.messages(user.id) if m["message_id"] == message["message_id"]]
    return found[0]


def last_answer(user: SimUser) -> dict[str, object]:
    """The latest answer to one of the user's taps."""
    return user.state.callback_answers(user.id)[-1]


async def expected(
    services: Services, t: Translator, msgid: str, booking_id: int, **more: object
) -> str:
    """A booking message (approved/declined/request) as the recipient reads it."""
    async with services.sessions() as session:
        booking = await session.get(Booking, booking_id)
        assert booking is not None
        slot = await session.get(Slot, booking.slot_id)
        assert slot is not None
        venue = await session.get(Venue, slot.venue_id)
        assert venue is not None
        centre = await session.get(ServiceCentre, venue.centre_id)
        assert centre is not None
    when = format_when(slot.starts_at, t.language, services.settings.tz)
    words = {"venue": venue.name(t.language), "centre": centre.name(t.language), "when": when}
    if "party" in more:  # plural messages: the party size picks the form
        return t.n(msgid, int(str(more["party"])), **words, **more)
    return t(msgid, **words, **more)
