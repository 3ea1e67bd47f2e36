"""WeChat's API not answering: an outbox template is answered 502 and retried by the pump with
its backoff, then delivered once; a held customer-service burst is tried again, and recorded as
not deliverable when WeChat stays down. Never lost silently."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select
from telegram import Bot

from bot.context import Services
from bot.settings import Settings
from channels.wechat.tables import WechatUndelivered
from jobs.outbox import OutboxPump
from models.core.outbox import OutboxKind, OutboxMessage, OutboxStatus, enqueue
from tests.channels.wechat.emulated import emulated_wechat
from tests.channels.wechat.test_templates import TEMPLATES, templates_in, undelivered
from tests.core.outbox_support import fast, notice

OPENID = "oEMU_template_0001"  # test_templates' follower (templates_in reads their inbox)


async def the_row(services: Services) -> OutboxMessage:
    """The one outbox row."""
    async with services.sessions() as session:
        return (await session.execute(select(OutboxMessage))).scalar_one()


async def test_an_outbox_template_waits_for_wechat_and_goes_once(
    settings: Settings, services: Services
) -> None:
    async with emulated_wechat(settings, services, templates=TEMPLATES) as wx:
        await wx.onboard(OPENID)
        chat_id = await wx.chat_of(OPENID)
        wx.shift.by = timedelta(hours=49)  # silent for two days: only a template reaches them
        async with services.sessions() as session, session.begin():
            await enqueue(
                session,
                chat_id=chat_id,
                kind=OutboxKind.BROADCAST,
                payload=notice("周六上午九点，社区义诊。"),
                dedupe_key="notice:1",
            )
        bot = Bot(settings.token(), base_url=wx.url + "/bot")
        pump = OutboxPump(fast(services), bot=bot, clock=wx.shift.now, backoff=(60.0,) * 4)
        try:
            wx.world.outage = True
            await pump.drain(quiet=False)  # one try: 502; the retry is a minute away
            waiting = await the_row(services)
            assert wx.world.outage_calls >= 1 and templates_in(wx) == []
            assert await pump.drain(quiet=False) == 0  # not due again yet
            wx.world.outage = False
            wx.shift.by += timedelta(seconds=61)
            await pump.drain(quiet=False)
            await pump.drain(quiet=False)  # nothing left to send twice
        finally:
            await pump.close()
        assert await undelivered(wx) == []  # a transient failure is not recorded as lost
        got = templates_in(wx)
    assert (waiting.status, waiting.attempts) == (OutboxStatus.PENDING.value, 1)
    assert "Bad Gateway" in (waiting.last_error or "")
    assert "WeChat unreachable" in (waiting.last_error or "")
    assert [m["template_id"] for m in got] == ["TPL_NOTICE"]  # exactly once
    assert got[0]["data"]["keyword1"]["value"] == "周六上午九点，社区义诊。"
    sent = await the_row(services)
    assert (sent.status, sent.attempts) == (OutboxStatus.SENT.value, 2)


async def test_a_held_burst_is_tried_again_then_recorded(
    settings: Settings, services: Services
) -> None:
    async with emulated_wechat(settings, services, retry_seconds=(0.5,)) as wx:
        await wx.act(OPENID, lambda: wx.player.text(OPENID, "你好"))  # inside the window
        chat_id = await wx.chat_of(OPENID)
        inbox = wx.world.follower(OPENID).inbox
        before = len(inbox)
        wx.world.outage, wx.world.outage_ends_after = True, 1  # back after one failed call
        await wx.app.bot.send_message(chat_id, "一")
        await wx.settle()
        assert wx.world.outage_calls == 1
        assert [m["text"]["content"] for m in inbox[before:]] == ["一"]  # once, when back
        assert await undelivered(wx) == []
        wx.world.outage, wx.world.outage_ends_after = True, None
        await wx.app.bot.send_message(chat_id, "二")
        await wx.settle()  # tried, tried again half a second later, then recorded
        assert wx.world.outage_calls == 1 + 2
        wx.world.outage = False
        await wx.app.bot.send_message(chat_id, "三")  # the failed message's quota was given back
        await wx.settle()
        async with wx.bridge.sessions() as session:
            rows = (await session.execute(select(WechatUndelivered))).scalars().all()
    assert [m["text"]["content"] for m in inbox[before:]] == ["一", "三"]
    [row] = rows
    assert row.summary == "二"
    assert row.reason.startswith("-1 WeChat unreachable: HTTP 503 (2 tries)"), row.reason
