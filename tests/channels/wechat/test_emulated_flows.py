"""The real bot through the bridge and the emulated WeChat: a follower onboards in Chinese by
taps and by typing, within WeChat's quota, and ends with the person row a Telegram user has."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from functools import partial

import aiohttp
import pytest
from sqlalchemy import delete
from sqlmodel import select
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message
from telegram.error import BadRequest

from bot.context import Services
from bot.settings import Settings
from bot.timefmt import format_day
from channels.wechat.documents import link_signature
from channels.wechat.server import keep_house
from channels.wechat.store import remember_button
from channels.wechat.tables import WechatUndelivered, WechatWindow
from models.core.base import utcnow
from tests.booking.booking_support import local_today, slot_of
from tests.booking.test_booking_flow_helpers import bookings, slot_day, slot_words
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
    assert (on_wechat.channel, on_telegram.channel) == ("wechat", "telegram")
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
        assert await wx.fetch(link) == (200, b"BEGIN:VCALENDAR")
        assert (await wx.fetch(link.replace("s=", "s=0")))[0] == 403
        expired = link.split("?")[0] + "?e=1000&s=" + link_signature(wx.bridge.link_key, 1, 1000)
        assert (await wx.fetch(expired))[0] == 410
        wx.bridge.clock = lambda: utcnow() + timedelta(days=8)  # a week later: forgotten
        await keep_house(wx.bridge)
        wx.bridge.clock = utcnow
        assert (await wx.fetch(link))[0] == 410


async def test_spoken_tomorrow_chooses_tomorrow_on_the_day_screen(
    settings: Settings, services: Services
) -> None:
    t = tr(services, "zh_CN")
    async with emulated_wechat(settings, services) as wx:
        await wx.onboard(OPENID)
        await wx.type(OPENID, "/book")
        await wx.choose(OPENID, t("booking.kind.canteen"))
        said = await wx.act(OPENID, lambda: wx.player.voice(OPENID, "明天。"))
    tomorrow = format_day(local_today() + timedelta(days=1), "zh_CN")
    assert len(said) == 1 and tomorrow in read(said)[0]  # its slots, or why there are none
    assert t("booking.not_understood") not in read(said)[0]


async def test_a_booking_by_taps_with_its_calendar_link_and_qr_image(
    settings: Settings, services: Services
) -> None:
    t = tr(services, "zh_CN")
    slot = await slot_of(services.sessions, "d-canteen", 3, index=1)
    async with emulated_wechat(settings, services) as wx:
        await wx.onboard(OPENID)
        await wx.type(OPENID, "/book")
        await wx.choose(OPENID, t("booking.kind.canteen"))
        day = format_day(slot_day(slot), "zh_CN", short=True)
        await wx.choose(OPENID, day, more=t("booking.day.more"))
        await wx.choose(OPENID, slot_words(slot), more=t("nav.more"))
        await wx.choose(OPENID, t.n("booking.party.many", 3, n=3))
        assert await bookings(services) == []
        done = await wx.choose(OPENID, t("booking.confirm.yes"))
        # Receipt and calendar link joined, the QR code as an image, the menu: three messages.
        assert [m["msgtype"] for m in done] == ["text", "image", "msgmenu"]
        assert ".ics" in done[0]["text"]["content"]
        media = wx.world.media[done[1]["image"]["media_id"]]
        assert media["content"].startswith(b"\x89PNG")
        link = done[0]["text"]["content"].split("\n")[-1]
        status, body = await wx.fetch(link)
        assert status == 200 and b"BEGIN:VCALENDAR" in body
    [booking] = await bookings(services)
    assert booking.slot_id == slot.id and booking.party_size == 3


async def test_an_inline_line_is_a_callback_and_its_answer_is_shown(
    settings: Settings, services: Services
) -> None:
    t = tr(services, "zh_CN")
    async with emulated_wechat(settings, services) as wx:
        await wx.onboard(OPENID)
        chat_id = await wx.chat_of(OPENID)
        async with wx.bridge.sessions() as session, session.begin():
            line = await remember_button(
                session,
                chat_id=chat_id,
                text="1. 旧按钮",
                callback_data="gone:1",
                message_id=1,
                now=utcnow(),
            )
        said = await wx.act(OPENID, lambda: wx.player.tap(OPENID, str(line), "1. 旧按钮"))
    # The stale tap's alert ("this button has expired") heads the main menu: one message.
    assert [m["msgtype"] for m in said] == ["msgmenu"]
    assert said[0]["msgmenu"]["head_content"].startswith(t("home.button_expired"))


async def test_the_settle_window_sends_a_burst_by_itself(
    settings: Settings, services: Services
) -> None:
    async with emulated_wechat(settings, services, settle_seconds=0.05) as wx:
        await wx.act(OPENID, lambda: wx.player.text(OPENID, "你好"))
        inbox = wx.world.follower(OPENID).inbox
        before = len(inbox)
        chat_id = await wx.chat_of(OPENID)
        await wx.app.bot.send_message(chat_id, "一")
        await wx.app.bot.send_message(chat_id, "二")
        assert len(inbox) == before  # held while the burst may go on
        for _ in range(100):
            if len(inbox) > before:
                break
            await asyncio.sleep(0.02)
    assert [m["text"]["content"] for m in inbox[before:]] == ["一\n\n二"]


async def test_the_control_api_plays_a_user_and_shows_their_inbox(
    settings: Settings, services: Services
) -> None:
    t = tr(services, "zh_CN")
    async with emulated_wechat(settings, services) as wx, aiohttp.ClientSession() as http:
        control = wx.emulator_url + "/control"
        async with http.post(control + "/follow", json={"openid": OPENID}) as followed:
            assert (await followed.json())["status"] == 200
        await wx.settle()
        async with http.get(control + "/inbox", params={"openid": OPENID}) as got:
            seen = await got.json()
        assert seen["refused"] == []
        assert t("onboarding.consent") in seen["inbox"][0]["msgmenu"]["head_content"]
        async with http.post(control + "/unfollow", json={"openid": OPENID}) as left:
            assert (await left.json())["status"] == 200
        await wx.settle()
        async with http.post(control + "/dance", json={"openid": OPENID}) as unknown:
            assert unknown.status == 404
        async with http.post(
            wx.emulator_url + "/cgi-bin/message/custom/send",
            params={"access_token": "made-up"},
            json={"touser": OPENID, "msgtype": "text", "text": {"content": "x"}},
        ) as refused:
            assert (await refused.json())["errcode"] == 40001


async def test_edits_and_start_up_calls(settings: Settings, services: Services) -> None:
    async with emulated_wechat(settings, services, settle_seconds=0.05) as wx:
        await wx.act(OPENID, lambda: wx.player.text(OPENID, "你好"))
        inbox = wx.world.follower(OPENID).inbox
        before = len(inbox)
        chat_id = await wx.chat_of(OPENID)
        bot = wx.app.bot
        keys = InlineKeyboardMarkup([[InlineKeyboardButton("来", callback_data="r:1")]])
        sent = await bot.send_message(chat_id, "活动提醒", reply_markup=keys)
        assert await bot.edit_message_reply_markup(chat_id, sent.message_id) is True
        edited = await bot.edit_message_text("活动改到周六", chat_id, sent.message_id)
        assert isinstance(edited, Message) and edited.message_id == sent.message_id
        assert await bot.set_my_commands([("start", "开始")]) is True
        assert await bot.send_chat_action(chat_id, "typing") is True
        with pytest.raises(BadRequest):
            await bot.send_message(12345, "to a Telegram chat")
        await wx.settle()
        menu, text = inbox[before:]
        assert menu["msgmenu"]["head_content"] == "活动提醒"
        assert [line["content"] for line in menu["msgmenu"]["list"]] == ["来"]
        assert text["text"]["content"] == "活动改到周六"  # the edit: a new message


async def test_the_bridge_counts_the_quota_before_wechat_refuses(
    settings: Settings, services: Services
) -> None:
    async with emulated_wechat(settings, services) as wx:
        answer = await wx.act(OPENID, lambda: wx.player.text(OPENID, "你好"))
        assert len(answer) == 1  # one of the window's five
        chat_id = await wx.chat_of(OPENID)
        for n in range(5):
            await wx.app.bot.send_message(chat_id, f"第{n + 1}条")
            await wx.settle()
        user = wx.world.follower(OPENID)
        async with wx.bridge.sessions() as session:
            rows = (await session.execute(select(WechatUndelivered))).scalars().all()
    assert [m["text"]["content"] for m in user.inbox[1:]] == ["第1条", "第2条", "第3条", "第4条"]
    assert [(r.reason, r.summary) for r in rows] == [
        ("45047 out of quota; not an outbox message: no template for it", "第5条")
    ]
    assert user.refused == []  # the bridge knew before asking WeChat


async def test_a_custom_menu_click_is_answered_in_its_own_window(
    settings: Settings, services: Services
) -> None:
    t = tr(services, "zh_CN")
    async with emulated_wechat(settings, services) as wx:
        await wx.onboard(OPENID)
        said = await wx.act(OPENID, lambda: wx.player.click(OPENID, "BOOK"))  # "预约"
    assert [(m["msgtype"], m["window"]) for m in said] == [("msgmenu", "event")]
    assert said[0]["msgmenu"]["head_content"] == t("booking.ask_kind")
