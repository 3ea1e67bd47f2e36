"""/help: residents read plain words only; staff also get the commands their roles allow.

The staff commands are found in the registered handlers (every command guarded by
``@requires``), so a new guarded command shows up in /help without a list to keep.
"""

from __future__ import annotations

import re

from bot.context import Services
from handlers.kit.menu import staff_commands
from models.core.authz import Role
from tests.broadcasts.broadcast_support import staff
from tests.core.locale_ids import STAFF_COMMANDS
from tests.factories import make_person
from tests.harness import BotHarness

COMMAND = re.compile(r"(?<![\w/:.])/[a-z]{2,}\b")


def test_the_guarded_commands_are_the_ones_help_describes(harness: BotHarness) -> None:
    assert harness.app is not None
    assert sorted(staff_commands(harness.app)) == sorted(STAFF_COMMANDS)


async def test_a_residents_help_names_no_command(harness: BotHarness, services: Services) -> None:
    await make_person(services.sessions, 880001)
    user = harness.user(880001)
    await user.send("/help")
    assert "使用帮助" in user.last_text()
    assert COMMAND.findall(user.last_text()) == []
    assert "“⚙️ 设置”" in user.last_text()


async def test_staff_see_their_own_commands(harness: BotHarness, services: Services) -> None:
    await staff(services, 880002, Role.VOLUNTEER)
    await staff(services, 880003, Role.ADMIN, town="Q", community="q-xinglong")
    volunteer, admin = harness.user(880002), harness.user(880003)
    await volunteer.send("/help")
    assert set(COMMAND.findall(volunteer.last_text())) == {"/broadcast", "/broadcasts", "/checkin"}
    assert "写一条通知发给居民" in volunteer.last_text()
    await admin.send("/help")
    assert set(COMMAND.findall(admin.last_text())) == {f"/{c}" for c in STAFF_COMMANDS}
