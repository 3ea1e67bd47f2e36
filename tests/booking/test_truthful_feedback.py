"""Feedback that tells the truth (issue 11, item 10): a confirm repeated after cancelling claims
nothing, the check-in screen's "show the QR code below" is followed by the code, and a move
keeps the booking number and the calendar entry."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from icalendar import Calendar
from sqlmodel import col, select

from bot.context import Services
from bot.i18n import Translator
from bot.timefmt import format_clock, format_day, format_span
from models.booking import BookingStatus, Slot
from models.core.outbox import OutboxMessage
from tests.booking.booking_support import names_booking, slot_of
from tests.booking.test_booking_flow_helpers import bookings, opening, person, taken, tr
from tests.booking.test_booking_flow_input import reach
from tests.booking.test_my_bookings_support import (
    book_slot,
    bookings_of,
    place_of,
    slot_row,
    wait_for,
)
from tests.factories import make_person
from tests.harness import BotHarness, Message, SimUser

PNG = b"\x89PNG"
RESIDENT = 5312


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
async def test_confirm_again_after_cancelling_claims_nothing(
    harness: BotHarness, services: Services, lang: str
) -> None:
    user, t = await person(harness, 5311, lang), tr(services, lang)
    slot = await reach(harness, services, user, t, "confirm")
    label = user.button(t("booking.confirm.yes"))
    await user.press(label)
    [booking] = await bookings(services)
    await user.send(t("menu.mine"))
    await user.send("1")
    await user.choose(t("mine.action.cancel"))
    await user.choose(t("mine.cancel.yes"))
    assert (await bookings(services))[0].status == BookingStatus.CANCELLED.value

    replies = await user.send(label)  # the old confirm button's words, typed again

    said = [m["text"] for m in replies]
    assert said == [t("booking.confirm.ended", id=booking.id)]
    assert t("booking.already_booked", id=booking.id) not in said
    assert user.buttons()[0] == "1. " + t("menu.book")  # the main menu, to start again
    [still] = await bookings(services)
    assert still.status == BookingStatus.CANCELLED.value
    assert await taken(services, slot.id or 0) == 0


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
async def test_the_booking_screen_shows_the_qr_code_it_mentions(
    harness: BotHarness, services: Services, lang: str
) -> None:
    t = tr(services, lang)
    await make_person(services.sessions, RESIDENT, language=lang)
    slot = await slot_of(services.sessions, "d-canteen", 3)
    booking = await book_slot(services, RESIDENT, slot.id or 0)
    user = harness.user(RESIDENT, language_code=lang)
    await user.send(t("menu.mine"))

    shown = await user.send("1")

    receipt, qr, question = shown
    assert names_booking(receipt["text"], booking.id)
    assert opening(t, "booking.receipt.confirmed") in receipt["text"]  # "show the code below"
    assert qr["kind"] == "photo" and qr["file"]["bytes"].startswith(PNG)
    assert qr["caption"] == t("booking.qr")
    assert question["text"] == t("mine.detail.ask")  # the question comes last, with its choices
    assert user.buttons()[2] == "3. " + t("mine.action.cancel")
    await user.choose(t("mine.action.cancel"))  # the screen still answers as before
    assert user.last_text() == t("mine.cancel.ask", **await place_of(services, slot, lang))


def _calendar(message: Message) -> dict[str, Any]:
    """The UID, SEQUENCE (0 when absent) and start of a calendar file's one event."""
    assert message["kind"] == "document"
    [event] = Calendar.from_ical(message["file"]["bytes"]).walk("VEVENT")
    sequence: Any = event.get("sequence", 0)
    return {"uid": str(event["uid"]), "sequence": int(sequence), "start": event.decoded("dtstart")}


