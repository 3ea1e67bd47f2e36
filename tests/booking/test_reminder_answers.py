"""Answering the 24 h reminder: its buttons, or "1" / "2" typed outside any flow."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update
from sqlmodel import col, select

from bot.context import Services
from handlers.kit import all_conversations, open_conversation
from models.booking.bookings import Booking, BookingStatus
from models.booking.waitlist import WaitStatus
from models.core.base import utcnow
from models.core.outbox import OutboxMessage
from tests.authz.authz_cast import forge_tap
from tests.booking.booking_support import slot_of
from tests.booking.test_my_bookings_support import (
    book_slot,
    booking_row,
    entry_row,
    inline_data,
    offers_sent,
    place_of,
    wait_for,
)
from tests.factories import make_person
from tests.harness import BotHarness, Message

RESIDENT, OTHER, PROXY = 6201, 6202, 6203


async def due_now(services: Services, booking: Booking, name: str = "24h") -> None:
    """Bring the booking's reminder forward, as if its slot were a day away."""
    async with services.sessions() as session, session.begin():
        await session.execute(
            update(OutboxMessage)
            .where(col(OutboxMessage.dedupe_key).like(f"reminder:booking:{booking.id}:{name}:%"))
            .values(due_at=utcnow() - timedelta(seconds=1))
        )


async def reminder_of(harness: BotHarness, tg: int, booking: Booking) -> Message:
    """Deliver due rows; the reminder with the booking's buttons that the person received."""
    await harness.drain_outbox()
    found = [m for m in harness.state.messages(tg) if f"bk:yes:{booking.id}" in inline_data(m)]
    assert len(found) == 1, harness.state.messages(tg)
    return found[0]


def open_flows(harness: BotHarness, tg: int) -> set[str]:
    """Names of the conversations in which the user has a screen open (asked through the kit)."""
    assert harness.app is not None
    names = (open_conversation([c], tg, tg) for c in all_conversations(harness.app))
    return {name for name in names if name is not None}


async def outbox_status(services: Services, key_prefix: str) -> set[str]:
    """Statuses of the outbox rows whose key starts with ``key_prefix``."""
    async with services.sessions() as session:
        query = select(col(OutboxMessage.status)).where(
            col(OutboxMessage.dedupe_key).like(f"{key_prefix}%")
        )
        return set((await session.execute(query)).scalars())


async def test_tap_2_cancels_and_the_next_person_is_offered_at_once(
    harness: BotHarness, services: Services
) -> None:
    t = services.i18n.translator("zh_CN")
    await make_person(services.sessions, RESIDENT)
    await make_person(services.sessions, OTHER, name="李叔叔")
    slot = await slot_of(services.sessions, "d-activity", 3)  # one place
    booking = await book_slot(services, RESIDENT, slot.id or 0)
    entry = await wait_for(services, OTHER, slot.id or 0)
    user, other = harness.user(RESIDENT), harness.user(OTHER)
    await due_now(services, booking)
    reminder = await reminder_of(harness, RESIDENT, booking)
    assert "回复 1 确认前往，2 取消" in reminder["text"]
    assert inline_data(reminder) == [f"bk:yes:{booking.id}", f"bk:no:{booking.id}"]
    labels = [b["text"] for b in reminder["reply_markup"]["inline_keyboard"][0]]
    assert labels == [t("booking.button.coming"), t("booking.button.cancel_it")]

    await other.send("/menu")
    await forge_tap(other, f"bk:no:{booking.id}")  # someone else's booking: refused
    answer = other.state.callback_answers(OTHER)[-1]
    assert answer["show_alert"] and answer["text"] == t("booking.error.not_yours")
    assert (await booking_row(services, booking.id or 0)).status == "confirmed"

    replies = await user.tap(reminder, f"bk:no:{booking.id}")
    place = await place_of(services, slot, "zh_CN")
    assert [m["text"] for m in replies] == [t("mine.cancelled", **place)]
    assert (await booking_row(services, booking.id or 0)).status == "cancelled"
    assert await outbox_status(services, f"reminder:booking:{booking.id}:2h") == {"cancelled"}
    assert (await entry_row(services, entry.id or 0)).status == WaitStatus.OFFERED.value
    [offer] = await offers_sent(harness, OTHER)
    assert inline_data(offer) == [f"wl:acc:{entry.id}", f"wl:dec:{entry.id}"]

    await forge_tap(user, f"bk:yes:{booking.id}")  # a late double tap: a polite alert
    answer = user.state.callback_answers(RESIDENT)[-1]
    assert answer["show_alert"] and answer["text"] == t("booking.error.not_active")
    assert (await booking_row(services, booking.id or 0)).attendance_reply is None


async def test_tap_1_says_coming_in_english(harness: BotHarness, services: Services) -> None:
    t = services.i18n.translator("en")
    await make_person(services.sessions, RESIDENT, language="en")
    slot = await slot_of(services.sessions, "d-canteen", 3)
    booking = await book_slot(services, RESIDENT, slot.id or 0)
    user = harness.user(RESIDENT, language_code="en")
    await due_now(services, booking)
    reminder = await reminder_of(harness, RESIDENT, booking)
    assert "Reply 1 to confirm you will come, 2 to cancel." in reminder["text"]
    replies = await user.tap(reminder, f"bk:yes:{booking.id}")
    place = await place_of(services, slot, "en")
    assert [m["text"] for m in replies if m.get("text")] == [t("mine.coming", **place)]
    fresh = await booking_row(services, booking.id or 0)
    assert (fresh.status, fresh.attendance_reply) == ("confirmed", "coming")
    tapped = user.state.messages(RESIDENT)
    assert not any(inline_data(m) for m in tapped)  # the answered reminder lost its buttons


