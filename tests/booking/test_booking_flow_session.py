"""The booking flow as a conversation: who may enter, leaving it, surviving a restart."""

from __future__ import annotations

from bot.context import Services
from tests.booking.booking_support import slot_of
from tests.booking.test_booking_flow_helpers import (
    bookings,
    choose_day,
    choose_slot,
    opening,
    person,
    slot_day,
    to_day,
    tr,
    venue,
)
from tests.harness import BotHarness


async def test_unregistered_people_are_told_to_start(
    harness: BotHarness, services: Services
) -> None:
    user = harness.user(5107)
    t = tr(services, "zh_CN")
    await user.send("/book")
    assert user.last_text() == t("error.not_registered")
    assert await bookings(services) == []


async def test_cancel_and_help_leave_the_flow(harness: BotHarness, services: Services) -> None:
    user = await person(harness, 5108, "en")
    t = tr(services, "en")
    await to_day(user, services, t, "canteen", "D")
    await user.send("/cancel")
    assert user.last_text() == t("home.cancelled")
    await user.send("1")  # the main menu's 1: booking again, from the start
    assert user.last_text() == t("booking.ask_kind")
    await user.send("/help")
    assert user.last_text().startswith(t("help.text") + "\n\n" + t("help.centres", centres=""))
    await user.send("2")  # the main menu's item 2 now, not "for someone else"
    assert user.last_text() != t("booking.ask_phone")


async def test_a_half_made_booking_survives_a_restart(
    harness: BotHarness, services: Services
) -> None:
    user = await person(harness, 5109)
    t = tr(services, "zh_CN")
    slot = await slot_of(services.sessions, "d-health", 3)
    health = await venue(services, "d-health")
    await to_day(user, services, t, "health_check", "D")
    await choose_day(user, t, slot_day(slot))

    await harness.restart()

    await choose_slot(user, t, slot, health.name("zh_CN"))
    assert user.last_text().startswith(opening(t, "booking.ask_confirm"))
    await user.choose(t("booking.confirm.yes"))
    [booking] = await bookings(services)
    assert booking.slot_id == slot.id
