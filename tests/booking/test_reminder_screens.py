"""Issue 11.1: answering a reminder as told never acts on yesterday's open screen.

Whatever screen the person has open, the 24 h reminder that arrives becomes the current screen:
"1" confirms the booking, and a second "1" is the main menu's, so nothing is ever cancelled,
erased or edited by the answer. Open screens also close after 30 idle minutes.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta

import pytest
import time_machine
from sqlmodel import select

from bot.context import Services
from models.booking.bookings import Booking
from models.core.authz import Role
from models.core.people import Person
from models.core.places import Venue
from tests.booking.booking_support import slot_of
from tests.booking.test_my_bookings_support import book_slot, booking_row, bookings_of, wait_for
from tests.booking.test_reminder_answers import due_now, open_flows
from tests.booking.venues_admin_support import fetch, open_card, tap, venue
from tests.broadcasts.broadcast_support import staff
from tests.conftest import ADMIN_ID
from tests.factories import make_person
from tests.harness import BotHarness, SimUser

RESIDENT = 6301
Opener = Callable[[BotHarness, Services, SimUser], Awaitable[None]]


async def booking_flow_midway(harness: BotHarness, services: Services, user: SimUser) -> None:
    """📅 预约, then the first answer: a question of the booking flow is open."""
    await user.send("/book")
    await user.send("1")
    assert open_flows(harness, user.id) == {"booking"}


async def booking_detail(harness: BotHarness, services: Services, user: SimUser) -> None:
    """我的预约, the booking: its detail screen (cancel, move, resend) is open."""
    await user.send("/mybookings")
    await user.send("1")
    assert user.last_text().endswith(services.i18n.translator("zh_CN")("mine.detail.ask"))


async def settings_menu(harness: BotHarness, services: Services, user: SimUser) -> None:
    """/settings: its menu is open."""
    await user.send("/settings")
    assert open_flows(harness, user.id) == {"settings"}


async def deleteme_confirm(harness: BotHarness, services: Services, user: SimUser) -> None:
    """/deleteme: "are you sure?" is open."""
    await user.send("/deleteme")
    assert open_flows(harness, user.id) == {"deleteme"}


async def broadcast_compose(harness: BotHarness, services: Services, user: SimUser) -> None:
    """A volunteer's /broadcast: it waits for the notice's text."""
    await user.send("/broadcast")
    assert open_flows(harness, user.id) == {"broadcast"}


async def roles_invite(harness: BotHarness, services: Services, user: SimUser) -> None:
    """An admin's /invite: its role choice is on screen."""
    await user.send("/invite")


async def venues_question(harness: BotHarness, services: Services, user: SimUser) -> None:
    """An admin's /venues: it waits for the canteen's largest party size."""
    canteen = await venue(services, "d-canteen")
    await open_card(user, canteen)
    await tap(user, f"va:n:{canteen.id}:party")
    assert open_flows(harness, user.id)


# (who the person is, how the screen is opened)
SCREENS: dict[str, tuple[Role | None, Opener]] = {
    "booking flow mid-way": (None, booking_flow_midway),
    "booking detail": (None, booking_detail),
    "settings": (None, settings_menu),
    "deleteme confirm": (None, deleteme_confirm),
    "broadcast compose": (Role.VOLUNTEER, broadcast_compose),
    "roles invite": (Role.ADMIN, roles_invite),
    "venues admin": (Role.ADMIN, venues_question),
}


async def someone(services: Services, role: Role | None) -> int:
    """A registered person (the global admin for admin screens); their Telegram id."""
    if role is Role.ADMIN:
        await make_person(services.sessions, ADMIN_ID, name="总管理员")
        return ADMIN_ID
    if role is not None:
        await staff(services, RESIDENT, role)
    else:
        await make_person(services.sessions, RESIDENT)
    return RESIDENT


async def remind(harness: BotHarness, services: Services, booking: Booking) -> None:
    """The 24 h reminder comes due and the pump delivers it."""
    await due_now(services, booking)
    await harness.drain_outbox()


async def still_there(services: Services, tg: int) -> bool:
    """Whether the person's row still exists (not erased)."""
    async with services.sessions() as session:
        found = await session.execute(select(Person).where(Person.tg_user_id == tg))
        return found.scalar_one_or_none() is not None


@pytest.mark.parametrize("screen", list(SCREENS))
async def test_1_then_1_after_the_reminder_confirms_whatever_screen_was_open(
    harness: BotHarness, services: Services, screen: str
) -> None:
    role, open_screen = SCREENS[screen]
    tg = await someone(services, role)
    slot = await slot_of(services.sessions, "d-canteen", 3)
    booking = await book_slot(services, tg, slot.id or 0)
    canteen = await venue(services, "d-canteen")
    user = harness.user(tg)
    await open_screen(harness, services, user)

    await remind(harness, services, booking)
    assert "回复 1 确认前往，2 取消" in user.last_text()
    await user.send("1")
    await user.send("1")

    assert await still_there(services, tg), "the answer erased the person"
    fresh = await booking_row(services, booking.id or 0)
    assert (fresh.status, fresh.attendance_reply) == ("confirmed", "coming")
    assert (await fetch(services, Venue, canteen.id)).max_party_size == 4  # /venues untouched
    texts = [m.get("text") or "" for m in user.state.messages(tg)]  # a QR code has no text
    assert any(text.startswith("👍 好的，期待您来") for text in texts)
    assert open_flows(harness, tg) == {"booking"}  # the second "1": the main menu's 📅 预约


