"""A question that arrives by message answers to its words as well as its numbers (issue 11,
item 2): the reminder's "确认", the offer's "要". A destructive choice is never guessed: only
its own label's words pick it."""

from __future__ import annotations

import pytest

from bot.context import Services
from tests.booking.booking_support import slot_of
from tests.booking.test_my_bookings_support import book_slot, booking_row, bookings_of, wait_for
from tests.booking.test_reminder_screens import remind
from tests.factories import make_person
from tests.harness import BotHarness

RESIDENT, WAITING = 6401, 6402


@pytest.mark.parametrize(("lang", "typed"), [("zh_CN", "确认"), ("zh_CN", "好的"), ("en", "yes")])
async def test_the_reminders_words_say_coming(
    harness: BotHarness, services: Services, lang: str, typed: str
) -> None:
    t = services.i18n.translator(lang)
    await make_person(services.sessions, RESIDENT, language=lang)
    slot = await slot_of(services.sessions, "d-canteen", 3)
    booking = await book_slot(services, RESIDENT, slot.id or 0)
    user = harness.user(RESIDENT, language_code=lang)
    await user.send("/menu")
    await remind(harness, services, booking)

    await user.send(typed)

    fresh = await booking_row(services, booking.id or 0)
    assert (fresh.status, fresh.attendance_reply) == ("confirmed", "coming")
    assert user.buttons()[0] == "1. " + t("menu.book")


@pytest.mark.parametrize("typed", ["取消", "不去", "cancel"])
async def test_cancelling_words_are_never_guessed(
    harness: BotHarness, services: Services, typed: str
) -> None:
    t = services.i18n.translator("zh_CN")
    await make_person(services.sessions, RESIDENT)
    slot = await slot_of(services.sessions, "d-canteen", 3)
    booking = await book_slot(services, RESIDENT, slot.id or 0)
    user = harness.user(RESIDENT)
    await user.send("/menu")
    await remind(harness, services, booking)

    await user.send(typed)

    assert user.last_text() == t("home.question.again", count=2)  # asked again, nothing done
    assert (await booking_row(services, booking.id or 0)).status == "confirmed"
    await user.send("取消预约")  # the choice's own words: that is a clear answer
    assert (await booking_row(services, booking.id or 0)).status == "cancelled"


async def test_the_offers_words_accept_it(harness: BotHarness, services: Services) -> None:
    await make_person(services.sessions, RESIDENT)
    await make_person(services.sessions, WAITING, name="李叔叔")
    slot = await slot_of(services.sessions, "d-activity", 3)  # one place
    booking = await book_slot(services, RESIDENT, slot.id or 0)
    await wait_for(services, WAITING, slot.id or 0)
    waiting = harness.user(WAITING)
    await waiting.send("/menu")
    holder = harness.user(RESIDENT)
    await holder.send("/mybookings")
    await holder.send("1")
    await holder.send("3")  # ❌ 取消预约
    await holder.send("2")  # 是，取消预约
    assert (await booking_row(services, booking.id or 0)).status == "cancelled"
    await harness.drain_outbox()
    assert waiting.last_text().startswith("🎉")

    await waiting.send("要")

    [taken] = await bookings_of(services, WAITING)
    assert (taken.slot_id, taken.status) == (slot.id, "confirmed")
