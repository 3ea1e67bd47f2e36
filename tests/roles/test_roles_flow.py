"""Roles end to end through the real Application: /invite, /start inv_<code>, /roles."""

from __future__ import annotations

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlmodel import col

from bot.context import Services
from models.core.audit import AuditLog
from models.core.authz import Role, RoleGrant, grant_role
from models.core.base import utcnow
from models.core.people import Person
from models.core.places import Town
from models.roles import Invite
from tests.authz.authz_cast import forge_tap
from tests.conftest import ADMIN_ID
from tests.factories import make_person
from tests.harness import BotHarness, Message, SimUser

SHANGHAI = ZoneInfo("Asia/Shanghai")
WEEKDAYS_ZH = ["星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日"]


def current(user: SimUser) -> Message:
    """The bot's latest message in the chat, as it looks now (after edits)."""
    message = user.state.last_message(user.id)
    assert message is not None
    return message


def button_data(message: Message) -> list[str]:
    """Callback data of a message's inline buttons."""
    rows = message.get("reply_markup", {}).get("inline_keyboard", [])
    return [b["callback_data"] for row in rows for b in row if "callback_data" in b]


def labels(message: Message) -> list[str]:
    """Labels of a message's inline buttons."""
    rows = message.get("reply_markup", {}).get("inline_keyboard", [])
    return [b["text"] for row in rows for b in row]


def code_in(text: str) -> str:
    """The invite code in a deep link."""
    found = re.search(r"https://t\.me/tongxin_bot\?start=inv_([A-Za-z0-9_-]+)", text)
    assert found, text
    return found.group(1)


async def create_invite_via_bot(admin: SimUser, role: str, town: str | None) -> str:
    """Drive /invite as an admin; returns the deep link's code."""
    await admin.send("/invite")
    await admin.tap(current(admin), f"inv:role:{role}")
    if town is not None:
        await admin.tap(current(admin), f"inv:town:{role}:{town}")
    return code_in(admin.last_text())


async def active_grants(services: Services, tg_user_id: int) -> list[tuple[str, str]]:
    async with services.sessions() as session:
        query = (
            select(col(RoleGrant.role), col(Town.code))
            .join(Person, col(Person.id) == col(RoleGrant.person_id))
            .join(Town, col(Town.id) == col(RoleGrant.town_id))
            .where(col(Person.tg_user_id) == tg_user_id, col(RoleGrant.revoked_at).is_(None))
        )
        return [(r, t) for r, t in (await session.execute(query)).all()]


async def test_admin_invites_q_volunteer_who_redeems_once(
    harness: BotHarness, services: Services
) -> None:
    await make_person(services.sessions, ADMIN_ID, name="总管理员")
    admin = harness.user(ADMIN_ID)
    await admin.send("/invite")
    screen = current(admin)
    assert "请选择要邀请的身份" in screen["text"]
    assert labels(screen)[:3] == ["1. 🙋 志愿者", "2. 🤝 调解员", "3. 🏛️ 镇管理员"]
    assert labels(screen)[-2:] == ["⬅️ 返回", "🏠 主菜单"]
    assert all(len(d.encode()) <= 64 for d in button_data(screen))

    await admin.tap(screen, "inv:role:volunteer")
    screen = current(admin)
    assert "请选择是哪个镇的志愿者" in screen["text"]
    assert labels(screen) == ["1. 崇明区D镇", "2. 启东市Q镇", "⬅️ 返回", "🏠 主菜单"]
    await admin.tap(screen, "inv:town:volunteer:Q")
    text = admin.last_text()
    code = code_in(text)
    assert "邀请链接已生成：启东市Q镇的志愿者" in text
    assert "只能使用一次" in text and "长按上面的链接复制" in text
    async with services.sessions() as session:
        invite = (await session.execute(select(Invite))).scalar_one()
    assert (invite.code, invite.role, invite.used_at) == (code, "volunteer", None)
    local = invite.expires_at.astimezone(SHANGHAI)
    words = f"有效期到3天后（{local.month}月{local.day}日，{WEEKDAYS_ZH[local.weekday()]}）"
    assert words in text
    assert ("上午" if local.hour < 12 else "下午") + f"{local.hour % 12 or 12}:" in text
    assert timedelta(days=3) - timedelta(minutes=1) < invite.expires_at - utcnow()

    await make_person(
        services.sessions, 8001, town_code="Q", community_code="q-xinglong", name="李阿姨"
    )
    newcomer = harness.user(8001)
    await newcomer.send(f"/start inv_{code}")
    assert "您现在是启东市Q镇的志愿者了" in newcomer.last_text()
    assert await active_grants(services, 8001) == [("volunteer", "Q")]

    await make_person(services.sessions, 8002, town_code="Q", community_code="q-haibin")
    second = harness.user(8002)
    await second.send(f"/start inv_{code}")
    assert "已经被使用过了" in second.last_text()
    assert await active_grants(services, 8002) == []
    async with services.sessions() as session:
        actions = list(
            (
                await session.execute(select(col(AuditLog.action)).order_by(col(AuditLog.id)))
            ).scalars()
        )
    assert actions == ["invite.create", "invite.redeem"]


