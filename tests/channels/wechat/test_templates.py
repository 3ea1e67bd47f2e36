"""Outbox messages after the 48 h window: template messages, or "not deliverable" counted as
unreachable in the broadcast's report; through the emulator, the bridge and the real bot."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlmodel import col, select
from telegram import Bot

from bot.context import Services
from bot.settings import Settings
from bot.timefmt import format_day
from channels.wechat.tables import WechatUndelivered
from channels.wechat.templates import (
    NoTemplate,
    Proactive,
    TemplateSpec,
    proactive_of,
    template_body,
)
from jobs.outbox import OutboxPump
from models.broadcasts.progress import progress
from models.broadcasts.sending import start_due_broadcasts
from models.core.authz import Role
from models.core.outbox import OutboxMessage, OutboxStatus
from models.core.people import Person
from tests.booking.booking_support import slot_of
from tests.booking.test_booking_flow_helpers import slot_day, slot_words
from tests.broadcasts.broadcast_support import create, staff
from tests.channels.wechat.emulated import EmulatedWechat, emulated_wechat
from tests.core.outbox_support import fast
from tests.onboarding.onboarding_flow import tr

OPENID = "oEMU_template_0001"
TEMPLATES = {
    "booking.reminder.24h": {
        "template_id": "TPL_REMINDER",
        "fields": {"first": "预约提醒", "keyword1": "{venue}", "keyword2": "{when}"},
    },
    "broadcast.notice": {
        "template_id": "TPL_NOTICE",
        "fields": {"first": "📢 同心通知", "keyword1": "{text}"},
    },
}


def pump_of(wx: EmulatedWechat, services: Services, settings: Settings) -> OutboxPump:
    """The bot's outbox pump, sending through the bridge, on the emulated clock."""
    bot = Bot(settings.token(), base_url=wx.url + "/bot")
    return OutboxPump(fast(services), bot=bot, clock=wx.shift.now, backoff=(0.01,) * 4)


async def rows_to(services: Services, chat_id: int) -> list[OutboxMessage]:
    """The outbox rows for one chat, oldest first."""
    async with services.sessions() as session:
        query = select(OutboxMessage).where(col(OutboxMessage.chat_id) == chat_id)
        return list((await session.execute(query.order_by(col(OutboxMessage.id)))).scalars())


async def undelivered(wx: EmulatedWechat) -> list[str]:
    """The bridge's not-deliverable reasons."""
    async with wx.bridge.sessions() as session:
        return [r.reason for r in (await session.execute(select(WechatUndelivered))).scalars()]


def templates_in(wx: EmulatedWechat) -> list[dict[str, Any]]:
    """The template messages the follower received."""
    return [m for m in wx.world.follower(OPENID).inbox if m["msgtype"] == "template"]


async def broadcast_now(services: Services) -> int:
    """A volunteer's broadcast to all residents, started."""
    author, scopes = await staff(services, 8001, Role.VOLUNTEER)
    broadcast = await create(services, author, scopes, text="周六上午九点，社区义诊。")
    async with services.sessions() as session, session.begin():
        await start_due_broadcasts(session)
    return broadcast.id or 0


async def test_reminder_and_broadcast_go_as_templates_after_the_window(
    settings: Settings, services: Services
) -> None:
    t = tr(services, "zh_CN")
    slot = await slot_of(services.sessions, "d-canteen", 4, index=1)
    async with emulated_wechat(settings, services, templates=TEMPLATES) as wx:
        await wx.onboard(OPENID)
        await wx.type(OPENID, "/book")
        await wx.choose(OPENID, t("booking.kind.canteen"))
        day = format_day(slot_day(slot), "zh_CN", short=True)
        await wx.choose(OPENID, day, more=t("booking.day.more"))
        await wx.choose(OPENID, slot_words(slot), more=t("nav.more"))
        await wx.choose(OPENID, t.n("booking.party.many", 3, n=3))
        await wx.choose(OPENID, t("booking.confirm.yes"))
        chat_id = await wx.chat_of(OPENID)
        [reminder] = [r for r in await rows_to(services, chat_id) if "24h" in r.dedupe_key]
        wx.shift.by = reminder.due_at - wx.shift.now() + timedelta(minutes=1)
        assert wx.shift.by > timedelta(hours=48)  # every window has closed
        bid = await broadcast_now(services)
        pump = pump_of(wx, services, settings)
        try:
            await pump.drain(quiet=False)
        finally:
            await pump.close()
        await wx.settle()
        got = templates_in(wx)
        assert wx.world.follower(OPENID).refused == []
    assert sorted(m["template_id"] for m in got) == ["TPL_NOTICE", "TPL_REMINDER"]
    by_id = {m["template_id"]: m["data"] for m in got}
    assert by_id["TPL_NOTICE"]["keyword1"]["value"] == "周六上午九点，社区义诊。"
    assert by_id["TPL_REMINDER"]["first"]["value"] == "预约提醒"
    assert by_id["TPL_REMINDER"]["keyword1"]["value"]  # the venue, in words
    statuses = {r.dedupe_key: r.status for r in await rows_to(services, chat_id)}
    assert statuses[reminder.dedupe_key] == OutboxStatus.SENT.value
    async with services.sessions() as session:
        done = await progress(session, bid)
    assert done.sent >= 1 and done.unreachable == 0