async def test_typed_1_and_2_answer_only_a_waiting_reminder(
    harness: BotHarness, services: Services
) -> None:
    t = services.i18n.translator("zh_CN")
    await make_person(services.sessions, RESIDENT)
    user = harness.user(RESIDENT)
    first = await slot_of(services.sessions, "d-canteen", 3)
    second = await slot_of(services.sessions, "d-canteen", 4)
    coming = await book_slot(services, RESIDENT, first.id or 0)
    dropped = await book_slot(services, RESIDENT, second.id or 0)

    replies = await user.send("1")  # no reminder sent yet: the main menu's item 1, not ours
    place = await place_of(services, first, "zh_CN")
    assert replies and all(m["text"] != t("mine.coming", **place) for m in replies)
    assert open_flows(harness, RESIDENT) == {"booking"}  # the booking flow opened
    assert (await booking_row(services, coming.id or 0)).attendance_reply is None
    await user.send("/menu")

    await due_now(services, coming)
    await reminder_of(harness, RESIDENT, coming)
    replies = await user.send("１")  # a full-width digit, as some phone keyboards type it
    assert [m["text"] for m in replies] == [t("mine.coming", **place)]
    assert user.buttons()[0] == "1. " + t("menu.book")
    assert (await booking_row(services, coming.id or 0)).attendance_reply == "coming"

    replies = await user.send("2")  # answered already: "2" is the main menu's again
    assert replies and all(m["text"] != t("mine.cancelled", **place) for m in replies)
    assert open_flows(harness, RESIDENT) == set()
    assert (await booking_row(services, coming.id or 0)).status == "confirmed"
    await user.send("/menu")

    await due_now(services, dropped)
    await reminder_of(harness, RESIDENT, dropped)
    await user.send("/mybookings")  # on a screen of a flow, "2" is that screen's choice
    await user.send("2")
    assert user.last_text().endswith(t("mine.detail.ask"))
    assert (await booking_row(services, dropped.id or 0)).status == "confirmed"
    await user.press(t("nav.home"))

    replies = await user.send("2")
    place = await place_of(services, second, "zh_CN")
    assert [m["text"] for m in replies] == [t("mine.cancelled", **place)]
    assert (await booking_row(services, dropped.id or 0)).status == BookingStatus.CANCELLED.value
    assert (await booking_row(services, coming.id or 0)).status == "confirmed"


async def test_an_old_reminder_no_longer_takes_typed_numbers(
    harness: BotHarness, services: Services
) -> None:
    t = services.i18n.translator("zh_CN")
    await make_person(services.sessions, RESIDENT)
    user = harness.user(RESIDENT)
    slot = await slot_of(services.sessions, "d-canteen", 3)
    booking = await book_slot(services, RESIDENT, slot.id or 0)
    await due_now(services, booking)
    await reminder_of(harness, RESIDENT, booking)
    async with services.sessions() as session, session.begin():
        await session.execute(
            update(OutboxMessage)
            .where(col(OutboxMessage.dedupe_key).like(f"reminder:booking:{booking.id}:24h:%"))
            .values(sent_at=utcnow() - timedelta(hours=27))
        )
    replies = await user.send("2")
    place = await place_of(services, slot, "zh_CN")
    assert all(m["text"] != t("mine.cancelled", **place) for m in replies)
    assert (await booking_row(services, booking.id or 0)).status == "confirmed"


async def test_the_proxy_may_answer_but_a_stranger_may_not(
    harness: BotHarness, services: Services
) -> None:
    t = services.i18n.translator("zh_CN")
    await make_person(services.sessions, RESIDENT)
    await make_person(services.sessions, PROXY, name="小李")
    await make_person(services.sessions, OTHER)
    slot = await slot_of(services.sessions, "d-canteen", 3)
    booking = await book_slot(services, RESIDENT, slot.id or 0, proxy=PROXY)
    proxy, other = harness.user(PROXY), harness.user(OTHER)
    harness.user(RESIDENT)
    await due_now(services, booking)
    await harness.drain_outbox()
    assert any("回复 1 确认前往" in m.get("text", "") for m in proxy.state.messages(PROXY))

    await other.send("/menu")
    await forge_tap(other, f"bk:yes:{booking.id}")
    assert other.state.callback_answers(OTHER)[-1]["text"] == t("booking.error.not_yours")
    await forge_tap(other, "bk:yes:999999")  # no such booking: the same refusal
    assert other.state.callback_answers(OTHER)[-1]["show_alert"]
    assert (await booking_row(services, booking.id or 0)).attendance_reply is None

    replies = await proxy.send("1")  # the proxy got the reminder too, and answers it
    place = await place_of(services, slot, "zh_CN")
    assert [m["text"] for m in replies] == [t("mine.coming", **place)]
    assert (await booking_row(services, booking.id or 0)).attendance_reply == "coming"