async def test_out_of_scope_expired_and_unknown_invites_refused(
    harness: BotHarness, services: Services
) -> None:
    await make_person(services.sessions, ADMIN_ID)
    admin = harness.user(ADMIN_ID)
    q_code = await create_invite_via_bot(admin, "mediator", "Q")
    await make_person(services.sessions, 8003)  # D town
    d_user = harness.user(8003)
    await d_user.send(f"/start inv_{q_code}")
    assert "这个邀请是给另一个镇的居民的" in d_user.last_text()
    assert await active_grants(services, 8003) == []

    async with services.sessions() as session, session.begin():
        await session.execute(
            update(Invite)
            .where(col(Invite.code) == q_code)
            .values(expires_at=utcnow() - timedelta(seconds=1))
        )
    await make_person(services.sessions, 8004, town_code="Q", community_code="q-kenqu")
    q_user = harness.user(8004)
    await q_user.send(f"/start inv_{q_code}")
    assert "这个邀请链接已经过期了" in q_user.last_text()
    await q_user.send("/start inv_made-up-code")
    assert "这个邀请链接无效" in q_user.last_text()
    assert await active_grants(services, 8004) == []
    async with services.sessions() as session:
        assert (await session.execute(select(col(Invite.used_at)))).scalar_one() is None


async def test_town_admin_gets_own_town_and_no_admin_option(
    harness: BotHarness, services: Services
) -> None:
    town_admin = await make_person(services.sessions, 8100, name="镇管理员陈")
    assert town_admin.id is not None and town_admin.town_id is not None
    async with services.sessions() as session, session.begin():
        await grant_role(session, town_admin.id, Role.ADMIN, town_admin.town_id)
    user = harness.user(8100)
    await user.send("/invite")
    assert labels(current(user)) == [
        "1. 🙋 志愿者",
        "2. 🤝 调解员",
        "3. 🎪 活动组织者",
        "4. 🏛️ 联席会议成员",
        "5. 📝 联席会议秘书",
        "⬅️ 返回",
        "🏠 主菜单",
    ]
    await user.tap(current(user), "inv:role:mediator")
    assert "邀请链接已生成：崇明区D镇的调解员" in user.last_text()
    await user.tap(current(user), "inv:home")
    assert user.last_text() == services.i18n.translator("zh_CN")("home.prompt")


