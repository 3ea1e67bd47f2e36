"""/mydata and /deleteme through the real Application; erasure checked in every table."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import select as model_select
from telegram.ext import ConversationHandler

from bot.context import Services
from handlers.kit import set_conversation_state
from models.core.authz import Role, grant_role
from models.core.base import metadata
from models.core.people import Person, toggle_topic
from models.core.runtime import PtbState
from models.settings.privacy import erase_person
from tests.conftest import ADMIN_ID
from tests.factories import make_person
from tests.harness import BotHarness

UID = 770012345
NAME = "测试用户甲"
PHONE = "13912345678"


async def _setup(services: Services) -> Person:
    """An onboarded volunteer with a muted topic, a role grant and an audit row about them."""
    admin = await make_person(services.sessions, ADMIN_ID, name="管理员")
    person = await make_person(services.sessions, UID, name=NAME, phone=PHONE)
    assert person.id is not None
    async with services.sessions() as session, session.begin():
        await toggle_topic(session, person.id, "health")
        await grant_role(session, person.id, Role.VOLUNTEER, person.town_id, granted_by=admin.id)
    return person


async def _find(services: Services) -> Person | None:
    async with services.sessions() as session:
        query = model_select(Person).where(Person.tg_user_id == UID)
        return (await session.execute(query)).scalar_one_or_none()


async def _all_rows(services: Services) -> dict[str, list[dict[str, Any]]]:
    async with services.sessions() as session:
        return {
            table.name: [dict(r._mapping) for r in await session.execute(select(table))]
            for table in metadata.sorted_tables
        }


def _mentions(rows: dict[str, list[dict[str, Any]]], needles: list[str]) -> list[str]:
    found = []
    for table, table_rows in rows.items():
        for row in table_rows:
            text = json.dumps(row, ensure_ascii=False, default=str)
            found += [f"{table}: {needle} in {text}" for needle in needles if needle in text]
    return found


async def test_mydata_sends_everything_as_json(harness: BotHarness, services: Services) -> None:
    await _setup(services)
    user = harness.user(UID)
    messages = await user.send("/mydata")
    assert messages[-1]["kind"] == "document"
    document = messages[-1]["file"]
    assert document["file_name"] == "mydata.json"
    assert "您的全部资料" in messages[-1]["caption"]
    raw = document["bytes"]
    assert raw == harness.state.files[document["file_id"]].data
    assert "测试用户甲" in raw.decode("utf-8")  # ensure_ascii=False
    assert raw.decode("utf-8").startswith('{\n  "person"')  # indent 2
    data = json.loads(raw)
    assert data["person"]["display_name"] == NAME and data["person"]["phone"] == PHONE
    assert data["person"]["language"] == "zh_CN"
    assert data["town"]["name_zh"] == "崇明区D镇"
    assert data["community"]["name_zh"] == "长江新村社区"
    assert [g["role"] for g in data["roles"]] == ["volunteer"]
    assert data["muted_topics"] == ["health"]
    assert [a["action"] for a in data["audit"]] == ["role.grant"]


async def test_mydata_in_english_and_for_strangers(harness: BotHarness, services: Services) -> None:
    await make_person(services.sessions, UID, language="en")
    messages = await harness.user(UID, language_code="en").send("/mydata")
    assert "Everything we keep about you" in messages[-1]["caption"]
    stranger = harness.user(UID + 1)
    await stranger.send("/mydata")
    assert "我们没有保存您的任何信息" in stranger.last_text()


async def test_cancelled_deleteme_changes_nothing(harness: BotHarness, services: Services) -> None:
    await _setup(services)
    before = await _all_rows(services)
    user = harness.user(UID)
    await user.send("/deleteme")
    assert "不能恢复" in user.last_text()
    assert user.buttons()[:2] == ["1. 取消", "2. 确认删除"]  # erasing is never choice 1
    await user.send("嗯？")
    assert "请点“确认删除”或者“取消”" in user.last_text()
    await user.choose("取消")
    assert "已取消，您的信息没有任何改变" in user.last_text()
    await harness.restart()
    after = await _all_rows(services)
    assert {k: v for k, v in after.items() if k != "ptb_state"} == {
        k: v for k, v in before.items() if k != "ptb_state"
    }
    assert await _find(services) is not None


async def test_deleteme_erases_everything_for_good(harness: BotHarness, services: Services) -> None:
    person = await _setup(services)
    user = harness.user(UID)
    # Leave UI state behind: a settings screen mid-way (user_data + conversation row) ...
    await user.send("/settings")
    await user.choose("所在镇和社区")
    await user.choose("启东市Q镇")
    await harness.flush_persistence()  # ... flushed to ptb_state ...
    async with services.sessions() as session:
        keys = [r.key for r in (await session.execute(model_select(PtbState))).scalars()]
    assert f"settings:[{UID}, {UID}]" in keys and str(UID) in keys
    await user.choose("兴隆社区")  # ... then changed again and NOT yet flushed when erased.
    await user.choose("所在镇和社区")
    messages = await user.send("/deleteme")
    messages += await user.choose("确认删除")
    assert "您的信息已经全部删除" in messages[-1]["text"]
    assert user.buttons() == ["▶️ 开始"]  # the only way left: start again
    await harness.flush_persistence()  # a flush while still running must not write it back
    needles = [str(UID), NAME, PHONE]
    assert _mentions(await _all_rows(services), needles) == []
    await harness.restart()
    rows = await _all_rows(services)
    assert _mentions(rows, needles) == []
    assert rows["person"] == [r for r in rows["person"] if r["tg_user_id"] == ADMIN_ID]
    audit = rows["audit_log"]
    assert [a["action"] for a in audit] == ["role.grant"]  # survives, anonymised
    assert audit[0]["subject_id"] is None or audit[0]["subject_type"] != "person"
    assert all(a["actor_id"] != person.id for a in audit)
    # The old settings screen is gone: "1" is not taken as a community choice.
    await user.send("1")  # the main menu's 1 (booking) now, which needs registering first
    assert "点下面的“▶️ 开始”" in user.last_text()
    started = await user.send("/start")
    assert "欢迎使用“同心”" in started[0]["text"] and "您同意吗" in started[-1]["text"]
    assert await _find(services) is None


async def test_deleteme_in_english(harness: BotHarness, services: Services) -> None:
    await make_person(services.sessions, UID, language="en", name="Ann", phone=PHONE)
    user = harness.user(UID, language_code="en")
    await user.send("/deleteme")
    assert "This cannot be undone" in user.last_text()
    await user.send("2")
    assert "Everything about you has been deleted" in user.last_text()
    await harness.restart()
    assert _mentions(await _all_rows(services), [str(UID), "Ann", PHONE]) == []


async def test_unflushed_state_of_other_conversations_is_not_written_back(
    harness: BotHarness, services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    await _setup(services)
    user = harness.user(UID)
    await user.send("/deleteme")
    assert harness.app is not None
    settings = next(
        h
        for h in harness.app.handlers[0]
        if isinstance(h, ConversationHandler) and h.name == "settings"
    )

    flushes: list[asyncio.Task[None]] = []

    async def erase_then_race(session: AsyncSession, person: Person) -> None:
        await erase_person(session, person)
        # Meanwhile another flow of this user changed its screen; not flushed yet ...
        set_conversation_state(settings, UID, UID, 0)
        harness.app.user_data[UID]["settings.town"] = 2  # type: ignore[union-attr]
        # ... and PTB's periodic flush starts right now, while this update still runs.
        flushes.append(asyncio.create_task(harness.flush_persistence()))

    monkeypatch.setattr("handlers.settings.privacy.erase_person", erase_then_race)
    await user.choose("确认删除")
    assert "您的信息已经全部删除" in user.last_text()
    await flushes[0]
    await harness.flush_persistence()  # and the next one, after it
    await harness.restart()
    rows = await _all_rows(services)
    assert [r for r in rows["ptb_state"] if str(UID) in r["key"]] == []
    assert _mentions(rows, [str(UID), NAME, PHONE]) == []
