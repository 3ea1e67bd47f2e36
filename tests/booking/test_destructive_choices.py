"""A destructive choice is never choice 1, and repeating one digit never destroys anything.

Elderly people type "1" (or tap the first button) more than anything else, and an answer may
land on a screen they did not expect; so cancelling a booking and erasing one's data sit
further down, and a confirmation's destructive choice never has the number that led to it.
(Approving comes before rejecting in approvals: ``tests/booking/test_booking_approvals.py``,
``tests/broadcasts/test_broadcast_texts.py``; revoking a role: ``tests/roles/test_roles_flow.py``.)
"""

from __future__ import annotations

import pytest
from sqlmodel import select

from bot.context import Services
from models.core.people import Person
from tests.booking.booking_support import slot_of
from tests.booking.test_my_bookings_support import book_slot, booking_row
from tests.factories import make_person
from tests.harness import BotHarness

RESIDENT = 6401


async def test_booking_screens_put_cancelling_after_the_safe_choices(
    harness: BotHarness, services: Services
) -> None:
    t = services.i18n.translator("zh_CN")
    await make_person(services.sessions, RESIDENT)
    slot = await slot_of(services.sessions, "d-canteen", 3)
    await book_slot(services, RESIDENT, slot.id or 0)
    user = harness.user(RESIDENT)
    await user.send("/mybookings")
    await user.send("1")
    detail = user.buttons()
    assert detail[0] == "1. " + t("mine.action.resend")
    assert detail.index("3. " + t("mine.action.cancel")) == 2
    await user.send("3")
    assert user.buttons()[:2] == ["1. " + t("mine.cancel.no"), "2. " + t("mine.cancel.yes")]


@pytest.mark.parametrize("digit", ["1", "2", "3"])
async def test_the_same_digit_twice_never_cancels_a_booking(
    harness: BotHarness, services: Services, digit: str
) -> None:
    await make_person(services.sessions, RESIDENT)
    slot = await slot_of(services.sessions, "d-canteen", 3)
    booking = await book_slot(services, RESIDENT, slot.id or 0)
    user = harness.user(RESIDENT)
    await user.send("/mybookings")
    await user.send("1")  # the booking's detail screen
    await user.send(digit)
    await user.send(digit)
    await user.send(digit)
    assert (await booking_row(services, booking.id or 0)).status == "confirmed"


async def test_1_then_1_on_deleteme_erases_nothing(harness: BotHarness, services: Services) -> None:
    t = services.i18n.translator("zh_CN")
    await make_person(services.sessions, RESIDENT)
    user = harness.user(RESIDENT)
    await user.send("/deleteme")
    assert user.buttons()[:2] == [
        "1. " + t("privacy.delete.cancel"),
        "2. " + t("privacy.delete.confirm"),
    ]
    await user.send("1")
    await user.send("1")
    async with services.sessions() as session:
        found = await session.execute(select(Person).where(Person.tg_user_id == RESIDENT))
        assert found.scalar_one_or_none() is not None
