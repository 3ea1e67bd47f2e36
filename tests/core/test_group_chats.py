"""Group chats and channels through the real Application: personal and staff flows answer only
in private chats; a group is told once (remembered in the database) to talk in private; edits
and channel posts are ignored; the bot joining and leaving groups is recorded in ``bot_group``.
"""

from __future__ import annotations

import asyncio
import json
from datetime import datetime

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.context import Services
from models.core.authz import Role, grant_role
from models.core.base import utcnow
from models.core.groups import BotGroup, claim_private_notice, find_group
from models.core.people import find_person
from models.roles import ROLES_CODE
from sandbox import SandboxState
from tests.conftest import ADMIN_ID
from tests.factories import make_person
from tests.harness import BotHarness

RESIDENT, VOLUNTEER, STRANGER = 770020001, 770020002, 770020003
PHONE, NAME, STAFF_NAME = "13987654321", "测试阿姨", "志愿者小张"
GROUP, OTHER_GROUP, CHANNEL = -4_001_001, -1_004_002_003, -1_004_009_009
NOTICE = "请私聊我"
LINK = "https://t.me/tongxin_bot"


def everything_sent(state: SandboxState) -> str:
    """Every text, caption, file and tap answer the bot sent, in any chat, as one string."""
    parts: list[str] = []
    for chat in state.chats.values():
        for rec in chat.messages.values():
            if rec["from_bot"]:
                parts += [rec["text"] or "", rec["caption"] or "", *map(str, rec["history"])]
                if rec["file"]:
                    parts.append(rec["file"]["bytes"].decode("utf-8", "replace"))
                parts.append(json.dumps(rec["reply_markup"] or {}, ensure_ascii=False))
    for answers in state.answers.values():
        parts += [str(answer["text"] or "") for answer in answers]
    return "\n".join(parts)


async def row_of(services: Services, chat_id: int) -> BotGroup | None:
    async with services.sessions() as session:
        return await find_group(session, chat_id)


def between(start: datetime, moment: datetime | None) -> bool:
    """``moment`` lies between ``start`` (the test's pinned start) and now."""
    return moment is not None and start <= moment <= utcnow()


async def test_mydata_and_roles_in_a_group_reveal_nothing(
    harness: BotHarness, services: Services
) -> None:
    await make_person(services.sessions, ADMIN_ID, name="总管理员")
    await make_person(services.sessions, RESIDENT, name=NAME, phone=PHONE)
    staff = await make_person(services.sessions, VOLUNTEER, name=STAFF_NAME)
    async with services.sessions() as session, session.begin():
        await grant_role(session, staff.id or 0, Role.VOLUNTEER, staff.town_id)
    resident, admin = harness.user(RESIDENT), harness.user(ADMIN_ID)
    group = harness.group(GROUP)

    said = await resident.send_in(group, "/mydata")
    said += await resident.send_in(group, "/mydata@tongxin_bot")
    said += await admin.send_in(group, "/roles@tongxin_bot")
    said += await admin.send_in(group, "/invite")

    sent = everything_sent(harness.state)
    for secret in (PHONE, NAME, STAFF_NAME, "总管理员", "长江新村", "D镇", "志愿者", "mydata"):
        assert secret not in sent
    assert harness.state.stats["method"]["sendDocument"] == 0
    assert [m["text"] for m in said] == [said[0]["text"]]  # the one notice, nothing else
    assert NOTICE in said[0]["text"] and LINK in said[0]["text"]
    assert harness.state.messages(RESIDENT) == [] and harness.state.messages(ADMIN_ID) == []


