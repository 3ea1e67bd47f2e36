"""A community named in one's own words on the settings screen (issue 11, item 3): "长江新村"
for 长江新村社区 is taken; a near miss is asked about first ("您是说……吗？")."""

from __future__ import annotations

from sqlmodel import select

from bot.context import Services
from models.core.people import Person
from models.core.places import Community
from tests.factories import make_person
from tests.harness import BotHarness

UID = 7301


async def _community_code(services: Services) -> str:
    async with services.sessions() as session:
        person = (
            await session.execute(select(Person).where(Person.tg_user_id == UID))
        ).scalar_one()
        community = await session.get(Community, person.community_id)
    assert community is not None
    return community.code


async def _to_communities(harness: BotHarness, services: Services) -> None:
    t = services.i18n.translator("zh_CN")
    await make_person(services.sessions, UID, community_code="d-dongfeng")
    user = harness.user(UID)
    await user.send("/settings")
    await user.choose(t("settings.item.place"))
    await user.send("崇明")  # the town, by a word of its name
    assert user.last_text().startswith(t("settings.community.ask", town="崇明区D镇"))


async def test_part_of_a_community_name_is_that_community(
    harness: BotHarness, services: Services
) -> None:
    await _to_communities(harness, services)
    await harness.user(UID).send("长江新村")
    assert await _community_code(services) == "d-changjiang"


async def test_a_near_miss_is_asked_about_and_yes_takes_it(
    harness: BotHarness, services: Services
) -> None:
    t = services.i18n.translator("zh_CN")
    await _to_communities(harness, services)
    user = harness.user(UID)
    communities = user.buttons()

    await user.send("长江新邨")
    assert user.last_text() == t("words.did_you_mean", choice="长江新村社区")
    assert await _community_code(services) == "d-dongfeng"  # nothing changed yet
    await user.send("算了")  # no: the same screen again, nothing changed
    assert user.buttons() == communities
    assert user.last_text().endswith(t("settings.community.ask", town="崇明区D镇"))
    assert await _community_code(services) == "d-dongfeng"

    await user.send("长江新邨")
    await user.send("好的")
    assert await _community_code(services) == "d-changjiang"
