"""The real bot through the bridge and the emulated WeChat: a follower onboards in Chinese by
taps and by typing, within WeChat's quota, and ends with the person row a Telegram user has."""

from __future__ import annotations

from functools import partial

from sqlalchemy import delete
from sqlmodel import select

from bot.context import Services
from bot.settings import Settings
from channels.wechat.tables import WechatUndelivered, WechatWindow
from tests.channels.wechat.emulated import emulated_wechat, read
from tests.harness import BotHarness
from tests.onboarding.onboarding_flow import person, tr

OPENID = "oEMU_resident_0001"


async def test_follow_and_onboard_by_taps_and_typing(
    settings: Settings, services: Services
) -> None:
    t = tr(services, "zh_CN")
    async with emulated_wechat(settings, services) as wx:
        p = wx.player
        follow = await wx.act(OPENID, lambda: p.follow(OPENID))
        # The welcome and the consent question with its choices: one menu message.
        assert [m["msgtype"] for m in follow] == ["msgmenu"]
        menu = follow[0]["msgmenu"]
        assert t("onboarding.welcome") in menu["head_content"]
        assert t("onboarding.consent") in menu["head_content"]
        assert any(t("onboarding.consent.yes") in line["content"] for line in menu["list"])
        language = await wx.tap(OPENID, t("onboarding.consent.yes"))
        assert t("onboarding.language") in read(language)[-1]
        town = await wx.act(OPENID, lambda: p.text(OPENID, "1"))  # typing the number works
        assert town and town[-1]["msgtype"] == "msgmenu"
        towns = wx.last_menu(OPENID)["list"]
        await wx.tap(OPENID, towns[0]["content"])
        communities = wx.last_menu(OPENID)["list"]
        await wx.tap(OPENID, communities[0]["content"])
        await wx.tap(OPENID, t("onboarding.skip"))
        await wx.tap(OPENID, t("onboarding.skip"))
        chat_id = await wx.chat_of(OPENID)
    found = await person(services, chat_id)
    assert found is not None and found.onboarded_at is not None
    assert found.language == "zh_CN"


PROFILE = ("town_id", "community_id", "display_name", "language", "elder_mode", "phone")


async def test_same_person_as_on_telegram(
    settings: Settings, services: Services, harness: BotHarness
) -> None:
    async with emulated_wechat(settings, services) as wx:
        p = wx.player
        await wx.act(OPENID, lambda: p.follow(OPENID))
        for typed in ("1", "1", "1", "1", "王阿姨"):
            await wx.act(OPENID, partial(p.text, OPENID, typed))
        await wx.act(OPENID, lambda: p.voice(OPENID, "跳过。"))  # spoken, as typed
        chat_id = await wx.chat_of(OPENID)
    on_wechat = await person(services, chat_id)
    resident = harness.user(7001)
    for typed in ("/start", "1", "1", "1", "1", "王阿姨", "跳过"):
        await resident.send(typed)
    on_telegram = await person(services, 7001)
    assert on_wechat is not None and on_telegram is not None
    assert on_wechat.onboarded_at is not None and on_telegram.onboarded_at is not None
    assert on_wechat.display_name == "王阿姨"
    for column in PROFILE:
        assert getattr(on_wechat, column) == getattr(on_telegram, column), column


async def test_out_of_window_is_recorded_and_a_stale_token_refreshed_once(
    settings: Settings, services: Services
) -> None:
    async with emulated_wechat(settings, services) as wx:
        p = wx.player
        await wx.act(OPENID, lambda: p.follow(OPENID))
        fetches = wx.world.token_fetches
        wx.world.invalidate_tokens()  # another server took a token: 40001 next
        answer = await wx.act(OPENID, lambda: p.text(OPENID, "1"))
        assert answer and wx.world.token_fetches == fetches + 1
        chat_id = await wx.chat_of(OPENID)
        wx.world.follower(OPENID).windows.clear()  # as after 48 h of silence
        async with wx.bridge.sessions() as session, session.begin():
            await session.execute(delete(WechatWindow))
        await wx.app.bot.send_message(chat_id, "提醒：明天上午九点")
        await wx.settle()
        async with wx.bridge.sessions() as session:
            rows = (await session.execute(select(WechatUndelivered))).scalars().all()
    assert [(r.reason.split()[0], r.summary) for r in rows] == [("45015", "提醒：明天上午九点")]
    assert "提醒" not in "".join(read(wx.world.follower(OPENID).inbox[-1:]))


async def test_document_is_a_signed_expiring_link(settings: Settings, services: Services) -> None:
    async with emulated_wechat(settings, services) as wx:
        p = wx.player
        await wx.act(OPENID, lambda: p.follow(OPENID))
        chat_id = await wx.chat_of(OPENID)
        await wx.app.bot.send_document(chat_id, b"BEGIN:VCALENDAR", filename="预约.ics")
        await wx.settle()
        text = wx.world.follower(OPENID).inbox[-1]["text"]["content"]
        link = text.split("\n")[-1]
        path = link.split("://", 1)[1].split("/", 1)[1]
        async with wx.bridge_client() as client:
            async with client.get("/" + path) as got:
                assert got.status == 200 and await got.read() == b"BEGIN:VCALENDAR"
            async with client.get("/" + path.replace("s=", "s=0")) as forged:
                assert forged.status == 403