async def test_the_notice_is_sent_once_per_group_even_after_a_restart(
    harness: BotHarness, services: Services, pinned_now: datetime
) -> None:
    await make_person(services.sessions, RESIDENT, name=NAME)
    resident, stranger = harness.user(RESIDENT), harness.user(STRANGER, language_code="en")
    group, other = (
        harness.group(GROUP, "长江新村邻里群"),
        harness.group(OTHER_GROUP, kind="supergroup"),
    )

    first = await resident.send_in(group, "/start")
    assert len(first) == 1 and NOTICE in first[0]["text"] and LINK in first[0]["text"]
    assert first[0]["reply_markup"] is None  # no keyboard pushed on the whole group
    assert await resident.send_in(group, "/help") == []
    assert await stranger.send_in(group, "@tongxin_bot hello?") == []
    row = await row_of(services, GROUP)
    assert row is not None and row.title == "长江新村邻里群" and row.chat_type == "group"
    assert row.active and row.added_at is None  # never told it was added: a row on first contact
    assert between(pinned_now, row.private_notice_sent_at)

    await harness.restart()
    assert await resident.send_in(group, "/mydata") == []
    assert await stranger.send_in(group, "/start@tongxin_bot") == []
    assert len(harness.state.messages(GROUP)) == 1

    # Another group gets its own notice, in the language of whoever spoke to the bot there.
    english = await stranger.send_in(other, "/start")
    assert len(english) == 1 and "private chat" in english[0]["text"] and LINK in english[0]["text"]
    assert await resident.send_in(other, "/help") == []
    assert harness.state.messages(RESIDENT) == [] and harness.state.messages(STRANGER) == []


async def test_ordinary_group_chatter_gets_no_reply(
    harness: BotHarness, services: Services
) -> None:
    await make_person(services.sessions, RESIDENT, name=NAME)
    resident, stranger = harness.user(RESIDENT), harness.user(STRANGER)
    group = harness.group(GROUP)

    for text in ("大家好", "1", "🏠 主菜单", "明天", "/mydata@another_bot", "@someone 你好"):
        assert await resident.send_in(group, text) == [], text
        assert await stranger.send_in(group, text) == [], text
    assert everything_sent(harness.state) == ""
    assert harness.state.stats["method"]["sendMessage"] == 0
    # Had the bot been addressed first, it would have said so once; chatter still gets nothing.
    assert len(await stranger.send_in(group, "/start")) == 1
    assert await resident.send_in(group, "谢谢") == []


async def test_a_tap_in_a_group_is_answered_silently(
    harness: BotHarness, services: Services
) -> None:
    await make_person(services.sessions, ADMIN_ID, name="总管理员")
    await make_person(services.sessions, VOLUNTEER, name=STAFF_NAME)
    admin = harness.user(ADMIN_ID)
    group = harness.group(GROUP)
    assert harness.app is not None
    button = InlineKeyboardButton("名单", callback_data=ROLES_CODE.data("page", 0))
    await harness.app.bot.send_message(GROUP, "👇", reply_markup=InlineKeyboardMarkup([[button]]))
    posted = harness.state.messages(GROUP)[-1]

    said = await admin.tap(posted, ROLES_CODE.data("page", 0), chat=group)

    assert said == []
    answers = harness.state.callback_answers(ADMIN_ID)
    assert [(a["text"], a["show_alert"]) for a in answers] == [(None, False)]
    assert harness.state.messages(GROUP)[-1]["edited"] == 0  # the message is left as it was
    assert harness.state.messages(ADMIN_ID) == []
    assert STAFF_NAME not in everything_sent(harness.state)


async def test_edited_messages_get_no_reply(harness: BotHarness, services: Services) -> None:
    await make_person(services.sessions, RESIDENT, name=NAME)
    resident = harness.user(RESIDENT)
    said = await resident.send("随便看看")
    assert "没有看懂" in said[0]["text"]  # a new message that is not understood is answered ...

    assert await resident.edit("你好呀") == []  # ... its edit is not
    assert await resident.edit("/mydata") == []
    group = harness.group(GROUP)
    await resident.send_in(group, "大家好")
    assert await resident.edit("/start@tongxin_bot", chat=group) == []
    assert harness.state.stats["method"]["sendDocument"] == 0
    assert len(harness.state.messages(RESIDENT)) == 1


