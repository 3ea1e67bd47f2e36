"""The real bot through the bridge and the emulated WeChat: a follower onboards in Chinese by
taps and by typing, within WeChat's quota, and ends with the person row a Telegram user has."""

from __future__ import annotations

from bot.context import Services
from bot.settings import Settings
from tests.channels.wechat.emulated import emulated_wechat, read
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