async def test_roles_lists_confirms_and_revokes(harness: BotHarness, services: Services) -> None:
    await make_person(services.sessions, ADMIN_ID)
    admin = harness.user(ADMIN_ID)
    code = await create_invite_via_bot(admin, "volunteer", "Q")
    await make_person(
        services.sessions, 8001, town_code="Q", community_code="q-xinglong", name="李阿姨"
    )
    await harness.user(8001).send(f"/start inv_{code}")
    await harness.restart()  # nothing of the flow lives in memory

    await admin.send("/roles")
    screen = current(admin)
    assert "👥 身份管理（第1页，共1页）" in screen["text"]
    assert "1. 李阿姨：启东市Q镇的志愿者" in screen["text"]
    revoke = [d for d in button_data(screen) if d.startswith("roles:revoke:")]
    assert len(revoke) == 1
    await admin.tap(screen, revoke[0])
    screen = current(admin)
    assert "确定要撤销李阿姨的身份吗" in screen["text"]
    assert button_data(screen)[0] == "roles:page:0"  # keeping it comes first, revoking second
    assert button_data(screen)[1].startswith("roles:confirm:")
    assert await active_grants(services, 8001) == [("volunteer", "Q")]  # not yet
    grant_id = revoke[0].rsplit(":", 1)[1]
    await admin.tap(screen, f"roles:confirm:{grant_id}")
    assert "已撤销：李阿姨不再是启东市Q镇的志愿者" in admin.last_text()
    assert await active_grants(services, 8001) == []
    async with services.sessions() as session:
        audit = (
            await session.execute(select(AuditLog).where(col(AuditLog.action) == "role.revoke"))
        ).scalar_one()
    assert audit.subject_id == int(grant_id)

    await forge_tap(admin, f"roles:confirm:{grant_id}")  # a repeated tap changes nothing
    answer = admin.state.callback_answers(ADMIN_ID)[-1]
    assert answer["show_alert"] and "没有找到这一项" in answer["text"]
    async with services.sessions() as session:
        rows = (await session.execute(select(col(AuditLog.action)))).scalars().all()
    assert rows.count("role.revoke") == 1
    await admin.send("/roles")
    assert "目前没有您可以管理的" in admin.last_text()


async def test_english_invite_redeem_and_roles(harness: BotHarness, services: Services) -> None:
    await make_person(services.sessions, ADMIN_ID, language="en", name="Admin")
    admin = harness.user(ADMIN_ID, language_code="en")
    await admin.send("/invite")
    assert "Which role is the invitation for?" in admin.last_text()
    assert labels(current(admin))[-2:] == ["⬅️ Back", "🏠 Main menu"]
    code = await create_invite_via_bot(admin, "mediator", "Q")
    text = admin.last_text()
    assert "Invitation link created: mediator for Q town (Qidong, Jiangsu)." in text
    assert "It works until in 3 days (" in text and "only once" in text
    await make_person(
        services.sessions,
        8001,
        town_code="Q",
        community_code="q-xinglong",
        language="en",
        name="Mrs Li",
    )
    user = harness.user(8001, language_code="en")
    await user.send(f"/start inv_{code}")
    assert "You are now a mediator for Q town (Qidong, Jiangsu)." in user.last_text()
    await user.send(f"/start inv_{code}")
    assert "already been used" in user.last_text()
    other_code = await create_invite_via_bot(admin, "volunteer", "Q")
    await make_person(services.sessions, 8002, language="en")  # D town
    await harness.user(8002, language_code="en").send(f"/start inv_{other_code}")
    assert "for residents of another town" in harness.user(8002).last_text()

    await admin.send("/roles")
    assert "👥 Roles (page 1 of 1)" in admin.last_text()
    assert "1. Mrs Li: mediator, Q town (Qidong, Jiangsu)" in admin.last_text()
    await user.send("/roles")
    assert "you do not have permission" in user.last_text()


async def test_roles_pages_through_many_grants(harness: BotHarness, services: Services) -> None:
    await make_person(services.sessions, ADMIN_ID)
    async with services.sessions() as session:
        d_town = (await session.execute(select(Town).where(col(Town.code) == "D"))).scalar_one()
    for tg_id in range(8401, 8408):
        person = await make_person(services.sessions, tg_id, name=f"志愿者{tg_id}")
        assert person.id is not None and d_town.id is not None
        async with services.sessions() as session, session.begin():
            await grant_role(session, person.id, Role.VOLUNTEER, d_town.id)
    admin = harness.user(ADMIN_ID)
    await admin.send("/roles")
    screen = current(admin)
    assert "👥 身份管理（第1页，共2页）" in screen["text"]
    assert len([d for d in button_data(screen) if d.startswith("roles:revoke:")]) == 6
    assert "roles:page:1" in button_data(screen) and "更多" in " ".join(labels(screen))
    await admin.tap(screen, "roles:page:1")
    screen = current(admin)
    assert "👥 身份管理（第2页，共2页）" in screen["text"]
    assert "1. 志愿者8407：崇明区D镇的志愿者" in screen["text"]
    assert len([d for d in button_data(screen) if d.startswith("roles:revoke:")]) == 1
    await admin.tap(screen, "roles:page:0")
    assert "（第1页，共2页）" in current(admin)["text"]
