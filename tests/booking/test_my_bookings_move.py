"""我的预约与提醒: rescheduling and resending a receipt, through the real Application."""

from __future__ import annotations

from sqlalchemy import update
from sqlmodel import col

from bot.context import Services
from bot.timefmt import format_clock, format_day, format_span
from models.booking.bookings import Booking
from models.booking.slots import Slot
from tests.booking.booking_support import names_booking, slot_of
from tests.booking.test_my_bookings_support import (
    assert_reprompts,
    book_slot,
    booking_row,
    bookings_of,
    place_of,
    slot_row,
    texts,
)
from tests.factories import make_person
from tests.harness import BotHarness

RESIDENT = 6111


async def test_reschedule_to_another_day_sends_the_receipt_again(
    harness: BotHarness, services: Services
) -> None:
    t = services.i18n.translator("zh_CN")
    tz = services.settings.tz
    await make_person(services.sessions, RESIDENT)
    old = await slot_of(services.sessions, "d-canteen", 2)
    new = await slot_of(services.sessions, "d-canteen", 4, index=1)
    booking = await book_slot(services, RESIDENT, old.id or 0, party=2)
    user = harness.user(RESIDENT)
    await user.send("/mybookings")
    await user.send("1")
    await user.choose(t("mine.action.move"))
    place = await place_of(services, new, "zh_CN")
    day_question = t("mine.move.ask_day", venue=place["venue"], centre=place["centre"])
    assert user.last_text() == day_question
    assert user.buttons()[-3] == "6. " + t("booking.day.more")  # elder mode: 5 days a page
    await assert_reprompts(user, t, day_question)
    await user.press(t("nav.back"))  # ⬅️ from the day: the booking again
    assert user.last_text().endswith(t("mine.detail.ask"))
    await user.choose(t("mine.action.move"))

    new_day = new.starts_at.astimezone(tz).date()
    await user.choose(format_day(new_day, "zh_CN", short=True))
    slot_question = t("mine.move.ask_slot", day=format_day(new_day, "zh_CN"))
    assert user.last_text() == slot_question
    await assert_reprompts(user, t, slot_question)
    await user.choose(format_clock(new.starts_at, tz) + "–")
    confirm = t(
        "mine.move.confirm",
        old=format_span(old.starts_at, old.ends_at, "zh_CN", tz),
        new=place["when"],
        venue=place["venue"],
        centre=place["centre"],
    )
    assert user.last_text() == confirm
    await assert_reprompts(user, t, confirm)
    shown = await user.choose(t("mine.move.yes"))

    [moved] = await bookings_of(services, RESIDENT)  # the same booking, at the new time
    assert (moved.id, moved.slot_id, moved.status) == (booking.id, new.id, "confirmed")
    assert moved.party_size == 2
    assert (await slot_row(services, old.id or 0)).taken == old.taken
    assert (await slot_row(services, new.id or 0)).taken == new.taken + 2
    assert names_booking(texts(shown)[0], moved.id) and place["when"] in texts(shown)[0]
    assert [m.get("kind") for m in shown][1:3] == ["document", "photo"]  # .ics and QR code
    assert user.last_text() == t("mine.move.done")
    assert user.buttons()[0] == "1. " + t("menu.book")


async def test_a_slot_filled_meanwhile_is_explained_and_nothing_moves(
    harness: BotHarness, services: Services
) -> None:
    t = services.i18n.translator("en")
    tz = services.settings.tz
    await make_person(services.sessions, RESIDENT, language="en")
    old = await slot_of(services.sessions, "d-canteen", 2)
    new = await slot_of(services.sessions, "d-canteen", 3)
    booking = await book_slot(services, RESIDENT, old.id or 0)
    user = harness.user(RESIDENT, language_code="en")
    await user.send("/mybookings")
    await user.send("1")
    assert user.last_text().endswith(t("mine.detail.ask"))
    await user.choose(t("mine.action.move"))
    await user.choose(format_day(new.starts_at.astimezone(tz).date(), "en", short=True))
    await user.choose(format_clock(new.starts_at, tz) + "–")
    async with services.sessions() as session, session.begin():
        await session.execute(
            update(Slot).where(col(Slot.id) == new.id).values(taken=col(Slot.capacity))
        )
    await user.choose(t("mine.move.yes"))
    assert user.last_text().startswith(t("mine.move.full"))
    assert [b.id for b in await bookings_of(services, RESIDENT)] == [booking.id]
    assert (await booking_row(services, booking.id or 0)).slot_id == old.id
    await user.press(t("nav.home"))
    assert user.last_text() == t("home.prompt")


async def test_resend_receipt_and_a_stale_choice(harness: BotHarness, services: Services) -> None:
    t = services.i18n.translator("zh_CN")
    await make_person(services.sessions, RESIDENT)
    slot = await slot_of(services.sessions, "d-canteen", 3)
    booking = await book_slot(services, RESIDENT, slot.id or 0)
    user = harness.user(RESIDENT)
    await user.send("/mybookings")
    await user.send("1")
    shown = await user.choose(t("mine.action.resend"))
    assert names_booking(texts(shown)[0], booking.id)
    assert [m.get("kind") for m in shown][1:3] == ["document", "photo"]
    assert user.last_text() == t("mine.detail.again")
    # cancelled elsewhere meanwhile (e.g. by answering the reminder): the fresh list
    async with services.sessions() as session, session.begin():
        await session.execute(
            update(Booking).where(col(Booking.id) == booking.id).values(status="cancelled")
        )
    await user.choose(t("mine.action.cancel"))
    assert user.last_text() == t("mine.empty")
