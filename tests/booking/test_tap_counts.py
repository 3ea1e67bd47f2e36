"""Taps the main journeys take, counted as messages and button presses the person sends.

Issue 11 (fewer taps): a canteen meal for two tomorrow at most 6 taps from the main menu (it
took 8: "for whom?" and "where?" are now asked only when they do not go without saying),
cancelling a booking at most 4, and onboarding at most 7 from /start to the main menu; in elder
mode and out of it.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.context import Services
from bot.timefmt import format_day
from models.booking import BookingStatus
from tests.booking.booking_support import local_today, slot_of
from tests.booking.test_booking_flow_helpers import (
    bookings,
    person,
    slot_day,
    slot_words,
    tr,
    venue,
)
from tests.booking.test_my_bookings_support import book_slot
from tests.harness import BotHarness, SimUser


class Counted:
    """A person's chat that counts each message or press they send."""

    def __init__(self, user: SimUser) -> None:
        self.user, self.taps = user, 0

    async def press(self, label: str) -> None:
        """Tap a button by its exact label."""
        self.taps += 1
        await self.user.press(label)

    async def choose(self, words: str) -> None:
        """Tap the one button containing ``words``."""
        await self.press(self.user.button(words))

    async def send(self, text: str) -> None:
        """Type a message."""
        self.taps += 1
        await self.user.send(text)


@pytest.mark.parametrize("elder", [True, False])
async def test_a_canteen_meal_for_two_tomorrow_takes_six_taps(
    harness: BotHarness, services: Services, elder: bool
) -> None:
    user = await person(harness, 5601, elder=elder)
    t = tr(services, "zh_CN")
    slot = await slot_of(services.sessions, "d-canteen", 1)  # its first open day from tomorrow
    canteen = await venue(services, "d-canteen")
    await user.send("/menu")
    me = Counted(user)

    await me.choose(t("menu.book"))
    await me.choose(t("booking.kind.canteen"))
    if slot_day(slot) == local_today() + timedelta(days=1):
        await me.choose(
            t("booking.day.tomorrow", day=format_day(slot_day(slot), "zh_CN", short=True))
        )
    else:  # the canteen is closed tomorrow: its next open day, on the same first page
        await me.choose(format_day(slot_day(slot), "zh_CN", short=True))
    [label] = [b for b in user.buttons() if slot_words(slot) in b and canteen.name("zh_CN") in b]
    await me.press(label)
    await me.choose(t.n("booking.party.many", 2, n=2))
    await me.choose(t("booking.confirm.yes"))

    [booking] = await bookings(services)
    assert booking.slot_id == slot.id and booking.party_size == 2
    assert booking.status == BookingStatus.CONFIRMED.value
    assert me.taps <= 6, me.taps


@pytest.mark.parametrize("elder", [True, False])
async def test_cancelling_a_booking_takes_four_taps(
    harness: BotHarness, services: Services, elder: bool
) -> None:
    user = await person(harness, 5602, elder=elder)
    t = tr(services, "zh_CN")
    slot = await slot_of(services.sessions, "d-activity", 3)
    made = await book_slot(services, 5602, slot.id or 0)
    await user.send("/menu")
    me = Counted(user)

    await me.choose(t("menu.mine"))
    await me.press(user.buttons()[0])  # the booking
    await me.choose(t("mine.action.cancel"))
    await me.choose(t("mine.cancel.yes"))

    [booking] = await bookings(services)
    assert booking.id == made.id and booking.status == BookingStatus.CANCELLED.value
    assert me.taps <= 4, me.taps


async def test_onboarding_takes_seven_taps(harness: BotHarness, services: Services) -> None:
    t = tr(services, "zh_CN")
    user = harness.user(5603)
    me = Counted(user)

    await me.send("/start")
    await me.choose("✅ 同意")
    await me.choose("中文")
    await me.choose("崇明区D镇")
    await me.choose("长江新村社区")
    await me.send("王阿姨")
    await me.choose("分享我的手机号")

    assert user.last_text() == t("home.prompt") and t("menu.book") in user.buttons()[0]
    assert me.taps <= 7, me.taps
