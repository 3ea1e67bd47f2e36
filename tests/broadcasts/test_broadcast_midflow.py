"""Issue 11, item 11: a notice that lands mid-flow never leaves the question buried.

A resident is on the booking's day screen when a broadcast goes out. The real outbox pump
holds it while they are mid-flow and sends it once they leave the flow; after five minutes it
goes anyway, followed by the same question and keyboard, which still answers. An urgent notice
is never held: it is followed by the question at once. (``jobs/midflow.py``)
"""

from __future__ import annotations

from datetime import timedelta

import time_machine
from sqlmodel import col, select

from bot.context import Services
from bot.timefmt import format_day
from jobs.broadcasts import ProgressBoard
from jobs.outbox import OutboxPump
from models.core.authz import Role
from models.core.outbox import OutboxKind, OutboxMessage, OutboxStatus, notify
from models.core.people import Person
from sandbox.transport import SandboxRequest
from tests.booking.booking_support import slot_of
from tests.booking.test_booking_flow_helpers import (
    choose_day,
    person,
    slot_day,
    to_day,
    town_name,
    tr,
)
from tests.booking.test_my_bookings_support import book_slot, booking_row
from tests.booking.test_reminder_answers import due_now, reminder_of
from tests.broadcasts.broadcast_support import create, job, staff, texts
from tests.core.outbox_support import as_received, notice
from tests.harness import BotHarness, SimUser

RESIDENT, VOLUNTEER = 6401, 6402
NOTICE = "明天上午9点，红梅学苑有知青文化讲座。"


async def on_day_screen(harness: BotHarness, services: Services) -> tuple[SimUser, str]:
    """A resident on the day screen of a canteen booking; the question they see."""
    user = await person(harness, RESIDENT)
    t = tr(services, "zh_CN")
    await to_day(user, services, t, "canteen", "D")
    question = user.last_text()
    kind, town = t("booking.kind.canteen"), await town_name(services, "D", "zh_CN")
    assert question == t("booking.ask_day", kind=kind, place=town)
    return user, question  # not flushed: the bot's own pump writes the UI state first


async def broadcast_now(harness: BotHarness, services: Services) -> int:
    """A volunteer's non-urgent notice to everyone, fanned out into the outbox."""
    author, scopes = await staff(services, VOLUNTEER, Role.VOLUNTEER)
    broadcast = await create(services, author, scopes, text=NOTICE)
    await job(harness, ProgressBoard())
    assert broadcast.id is not None
    return broadcast.id


async def row_of(services: Services, tg: int) -> OutboxMessage:
    """The resident's one outbox row."""
    async with services.sessions() as session:
        query = (
            select(OutboxMessage)
            .join(Person, col(Person.id) == col(OutboxMessage.person_id))
            .where(col(Person.tg_user_id) == tg)
        )
        return (await session.execute(query)).scalar_one()


async def test_a_broadcast_waits_until_the_resident_leaves_the_flow(
    harness: BotHarness, services: Services, clock: time_machine.Traveller
) -> None:
    user, question = await on_day_screen(harness, services)
    keyboard = user.keyboard()
    await broadcast_now(harness, services)
    since = harness.state.last_message_id(RESIDENT)

    await harness.drain_outbox()
    assert harness.state.messages(RESIDENT, since=since) == []  # held: the question stays last
    assert user.last_text() == question and user.keyboard() == keyboard
    held = await row_of(services, RESIDENT)
    assert held.status == OutboxStatus.PENDING.value and "held_since" in held.payload

    await user.press(tr(services, "zh_CN")("nav.home"))  # leaves the flow
    clock.shift(timedelta(seconds=20))
    since = harness.state.last_message_id(RESIDENT)
    await harness.drain_outbox()
    assert texts(harness.state.messages(RESIDENT, since=since)) == [as_received(services, NOTICE)]
    assert (await row_of(services, RESIDENT)).status == OutboxStatus.SENT.value


