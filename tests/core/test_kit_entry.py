"""``kit.entry_points``: a flow entered by its command or its main-menu item shows its first
screen to registered people; anyone else is told to start and no screen opens."""

from __future__ import annotations

import pytest
from telegram import Update
from telegram.ext import BaseHandler

from bot.context import Services, TongxinContext
from bot.registry import FEATURES
from handlers.kit import (
    Feature,
    MenuEntry,
    Screen,
    Wiring,
    conversation,
    entry_points,
    leave,
    reply,
)
from tests.factories import make_person
from tests.harness import BotHarness

FIRST = 0


async def first_screen(update: Update, context: TongxinContext) -> int:
    """The flow's first screen."""
    await reply(update, context, "first screen")
    return FIRST


async def answered(update: Update, context: TongxinContext) -> int:
    """Any answer on the first screen."""
    await reply(update, context, "answered")
    return FIRST


def _handlers(wiring: Wiring) -> list[BaseHandler]:  # type: ignore[type-arg]
    return [
        conversation(
            "entered",
            entry_points=entry_points(wiring, first_screen, command="enter", menu="enter"),
            screens={FIRST: Screen(answered, back=leave)},
        )
    ]


ENTERED = Feature(
    name="entered",
    handlers=_handlers,
    menu=[MenuEntry("enter", "test.menu.enter", 80)],  # no catalogue: the id is the label
)


@pytest.fixture
async def entered(harness: BotHarness) -> BotHarness:
    """The bot with the test flow registered before home's catch-all."""
    harness.features = (*FEATURES[:-1], ENTERED, FEATURES[-1])
    await harness.restart()
    return harness


async def test_registered_people_enter_by_command_or_menu(
    entered: BotHarness, services: Services
) -> None:
    await make_person(services.sessions, 5101)
    user = entered.user(5101)
    assert (await user.send("/enter"))[-1]["text"] == "first screen"
    assert (await user.send("anything"))[-1]["text"] == "answered"
    await user.send("/menu")
    assert (await user.choose("test.menu.enter"))[-1]["text"] == "first screen"


async def test_someone_unregistered_is_told_to_start(
    entered: BotHarness, services: Services
) -> None:
    user = entered.user(5102)
    replies = await user.send("/enter")
    assert replies[-1]["text"] == services.i18n.translator("zh_CN")("error.not_registered")
    assert "answered" not in [m["text"] for m in await user.send("anything")]