async def test_edited_answer_does_not_answer_a_question_twice(
    harness: BotHarness, services: Services
) -> None:
    stranger = harness.user(STRANGER)
    await stranger.send("/start")
    consent = stranger.last_text()
    assert await stranger.edit("1") == []  # editing "/start" into the consent answer
    assert stranger.last_text() == consent
    async with services.sessions() as session:
        assert await find_person(session, STRANGER) is None  # nothing stored: no consent


async def test_channel_posts_are_ignored(harness: BotHarness, services: Services) -> None:
    channel = harness.group(CHANNEL, "同心公告", kind="channel")
    for text in ("/start", "今天下午有活动", "/mydata@tongxin_bot"):
        assert await harness.channel_post(channel, text) == []
    assert everything_sent(harness.state) == ""
    assert await row_of(services, CHANNEL) is None


async def test_the_bot_joining_and_leaving_groups_is_recorded(
    harness: BotHarness, services: Services, pinned_now: datetime
) -> None:
    adder = await make_person(services.sessions, RESIDENT, name=NAME)
    resident, stranger = harness.user(RESIDENT), harness.user(STRANGER)
    group = harness.group(GROUP, "调解员群")

    assert await resident.add_bot_to(group) == []  # joining, the bot says nothing
    row = await row_of(services, GROUP)
    assert row is not None and row.active and row.status == "member"
    assert row.added_by == adder.id and row.title == "调解员群" and row.chat_type == "group"
    assert between(pinned_now, row.added_at) and row.left_at is None
    added_at = row.added_at

    await resident.add_bot_to(group, "administrator")  # promoted: still the same stay
    row = await row_of(services, GROUP)
    assert row is not None and row.status == "administrator" and row.added_at == added_at

    assert await resident.remove_bot_from(group) == []
    row = await row_of(services, GROUP)
    assert row is not None and not row.active and row.status == "kicked"
    assert row.added_at == added_at and between(added_at or pinned_now, row.left_at)

    await stranger.add_bot_to(group)  # back again, added by someone the bot does not know
    row = await row_of(services, GROUP)
    assert row is not None and row.active and row.added_by is None and row.left_at is None
    assert between(added_at or pinned_now, row.added_at)

    await stranger.remove_bot_from(group, "left")
    row = await row_of(services, GROUP)
    assert row is not None and not row.active and row.status == "left"

    channel = harness.group(CHANNEL, "同心公告", kind="channel")
    await resident.add_bot_to(channel, "administrator")
    row = await row_of(services, CHANNEL)
    assert row is not None and row.active and row.chat_type == "channel"
    assert everything_sent(harness.state) == ""


async def test_mydata_exports_and_deleteme_unlinks_the_groups_a_person_added(
    harness: BotHarness, services: Services
) -> None:
    adder = await make_person(services.sessions, RESIDENT, name=NAME, phone=PHONE)
    resident = harness.user(RESIDENT)
    await resident.add_bot_to(harness.group(GROUP, "调解员群"))
    await harness.user(STRANGER).add_bot_to(harness.group(OTHER_GROUP, "别人的群"))

    exported = (await resident.send("/mydata"))[-1]["file"]["bytes"]
    groups = json.loads(exported)["related"]["bot_group"]
    assert [(g["chat_id"], g["title"], g["added_by"]) for g in groups] == [
        (GROUP, "调解员群", adder.id)
    ]

    await resident.send("/deleteme")
    await resident.choose("确认删除")
    assert "您的信息已经全部删除" in resident.last_text()
    row = await row_of(services, GROUP)
    assert row is not None and row.added_by is None  # the group stays; who added it is gone
    assert row.active and row.title == "调解员群"


async def test_fifty_concurrent_first_contacts_send_one_notice(services: Services) -> None:
    async def attempt() -> bool:
        async with services.sessions() as session, session.begin():
            return await claim_private_notice(
                session, chat_id=GROUP, title="社区群", chat_type="supergroup"
            )

    outcomes = await asyncio.gather(*(attempt() for _ in range(50)))

    assert outcomes.count(True) == 1
    row = await row_of(services, GROUP)
    assert row is not None and row.private_notice_sent_at is not None
