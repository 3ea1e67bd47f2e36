"""Entering any flow closes the user's other half-finished flows (handlers.register_all)."""

from __future__ import annotations

from bot.context import Services
from tests.conftest import ADMIN_ID
from tests.factories import make_person
from tests.harness import BotHarness


async def test_abandoned_settings_screen_does_not_swallow_later_answers(
    harness: BotHarness, services: Services
) -> None:
    await make_person(services.sessions, ADMIN_ID, name="总管理员")
    admin = harness.user(ADMIN_ID)
    t = services.i18n.translator("zh_CN")

    await admin.send("/settings")  # the settings menu, where "2" would mean "town"
    await admin.send("/invite")  # a different flow: settings must be closed now
    replies = await admin.send("2")  # so "2" is the main menu's item 2 (events) again

    heading = t("events_resident.list.all")
    assert [m["text"] for m in replies] == [t("events_resident.list.ask", heading=heading)]


async def test_reentering_the_same_flow_keeps_it_open(
    harness: BotHarness, services: Services
) -> None:
    await make_person(services.sessions, 7101, name="王阿姨")
    user = harness.user(7101)
    t = services.i18n.translator("zh_CN")

    await user.send("/settings")
    await user.send("/settings")
    replies = await user.send("1")  # the settings menu's first choice, not the main menu's

    assert replies, "the settings flow answered nothing"
    assert all(m["text"] != t("home.coming_soon") for m in replies)