async def _move(user: SimUser, t: Translator, services: Services, new: Slot) -> list[Message]:
    tz = services.settings.tz
    await user.choose(t("mine.action.move"))
    await user.choose(format_day(new.starts_at.astimezone(tz).date(), t.language, short=True))
    await user.choose(format_clock(new.starts_at, tz) + "–")
    return await user.choose(t("mine.move.yes"))


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
async def test_a_move_keeps_the_number_and_moves_the_calendar_entry(
    harness: BotHarness, services: Services, lang: str
) -> None:
    t = tr(services, lang)
    await make_person(services.sessions, RESIDENT, language=lang)
    await make_person(services.sessions, RESIDENT + 1, name="李叔叔")
    old = await slot_of(services.sessions, "d-activity", 2)  # one place
    new = await slot_of(services.sessions, "d-activity", 3)
    booking = await book_slot(services, RESIDENT, old.id or 0)
    await wait_for(services, RESIDENT + 1, old.id or 0)  # waiting for the old time
    await harness.user(RESIDENT + 1).send("/menu")  # their chat with the bot is open
    user = harness.user(RESIDENT, language_code=lang)
    await user.send(t("menu.mine"))
    await user.send("1")
    first = _calendar((await user.choose(t("mine.action.resend")))[1])

    shown = await _move(user, t, services, new)

    receipt, ics, qr, done = shown
    assert receipt["text"].startswith(opening(t, "booking.receipt.moved"))
    assert names_booking(receipt["text"], booking.id)  # the same booking number
    assert place_when(t, services, new) in receipt["text"]
    moved = _calendar(ics)
    assert moved["uid"] == first["uid"] == f"booking-{booking.id}@tongxin"
    assert moved["sequence"] > first["sequence"]
    assert moved["start"] == new.starts_at
    assert qr["kind"] == "photo"
    assert done["text"] == t("mine.move.done")
    [row] = await bookings_of(services, RESIDENT)  # one booking, moved: not a second one
    assert (row.id, row.slot_id, row.status, row.revision) == (booking.id, new.id, "confirmed", 1)
    assert row.code == booking.code  # the check-in code it had still works
    assert (await slot_row(services, old.id or 0)).taken == 1  # the waiting person's offer
    assert (await slot_row(services, new.id or 0)).taken == 1
    assert await reminders_of(services, booking.id or 0) == {new.starts_at}
    await harness.drain_outbox()
    assert harness.user(RESIDENT + 1).last_text().startswith("🎉")  # the old place, offered


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
async def test_moving_twice_and_back_keeps_one_booking_and_its_reminders(
    harness: BotHarness, services: Services, lang: str
) -> None:
    t = tr(services, lang)
    await make_person(services.sessions, RESIDENT, language=lang)
    old = await slot_of(services.sessions, "d-canteen", 2)
    new = await slot_of(services.sessions, "d-canteen", 3)
    booking = await book_slot(services, RESIDENT, old.id or 0, party=2)
    user = harness.user(RESIDENT, language_code=lang)
    sequences = []
    for slot in (new, old):  # there and back again
        await user.send(t("menu.mine"))
        await user.send("1")
        shown = await _move(user, t, services, slot)
        sequences.append(_calendar(shown[1])["sequence"])
        assert await reminders_of(services, booking.id or 0) == {slot.starts_at}
    assert sequences == [1, 2]
    [row] = await bookings_of(services, RESIDENT)
    assert (row.id, row.slot_id, row.revision, row.party_size) == (booking.id, old.id, 2, 2)
    assert (await slot_row(services, old.id or 0)).taken == old.taken + 2
    assert (await slot_row(services, new.id or 0)).taken == new.taken


def place_when(t: Translator, services: Services, slot: Slot) -> str:
    """A slot's time as a receipt shows it."""
    return format_span(slot.starts_at, slot.ends_at, t.language, services.settings.tz)


async def reminders_of(services: Services, booking_id: int) -> set[datetime]:
    """When the booking's pending reminders are about (their ``expires_at``: the slot start)."""
    async with services.sessions() as session:
        rows = await session.execute(
            select(col(OutboxMessage.expires_at)).where(
                col(OutboxMessage.dedupe_key).like(f"reminder:booking:{booking_id}:%"),
                col(OutboxMessage.status) == "pending",
            )
        )
        return {at for at in rows.scalars() if at is not None}
