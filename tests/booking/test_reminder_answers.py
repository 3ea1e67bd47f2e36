"""Answering the 24 h reminder: it is the current screen, so its buttons, "1" or "2" answer it.

(Whatever screen was open when it arrived: ``tests/booking/test_reminder_screens.py``.)
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update
from sqlmodel import col, select

from bot.context import Services
from handlers.kit import all_conversations, open_conversation
from models.booking.bookings import Booking
from models.booking.waitlist import WaitStatus
from models.core.base import utcnow
from models.core.outbox import OutboxMessage
from models.core.questions import PendingQuestion
from tests.authz.authz_cast import forge_tap
from tests.booking.booking_support import slot_of
from tests.booking.test_my_bookings_support import (
    book_slot,
    booking_row,
    entry_row,
    offers_sent,
    place_of,
    reply_labels,
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
    """Deliver due rows; the 24 h reminder (a question with its own keyboard) the person got."""
    since = int(harness.state.last_message_id(tg) or 0)
    await harness.drain_outbox()
    new = harness.state.messages(tg, since=since)
    found = [m for m in new if m.get("text", "").startswith("⏰") and reply_labels(m)]
    assert len(found) == 1, new
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


async def test_2_cancels_and_the_next_person_is_offered_at_once(
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
    assert reply_labels(reminder) == [
        "1. " + t("booking.choice.coming"),
        "2. " + t("booking.choice.cancel_it"),
        t("nav.home"),
    ]

    await other.send("/menu")
    await forge_tap(other, f"bk:no:{booking.id}")  # someone else's booking: refused
    answer = other.state.callback_answers(OTHER)[-1]
    assert answer["show_alert"] and answer["text"] == t("booking.error.not_yours")
    assert (await booking_row(services, booking.id or 0)).status == "confirmed"

    replies = await user.press("2. " + t("booking.choice.cancel_it"))
    place = await place_of(services, slot, "zh_CN")
    assert [m["text"] for m in replies] == [t("mine.cancelled", **place)]
    assert user.buttons()[0] == "1. " + t("menu.book")
    assert (await booking_row(services, booking.id or 0)).status == "cancelled"
    assert await outbox_status(services, f"reminder:booking:{booking.id}:2h") == {"cancelled"}
    assert (await entry_row(services, entry.id or 0)).status == WaitStatus.OFFERED.value
    [offer] = await offers_sent(harness, OTHER)
    assert reply_labels(offer)[0] == "1. " + t("waitlist.button.accept")

    await forge_tap(user, f"bk:yes:{booking.id}")  # an old reminder's inline button: too late
    answer = user.state.callback_answers(RESIDENT)[-1]
    assert answer["show_alert"] and answer["text"] == t("booking.error.not_active")
    assert (await booking_row(services, booking.id or 0)).attendance_reply is None


async def test_1_says_coming_in_english(harness: BotHarness, services: Services) -> None:
    t = services.i18n.translator("en")
    await make_person(services.sessions, RESIDENT, language="en")
    slot = await slot_of(services.sessions, "d-canteen", 3)
    booking = await book_slot(services, RESIDENT, slot.id or 0)
    user = harness.user(RESIDENT, language_code="en")
    await due_now(services, booking)
    reminder = await reminder_of(harness, RESIDENT, booking)
    assert "Reply 1 to confirm you will come, 2 to cancel." in reminder["text"]
    assert reply_labels(reminder)[0] == "1. ✅ I will come"
    replies = await user.press("1. ✅ I will come")
    place = await place_of(services, slot, "en")
    assert [m["text"] for m in replies if m.get("text")] == [t("mine.coming", **place)]
    fresh = await booking_row(services, booking.id or 0)
    assert (fresh.status, fresh.attendance_reply) == ("confirmed", "coming")
    assert user.buttons()[0] == "1. " + t("menu.book")  # the question is gone with its answer


async def test_typed_1_and_2_answer_the_reminder_only_while_it_is_on_screen(
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
    assert open_flows(harness, RESIDENT) == {"events"}  # the main menu's 2: joint events
    assert (await booking_row(services, coming.id or 0)).status == "confirmed"
    await user.send("/menu")

    await due_now(services, dropped)
    await reminder_of(harness, RESIDENT, dropped)
    await user.send("/mybookings")  # a screen opened after the reminder: "2" is that screen's
    await user.send("2")
    assert user.last_text().endswith(t("mine.detail.ask"))
    assert (await booking_row(services, dropped.id or 0)).status == "confirmed"
    await user.press(t("nav.home"))

    replies = await user.send("2")  # the main menu is on screen: its 2, the reminder is gone
    place = await place_of(services, second, "zh_CN")
    assert all(m["text"] != t("mine.cancelled", **place) for m in replies)
    assert (await booking_row(services, dropped.id or 0)).status == "confirmed"
    assert (await booking_row(services, coming.id or 0)).status == "confirmed"


async def test_a_reminder_past_its_slot_no_longer_takes_typed_numbers(
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
        await session.execute(  # as if the slot had started: the question expired with it
            update(PendingQuestion).values(expires_at=utcnow() - timedelta(seconds=1))
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
