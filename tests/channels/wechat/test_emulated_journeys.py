"""Event registration and a dispute report through the emulated WeChat, in Chinese, by taps,
ending with the same database rows as a Telegram resident doing the same."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlmodel import select

from bot.context import Services
from bot.settings import Settings
from channels.wechat.tables import WechatDocument, WechatMenuButton, WechatUser
from models.disputes import CaseStatus
from tests.channels.wechat.emulated import EmulatedWechat, emulated_wechat, read
from tests.conftest import ADMIN_ID
from tests.disputes.disputes_support import make_cast
from tests.disputes.report_support import cases
from tests.events.resident_support import NAME, event, registrations
from tests.factories import make_person
from tests.harness import BotHarness, SimUser
from tests.onboarding.onboarding_flow import person, tr

OPENID = "oEMU_journey_0001"
TG = 7401
ONBOARDING = ("1", "1", "1", "1", "跳过", "跳过")
REGISTRATION = ("NAME", "events_resident.action.register", "PARTY", "events_resident.confirm.yes")
WORDS = "楼上每天半夜拖椅子"
CASE = ("category", "description", "contact", "anonymous", "joint", "status", "town_id")


async def telegram_resident(harness: BotHarness) -> SimUser:
    """A Telegram resident onboarded by typing what the WeChat one types."""
    user = harness.user(TG, language_code="zh-hans")
    for typed in ("/start", *ONBOARDING):
        await user.send(typed)
    return user


def steps(t: Any, keys: tuple[str, ...]) -> list[str]:
    """The words of each tap (an event's name and a party of two filled in)."""
    words = {"NAME": NAME["zh_CN"], "PARTY": t.n("events_resident.party.many", 2, n=2)}
    return [words.get(key) or t(key) for key in keys]


async def test_event_registration_by_taps_as_on_telegram(
    settings: Settings, services: Services, harness: BotHarness
) -> None:
    t = tr(services, "zh_CN")
    event_id = await event(services)
    async with emulated_wechat(settings, services) as wx:
        await wx.onboard(OPENID)
        listed = await wx.type(OPENID, "/events")
        assert NAME["zh_CN"] in read(listed)[-1]
        for words in steps(t, REGISTRATION):
            said = await wx.choose(OPENID, words)
        assert NAME["zh_CN"] in "".join(read(said))
    user = await telegram_resident(harness)
    await user.send("/events")
    for words in steps(t, REGISTRATION):
        await user.choose(words)
    on_wechat, on_telegram = await registrations(services)
    assert on_wechat.person_id != on_telegram.person_id
    for row in (on_wechat, on_telegram):
        assert (row.event_id, row.party_size, row.status) == (event_id, 2, "confirmed")


async def report(wx: EmulatedWechat, t: Any) -> None:
    """/report a noise in the same community, in words, by taps."""
    await wx.type(OPENID, "/report")
    await wx.choose(OPENID, t("disputes.category.noise"))
    await wx.choose(OPENID, t("disputes.parties.same_community"))
    await wx.type(OPENID, WORDS)
    for key in ("report.describe.done", "report.anonymous.no"):  # no phone: no contact step
        await wx.choose(OPENID, t(key))
    await wx.choose(OPENID, t("report.confirm.send"))


async def test_dispute_report_by_taps_as_on_telegram(
    settings: Settings, services: Services, harness: BotHarness
) -> None:
    t = tr(services, "zh_CN")
    await make_cast(services)
    async with emulated_wechat(settings, services) as wx:
        await wx.onboard(OPENID)
        await report(wx, t)
        receipt = "".join(read(wx.world.follower(OPENID).inbox[-2:]))
    user = await telegram_resident(harness)
    await user.send("/report")
    await user.choose(t("disputes.category.noise"))
    await user.choose(t("disputes.parties.same_community"))
    await user.send(WORDS)
    for key in ("report.describe.done", "report.anonymous.no"):  # no phone: no contact step
        await user.choose(t(key))
    await user.choose(t("report.confirm.send"))
    on_wechat, on_telegram = await cases(services)
    assert on_wechat.number in receipt
    assert on_wechat.status == CaseStatus.NEW.value and on_wechat.description == WORDS
    for column in CASE:
        assert getattr(on_wechat, column) == getattr(on_telegram, column), column


async def test_mydata_and_deleteme_cover_the_bridges_rows(
    settings: Settings, services: Services
) -> None:
    t = tr(services, "zh_CN")
    async with emulated_wechat(settings, services) as wx:
        await wx.onboard(OPENID)
        chat_id = await wx.chat_of(OPENID)
        said = await wx.type(OPENID, "/mydata")
        link = next(line for line in "\n".join(read(said)).split("\n") if "/file/" in line)
        status, body = await wx.fetch(link)
        assert status == 200
        related = json.loads(body)["related"]
        assert [row["openid"] for row in related["wechat_user"]] == [OPENID]
        assert related["wechat_menu_button"]  # the menu lines sent to them (the file: after)
        async with wx.bridge.sessions() as session:
            buttons = (await session.execute(select(WechatMenuButton))).scalars().all()
            files = (await session.execute(select(WechatDocument))).scalars().all()
        before = max(b.id or 0 for b in buttons)
        assert [f.filename for f in files] == ["mydata.json"]  # its link, kept a week
        await wx.type(OPENID, "/deleteme")
        goodbye = await wx.choose(OPENID, t("privacy.delete.confirm"))
        assert t("privacy.delete.done") in "".join(read(goodbye))  # still reaches them
        async with wx.bridge.sessions() as session:
            users = (await session.execute(select(WechatUser))).scalars().all()
            lines = (await session.execute(select(WechatMenuButton))).scalars().all()
            documents = (await session.execute(select(WechatDocument))).scalars().all()
    assert [u.openid for u in users] == [OPENID]  # the address, kept: how to reach them
    assert [line for line in lines if (line.id or 0) <= before] == []
    assert documents == []
    assert await person(services, chat_id) is None


@pytest.mark.parametrize("language", ["zh_CN", "en"])
async def test_admins_see_how_many_residents_use_wechat(
    settings: Settings, services: Services, harness: BotHarness, language: str
) -> None:
    t = tr(services, language)
    async with emulated_wechat(settings, services) as wx:
        await wx.onboard(OPENID)
    await telegram_resident(harness)  # on Telegram: not counted
    await make_person(services.sessions, ADMIN_ID, language=language, name="管理员")
    admin = harness.user(ADMIN_ID)
    await admin.send("/stats")
    said = await admin.choose(t("governance_stats.period.this_month"))
    summary = "\n".join(str(m.get("text") or "") for m in said)
    assert t("governance_stats.wechat", count=1) in summary