async def test_the_reminder_brings_its_own_keyboard_and_survives_a_restart(
    harness: BotHarness, services: Services
) -> None:
    t = services.i18n.translator("zh_CN")
    await make_person(services.sessions, RESIDENT)
    slot = await slot_of(services.sessions, "d-canteen", 3)
    booking = await book_slot(services, RESIDENT, slot.id or 0)
    user = harness.user(RESIDENT)
    await booking_detail(harness, services, user)
    await remind(harness, services, booking)
    assert user.buttons() == [
        "1. " + t("booking.choice.coming"),
        "2. " + t("booking.choice.cancel_it"),
        t("nav.home"),
    ]
    await harness.restart()
    replies = await user.send("今天天气不错")  # not one of its choices: asked again, same buttons
    assert replies[-1]["text"] == t("home.question.again", count=2)
    assert user.buttons() == [
        "1. " + t("booking.choice.coming"),
        "2. " + t("booking.choice.cancel_it"),
        t("nav.home"),
    ]
    assert open_flows(harness, RESIDENT) == set()  # the detail screen was closed
    await user.press(user.button(t("booking.choice.coming")))
    assert (await booking_row(services, booking.id or 0)).attendance_reply == "coming"
    assert user.buttons()[0] == "1. " + t("menu.book")


async def test_home_leaves_the_question_and_then_1_is_the_main_menus(
    harness: BotHarness, services: Services
) -> None:
    t = services.i18n.translator("zh_CN")
    await make_person(services.sessions, RESIDENT)
    slot = await slot_of(services.sessions, "d-canteen", 3)
    booking = await book_slot(services, RESIDENT, slot.id or 0)
    user = harness.user(RESIDENT)
    await remind(harness, services, booking)
    await user.press(t("nav.home"))
    assert user.last_text() == t("home.prompt")
    await user.send("1")
    assert open_flows(harness, RESIDENT) == {"booking"}
    fresh = await booking_row(services, booking.id or 0)
    assert (fresh.status, fresh.attendance_reply) == ("confirmed", None)


async def idle_detail_screen(
    harness: BotHarness, services: Services, clock: time_machine.Traveller, minutes: int
) -> tuple[SimUser, Booking]:
    """A booking's detail screen left open for ``minutes``."""
    await make_person(services.sessions, RESIDENT)
    slot = await slot_of(services.sessions, "d-canteen", 3)
    booking = await book_slot(services, RESIDENT, slot.id or 0)
    user = harness.user(RESIDENT)
    await booking_detail(harness, services, user)
    clock.shift(timedelta(minutes=minutes))
    return user, booking


async def test_a_screen_idle_for_31_minutes_is_closed_and_changes_nothing(
    harness: BotHarness, services: Services, clock: time_machine.Traveller
) -> None:
    t = services.i18n.translator("zh_CN")
    user, booking = await idle_detail_screen(harness, services, clock, 31)
    replies = await user.send("1")
    assert [m["text"] for m in replies] == [t("home.screen_closed")]
    assert user.buttons()[0] == "1. " + t("menu.book")
    assert open_flows(harness, RESIDENT) == set()
    await user.send("1")  # now the main menu's 1: the booking flow, nothing cancelled
    fresh = await booking_row(services, booking.id or 0)
    assert (fresh.status, fresh.attendance_reply) == ("confirmed", None)


async def test_a_screen_idle_for_29_minutes_still_answers(
    harness: BotHarness, services: Services, clock: time_machine.Traveller
) -> None:
    t = services.i18n.translator("zh_CN")
    user, booking = await idle_detail_screen(harness, services, clock, 29)
    await user.choose(t("mine.action.cancel"))
    assert user.last_text().startswith(t("mine.cancel.ask").split("\n")[0])
    clock.shift(timedelta(minutes=29))  # each answer starts the 30 minutes again
    await user.choose(t("mine.cancel.yes"))
    assert (await booking_row(services, booking.id or 0)).status == "cancelled"


async def test_a_waitlist_offer_is_the_current_screen_too(
    harness: BotHarness, services: Services
) -> None:
    t = services.i18n.translator("zh_CN")
    holder, waiting = RESIDENT, RESIDENT + 1
    await make_person(services.sessions, holder)
    await make_person(services.sessions, waiting, name="李叔叔")
    slot = await slot_of(services.sessions, "d-activity", 3)  # one place
    booking = await book_slot(services, holder, slot.id or 0)
    await wait_for(services, waiting, slot.id or 0)
    user = harness.user(waiting)
    await settings_menu(harness, services, user)  # 1 there would be 语言 (language)
    await harness.user(holder).send("/mybookings")
    await harness.user(holder).send("1")
    await harness.user(holder).choose(t("mine.action.cancel"))
    await harness.user(holder).choose(t("mine.cancel.yes"))
    assert (await booking_row(services, booking.id or 0)).status == "cancelled"
    await harness.drain_outbox()
    assert user.last_text().startswith("🎉")
    await user.send("1")
    [taken] = await bookings_of(services, waiting)
    assert (taken.slot_id, taken.status) == (slot.id, "confirmed")
    assert open_flows(harness, waiting) == set()
