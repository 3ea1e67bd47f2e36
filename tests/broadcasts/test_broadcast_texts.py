"""How broadcast messages read: the approval request in each language, counts in English."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlmodel import col
from telegram import ReplyKeyboardMarkup

from bot.context import Services
from jobs.rendering import question_choices, render
from models.core.authz import Role, grant_role, scopes_of
from models.core.outbox import OutboxKind, OutboxMessage
from models.core.places import Town
from tests.broadcasts.broadcast_support import bulk_people, create, staff
from tests.factories import make_person


async def test_approval_request_reads_as_before_in_each_language(services: Services) -> None:
    await bulk_people(services, 1, community="d-hongmei", start=9000)  # the one recipient
    author = await make_person(services.sessions, 8001, name=None)  # unnamed: "a volunteer"
    await staff(services, 8002, Role.ADMIN)  # a D admin reading Chinese
    english = await make_person(services.sessions, 8004, language="en")
    async with services.sessions() as session, session.begin():
        d_town = (await session.execute(select(col(Town.id)).where(col(Town.code) == "D"))).one()
        assert author.id is not None and english.id is not None
        await grant_role(session, author.id, Role.VOLUNTEER, d_town[0])
        await grant_role(session, english.id, Role.ADMIN, d_town[0])
        scopes = await scopes_of(session, author, [])
    later = datetime(2030, 1, 2, 1, 0, tzinfo=UTC)  # 09:00 in the towns
    broadcast = await create(
        services,
        author,
        scopes,
        text="周六上午义诊。",
        audience_kind="community",
        audience_value="d-hongmei",
        approval_towns=["D"],
        send_at=later,
    )
    bid = broadcast.id
    async with services.sessions() as session:
        rows = await session.execute(
            select(col(OutboxMessage.chat_id), col(OutboxMessage.payload))
            .where(col(OutboxMessage.kind) == OutboxKind.APPROVAL.value)
            .order_by(col(OutboxMessage.chat_id))
        )
        payloads = {int(chat): dict(payload) for chat, payload in rows.all()}
    assert set(payloads) == {8002, 8004}
    tz = services.settings.tz
    zh = render(payloads[8002], services.i18n.translator("zh_CN"), None, language="zh_CN", tz=tz)
    en = render(payloads[8004], services.i18n.translator("en"), None, language="en", tz=tz)
    assert [part.text for part in zh] == [
        f"🔔 有一条通知等您审核（#{bid}）\n✍️ 写通知的人：一位志愿者\n"
        "👥 发给：红梅社区的居民，共 1 人\n⏰ 时间：2030-01-02 09:00 发送\n\n"
        "📢 同心通知\n\n周六上午义诊。"
    ]
    assert [part.text for part in en] == [
        f"🔔 A notice is waiting for your approval (#{bid})\n✍️ Written by: a volunteer\n"
        "👥 To: residents of Hongmei Community, 1 person\n⏰ When: at 2030-01-02 09:00\n\n"
        "📢 Tongxin notice\n\n周六上午义诊。"
    ]
    # A question: one numbered button a row (rejecting never 1), then the main menu's 🏠.
    for parts, labels in (
        (zh, ["1. ✅ 同意发送", "2. ❌ 不同意", "🏠 主菜单"]),
        (en, ["1. ✅ Approve", "2. ❌ Reject", "🏠 Main menu"]),
    ):
        markup = parts[-1].markup
        assert isinstance(markup, ReplyKeyboardMarkup)
        assert [[b.text for b in row] for row in markup.keyboard] == [[label] for label in labels]
    choices = question_choices(payloads[8002], services.i18n.translator("zh_CN"))
    assert choices == [
        ["ok", "✅ 同意发送", "同意", "批准", "通过", "可以", "好"],
        ["no", "❌ 不同意"],
    ]
    assert payloads[8002]["question"]["kind"] == "broadcast.approval"
    assert payloads[8002]["question"]["subject"] == str(bid)


def test_counts_read_right_in_english(services: Services) -> None:
    en, zh = services.i18n.translator("en"), services.i18n.translator("zh_CN")
    one = en.n("broadcast.receipt.now", 1, id=7, recipients=1)
    assert "Notice #7 is being sent to 1 person now." in one
    many = en.n("broadcast.receipt.now", 1234, id=7, recipients=1234)
    assert "Notice #7 is being sent to 1,234 people now." in many
    assert "1 message not yet sent" in en.n("broadcast.cancelled", 1, id=7, stopped=1)
    assert "at most 900 characters" in en.n("broadcast.error.text", 900, max=900)
    assert "共 1,234 人" in zh.n(
        "broadcast.confirm", 1234, topic="", audience="", when="", recipients=1234
    )
