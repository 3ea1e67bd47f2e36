"""Waitlist offers through the real Application: accept, decline, lapse, forged taps."""

from __future__ import annotations

from datetime import timedelta

from bot.context import Services
from bot.timefmt import format_when
from jobs.booking import tick_once
from models.booking import BookingStatus, WaitStatus
from models.core.base import utcnow
from tests.authz.authz_cast import forge_tap
from tests.booking.booking_support import names_booking, slot_of
from tests.booking.test_my_bookings_support import (
    book_slot,
    bookings_of,
    entry_row,
    offers_sent,
    place_of,
    reply_labels,
    slot_row,
    texts,
    wait_for,
)
from tests.factories import make_person
from tests.harness import BotHarness

HOLDER, FIRST, SECOND = 6301, 6302, 6303


async def cancel_through_the_list(harness: BotHarness, services: Services) -> None:
    """The holder cancels their only booking in 我的预约."""
    t = services.i18n.translator("zh_CN")
    holder = harness.user(HOLDER)
    await holder.send("/mybookings")
    await holder.send("1")
    await holder.choose(t("mine.action.cancel"))
    await holder.choose(t("mine.cancel.yes"))
    assert holder.last_text().startswith("✅")


async def test_a_lapsed_offer_passes_to_the_next_person(
    harness: BotHarness, services: Services
) -> None:
    t = services.i18n.translator("zh_CN")
    en = services.i18n.translator("en")
    await make_person(services.sessions, HOLDER)
    await make_person(services.sessions, FIRST)
    await make_person(services.sessions, SECOND, language="en")
    slot = await slot_of(services.sessions, "d-activity", 3)
    await book_slot(services, HOLDER, slot.id or 0)
    first_entry = await wait_for(services, FIRST, slot.id or 0)
    second_entry = await wait_for(services, SECOND, slot.id or 0)
    first, second = harness.user(FIRST), harness.user(SECOND, language_code="en")
    await cancel_through_the_list(harness, services)

    [offer] = await offers_sent(harness, FIRST)
    assert offer["text"].startswith("🎉")
    assert await offers_sent(harness, SECOND) == []
    counts = await tick_once(services, now=utcnow() + timedelta(hours=3))
    assert counts["offers_lapsed"] == 1
    assert (await entry_row(services, first_entry.id or 0)).status == WaitStatus.EXPIRED.value
    assert (await entry_row(services, second_entry.id or 0)).status == WaitStatus.OFFERED.value
    [their_offer] = await offers_sent(harness, SECOND)
    assert reply_labels(their_offer) == [  # the offer is the current screen, accepting first
        "1. " + en("waitlist.button.accept"),
        "2. " + en("waitlist.button.decline"),
        en("nav.home"),
    ]

    replies = await first.send("1")  # too late: explained, nothing booked
    assert texts(replies)[0] == t("waitlist.error.gone")
    await forge_tap(first, f"wl:acc:{first_entry.id}")  # an offer's old inline button too
    answer = first.state.callback_answers(FIRST)[-1]
    assert answer["show_alert"] and answer["text"] == t("waitlist.error.gone")
    assert await bookings_of(services, FIRST) == []

    shown = await second.press("1. " + en("waitlist.button.accept"))
    [booking] = await bookings_of(services, SECOND)
    assert (booking.slot_id, booking.status) == (slot.id, BookingStatus.CONFIRMED.value)
    assert texts(shown)[0].startswith("✅") and names_booking(texts(shown)[0], booking.id)
    assert en("booking.ics") in texts(shown)  # the receipt comes in their language
    assert (await slot_row(services, slot.id or 0)).taken == 1


async def test_declining_offers_the_next_person_at_once(
    harness: BotHarness, services: Services
) -> None:
    t = services.i18n.translator("zh_CN")
    await make_person(services.sessions, HOLDER)
    await make_person(services.sessions, FIRST)
    await make_person(services.sessions, SECOND)
    slot = await slot_of(services.sessions, "d-activity", 3)
    await book_slot(services, HOLDER, slot.id or 0)
    first_entry = await wait_for(services, FIRST, slot.id or 0)
    second_entry = await wait_for(services, SECOND, slot.id or 0)
    first, second = harness.user(FIRST), harness.user(SECOND)
    await cancel_through_the_list(harness, services)
    [offer] = await offers_sent(harness, FIRST)

    await second.send("/menu")
    await forge_tap(second, f"wl:acc:{first_entry.id}")  # someone else's offer: refused
    answer = second.state.callback_answers(SECOND)[-1]
    assert answer["show_alert"] and answer["text"] == t("booking.error.not_yours")
    assert (await entry_row(services, first_entry.id or 0)).status == WaitStatus.OFFERED.value
    assert await bookings_of(services, SECOND) == []

    assert offer["text"].startswith("🎉")
    replies = await first.send("2")  # ❌ 不要了, typed
    assert texts(replies) == [t("mine.offer.declined")]
    assert (await entry_row(services, first_entry.id or 0)).status == WaitStatus.DECLINED.value
    assert (await entry_row(services, second_entry.id or 0)).status == WaitStatus.OFFERED.value
    [next_offer] = await offers_sent(harness, SECOND)
    assert reply_labels(next_offer)[0] == "1. " + t("waitlist.button.accept")
    assert (await slot_row(services, slot.id or 0)).taken == 1


async def test_an_offer_can_be_taken_up_from_my_bookings(
    harness: BotHarness, services: Services
) -> None:
    t = services.i18n.translator("zh_CN")
    tz = services.settings.tz
    await make_person(services.sessions, HOLDER)
    await make_person(services.sessions, FIRST)
    slot = await slot_of(services.sessions, "d-activity", 3)
    await book_slot(services, HOLDER, slot.id or 0)
    entry = await wait_for(services, FIRST, slot.id or 0)
    await cancel_through_the_list(harness, services)
    first = harness.user(FIRST)
    await first.send("/mybookings")
    assert first.buttons()[0].endswith("（有空位了，等您接受）")
    await first.send("1")
    fresh = await entry_row(services, entry.id or 0)
    assert fresh.offer_expires_at is not None
    place = await place_of(services, slot, "zh_CN")
    until = format_when(fresh.offer_expires_at, "zh_CN", tz)
    assert first.last_text() == t("mine.entry.offered", until=until, **place)
    await first.sticker()
    assert first.last_text().startswith(t("mine.not_understood"))
    assert await bookings_of(services, FIRST) == []
    shown = await first.choose(t("mine.entry.accept"))
    [booking] = await bookings_of(services, FIRST)
    assert booking.status == BookingStatus.CONFIRMED.value
    assert names_booking(texts(shown)[0], booking.id)
    assert first.last_text() == t("home.prompt")
    assert (await entry_row(services, entry.id or 0)).status == WaitStatus.ACCEPTED.value
