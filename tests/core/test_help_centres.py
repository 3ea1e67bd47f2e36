"""/help (帮助) names both service centres with their addresses and phone numbers, the
reader's own town first (issue 11, item 10)."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update
from sqlmodel import col

from bot.context import Services
from models.core.places import ServiceCentre
from models.demo import seed_places
from tests.factories import make_person
from tests.harness import BotHarness


@pytest.mark.parametrize(("lang", "town"), [("zh_CN", "D"), ("en", "Q"), ("zh_CN", "Q")])
async def test_help_gives_both_centres_phone_and_address(
    harness: BotHarness, services: Services, lang: str, town: str
) -> None:
    community = "d-changjiang" if town == "D" else "q-xinglong"
    await make_person(services.sessions, 880101, town, community, language=lang)
    user = harness.user(880101, language_code=lang)
    t = services.i18n.translator(lang)

    await user.send(t("menu.help"))  # the menu's 帮助 button, as a resident taps it

    text = user.last_text()
    d = ("D镇社区党群服务中心", "上海市崇明区D镇长江路88号", "021-5961 2345")
    q = ("Q镇党群服务中心（新馆）", "江苏省启东市Q镇兴隆路1号", "0513-8321 6789")
    if lang == "en":
        d = ("D town Party-Mass Service Centre", "88 Changjiang Road, D town", d[2])
        q = ("Q town Party-Mass Service Centre (new building)", "1 Xinglong Road, Q town", q[2])
    for words in (*d, *q):
        assert words in text
    own, other = (d, q) if town == "D" else (q, d)
    assert text.index(own[0]) < text.index(other[0])  # the reader's own town first
    assert text.startswith(t("help.text"))


async def test_a_centre_without_a_phone_still_reads_right(
    harness: BotHarness, services: Services
) -> None:
    async with services.sessions() as session, session.begin():
        await session.execute(update(ServiceCentre).values(phone=""))
    await make_person(services.sessions, 880102)
    user = harness.user(880102)
    await user.send("/help")
    assert user.last_text().count("☎️ 电话：—") == 2


async def test_seeding_again_gives_an_older_demo_database_the_phones(services: Services) -> None:
    async with services.sessions() as session, session.begin():
        await session.execute(update(ServiceCentre).values(phone=""))
    async with services.sessions() as session, session.begin():
        await seed_places(session)
    async with services.sessions() as session:
        rows = await session.execute(select(col(ServiceCentre.code), col(ServiceCentre.phone)))
        phones = dict(rows.all())
    assert phones == {"d-centre": "021-5961 2345", "q-centre": "0513-8321 6789"}