async def test_a_message_with_no_template_counts_unreachable_in_the_report(
    settings: Settings, services: Services
) -> None:
    only_reminders = {"booking.reminder.24h": TEMPLATES["booking.reminder.24h"]}
    async with emulated_wechat(settings, services, templates=only_reminders) as wx:
        await wx.onboard(OPENID)
        chat_id = await wx.chat_of(OPENID)
        wx.shift.by = timedelta(hours=49)  # silent for two days: every window has closed
        bid = await broadcast_now(services)
        pump = pump_of(wx, services, settings)
        try:
            await pump.drain(quiet=False)
        finally:
            await pump.close()
        reasons = await undelivered(wx)
        assert templates_in(wx) == []
    [row] = [r for r in await rows_to(services, chat_id) if r.broadcast_id == bid]
    assert row.status == OutboxStatus.UNREACHABLE.value
    assert "not deliverable now" in (row.last_error or "")
    assert any("no template for broadcast.notice" in r for r in reasons), reasons
    async with services.sessions() as session:
        done = await progress(session, bid)
        person = await session.get(Person, row.person_id)
    assert done.unreachable == 1
    assert person is not None and person.reachable  # this message only, not the person


async def test_an_unfollowed_resident_is_unreachable_for_good(
    settings: Settings, services: Services
) -> None:
    async with emulated_wechat(settings, services, templates=TEMPLATES) as wx:
        await wx.onboard(OPENID)
        chat_id = await wx.chat_of(OPENID)
        await wx.act(OPENID, lambda: wx.player.unfollow(OPENID))
        bid = await broadcast_now(services)
        pump = pump_of(wx, services, settings)
        try:
            await pump.drain(quiet=False)
        finally:
            await pump.close()
        reasons = await undelivered(wx)
    [row] = [r for r in await rows_to(services, chat_id) if r.broadcast_id == bid]
    assert row.status == OutboxStatus.UNREACHABLE.value and "blocked" in (row.last_error or "")
    assert any(r.split("; ")[-1].startswith("43004") for r in reasons), reasons
    async with services.sessions() as session:
        person = await session.get(Person, row.person_id)
    assert person is not None and not person.reachable  # as when a Telegram user blocks


def test_template_fields_are_filled_from_the_params_or_refused() -> None:
    specs = {k: TemplateSpec.model_validate(v) for k, v in TEMPLATES.items()}
    sent = proactive_of(
        {
            "tongxin_msgid": "broadcast.notice",
            "tongxin_params": '{"text": "义诊", "full_text": "x"}',
        }
    )
    assert sent is not None and sent.part == 0
    body = template_body(specs, "oX", sent)
    assert body["template_id"] == "TPL_NOTICE" and body["data"]["keyword1"] == {"value": "义诊"}
    lacking = Proactive("booking.reminder.24h", {"venue": "食堂"})
    with pytest.raises(NoTemplate, match="keyword2"):
        template_body(specs, "oX", lacking)
    with pytest.raises(NoTemplate, match=r"no template for event\.offer"):
        template_body(specs, "oX", Proactive("event.offer", {}))
    assert proactive_of({"text": "an answer"}) is None  # no outbox words: not proactive