async def test_after_five_minutes_the_notice_goes_and_the_question_follows(
    harness: BotHarness, services: Services, clock: time_machine.Traveller
) -> None:
    user, question = await on_day_screen(harness, services)
    keyboard = user.keyboard()
    await broadcast_now(harness, services)
    await harness.drain_outbox()
    clock.shift(timedelta(minutes=2))
    await harness.drain_outbox()
    assert user.last_text() == question  # still held after 2 minutes

    clock.shift(timedelta(minutes=3, seconds=1))
    since = harness.state.last_message_id(RESIDENT)
    await harness.drain_outbox()
    t = tr(services, "zh_CN")
    assert texts(harness.state.messages(RESIDENT, since=since)) == [
        as_received(services, NOTICE),
        t("outbox.screen_again", question=question),
    ]
    assert user.keyboard() == keyboard  # the last thing on screen is the question
    slot = await slot_of(services.sessions, "d-canteen", 3)
    await choose_day(user, t, slot_day(slot))  # and a day on it still answers it
    kind = t("booking.kind.canteen")
    assert user.last_text() == t(
        "booking.ask_slot", kind=kind, day=format_day(slot_day(slot), "zh_CN")
    )


async def test_an_urgent_notice_is_sent_at_once_and_followed_by_the_question(
    harness: BotHarness, services: Services
) -> None:
    user, question = await on_day_screen(harness, services)
    keyboard = user.keyboard()
    async with services.sessions() as session, session.begin():
        resident = (
            await session.execute(select(Person).where(col(Person.tg_user_id) == RESIDENT))
        ).scalar_one()
        await notify(
            session, resident, OutboxKind.STATUS, notice("台风预警"), dedupe_key="t", urgent=True
        )
    since = harness.state.last_message_id(RESIDENT)
    await harness.drain_outbox()
    t = tr(services, "zh_CN")
    assert texts(harness.state.messages(RESIDENT, since=since)) == [
        as_received(services, "台风预警"),
        t("outbox.screen_again", question=question),
    ]
    assert user.keyboard() == keyboard


async def test_someone_not_in_a_flow_gets_the_notice_alone(
    harness: BotHarness, services: Services
) -> None:
    user = await person(harness, RESIDENT)
    await user.send("/menu")
    await broadcast_now(harness, services)
    since = harness.state.last_message_id(RESIDENT)
    await harness.drain_outbox()
    assert texts(harness.state.messages(RESIDENT, since=since)) == [as_received(services, NOTICE)]


async def test_a_separate_worker_sees_the_open_screen_in_the_database(
    harness: BotHarness, services: Services, clock: time_machine.Traveller
) -> None:
    """``tongxin worker``: another process's pump reads the state the bot persisted."""
    user, question = await on_day_screen(harness, services)
    await harness.flush_persistence()  # as PTB's periodic flush does within a second
    await broadcast_now(harness, services)
    worker = OutboxPump(services, request=SandboxRequest(harness.state), worker="other:1")
    try:
        await worker.drain(quiet=False)
        assert user.last_text() == question  # held
        clock.shift(timedelta(minutes=5, seconds=1))
        await worker.drain(quiet=False)
    finally:
        await worker.close()
    t = tr(services, "zh_CN")
    assert user.last_text() == t("outbox.screen_again", question=question)


async def test_a_reminder_that_replaced_the_flow_keeps_its_keyboard_under_the_notice(
    harness: BotHarness, services: Services
) -> None:
    """A question sent by message replaced the day screen: the notice goes at once, the day
    question is not asked again, and the reminder's keyboard (still on screen) answers "1"."""
    user, _day_question = await on_day_screen(harness, services)
    slot = await slot_of(services.sessions, "d-activity", 3)
    booking = await book_slot(services, RESIDENT, slot.id or 0)
    await due_now(services, booking)
    await reminder_of(harness, RESIDENT, booking)
    keyboard = user.keyboard()
    await broadcast_now(harness, services)
    since = harness.state.last_message_id(RESIDENT)
    await harness.drain_outbox()
    assert texts(harness.state.messages(RESIDENT, since=since)) == [as_received(services, NOTICE)]
    assert user.keyboard() == keyboard
    await user.send("1")
    assert (await booking_row(services, booking.id or 0)).attendance_reply is not None
