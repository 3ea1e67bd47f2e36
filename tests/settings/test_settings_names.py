"""Renaming in /settings: the same rules as at registration (hidden characters dropped, no
staff member's name), in both languages."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlmodel import col

from bot.context import Services
from models.core.authz import Role, grant_role
from models.core.people import Person, find_person
from models.core.places import Town
from tests.factories import make_person
from tests.harness import BotHarness, SimUser

UID, VOLUNTEER = 4201, 4290


async def _person(services: Services, uid: int = UID) -> Person:
    async with services.sessions() as session:
        found = await find_person(session, uid)
    assert found is not None
    return found


async def volunteer(services: Services, name: str = "张社工") -> None:
    """A volunteer of D town."""
    person = await make_person(services.sessions, VOLUNTEER, name=name)
    async with services.sessions() as session, session.begin():
        d_town = (await session.execute(select(Town).where(col(Town.code) == "D"))).scalar_one()
        assert person.id is not None
        await grant_role(session, person.id, Role.VOLUNTEER, d_town.id)


async def rename(
    harness: BotHarness, services: Services, uid: int, typed: str, language: str = "zh_CN"
) -> SimUser:
    """/settings, the name item, ``typed``."""
    user = harness.user(uid, language_code="en" if language == "en" else "zh-hans")
    await user.send("/settings")
    await user.choose(services.i18n.translator(language)("settings.item.name"))
    await user.send(typed)
    return user


@pytest.mark.parametrize(
    ("typed", "kept"),
    [("\u202e李奶奶\u200b", "李奶奶"), ("李\u2066 奶奶\u2069\u200e", "李 奶奶")],
)
async def test_hidden_characters_are_dropped_from_a_new_name(
    harness: BotHarness, services: Services, typed: str, kept: str
) -> None:
    t = services.i18n.translator("zh_CN")
    await make_person(services.sessions, UID)
    user = await rename(harness, services, UID, typed)
    assert t("settings.name.done", name=kept) in user.last_text()
    assert (await _person(services)).display_name == kept


@pytest.mark.parametrize("language", ["zh_CN", "en"])
async def test_a_staff_members_name_is_refused(
    harness: BotHarness, services: Services, language: str
) -> None:
    t = services.i18n.translator(language)
    await volunteer(services)
    await make_person(services.sessions, UID, language=language)
    user = await rename(harness, services, UID, "\u200b张社工", language)
    assert user.last_text().startswith(t("person.name.staff"))
    assert (await _person(services)).display_name == "王阿姨"


async def test_a_staff_member_keeps_their_own_name(harness: BotHarness, services: Services) -> None:
    t = services.i18n.translator("zh_CN")
    await volunteer(services, name="张社工")
    user = await rename(harness, services, VOLUNTEER, "张社工\u200b")
    assert t("settings.name.done", name="张社工") in user.last_text()
    assert (await _person(services, VOLUNTEER)).display_name == "张社工"
