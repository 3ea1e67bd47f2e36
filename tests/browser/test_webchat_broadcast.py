"""A volunteer sends a broadcast in one page; a resident in a second page receives it live."""

from __future__ import annotations

import pytest
from playwright.async_api import BrowserContext, expect
from sqlalchemy import select
from sqlmodel import col

from bot.demo import DemoStack
from models.broadcasts import Broadcast, BroadcastStatus
from models.core.outbox import OutboxMessage, OutboxStatus
from models.core.people import find_person
from tests.browser.support import (
    bot_said,
    choose,
    eventually,
    open_as,
    panel,
    shoot,
    type_text,
)
from tests.browser.test_webchat_onboarding import services_of

pytestmark = pytest.mark.browser

VOLUNTEER, RESIDENT, Q_RESIDENT = 100004, 100001, 100002
NOTICE = "本周六上午9点，红梅学苑有知青文化讲座，欢迎参加！"


async def test_volunteer_broadcast_reaches_a_resident_in_another_page(
    context: BrowserContext, stack: DemoStack
) -> None:
    services = services_of(stack)
    t = services.i18n.translator("zh_CN")
    resident = await open_as(context, stack, RESIDENT)
    await expect(panel(resident, RESIDENT).get_by_role("button", name="开始")).to_be_visible()
    volunteer = await open_as(context, stack, VOLUNTEER)

    await type_text(volunteer, VOLUNTEER, "/broadcast")
    await bot_said(volunteer, VOLUNTEER, t("broadcast.ask_text"))
    await type_text(volunteer, VOLUNTEER, NOTICE)
    await bot_said(volunteer, VOLUNTEER, t("broadcast.ask_topic"))
    await choose(volunteer, VOLUNTEER, t("topic.events"))
    await choose(volunteer, VOLUNTEER, t("broadcast.audience.community"))
    await choose(volunteer, VOLUNTEER, "长江新村社区")
    await bot_said(volunteer, VOLUNTEER, t("broadcast.preview.title"))
    await choose(volunteer, VOLUNTEER, t("broadcast.when.now"))
    await shoot(volunteer, "broadcast-confirm")
    await choose(volunteer, VOLUNTEER, t("broadcast.confirm.yes"))

    async def created() -> list[Broadcast]:
        async with services.sessions() as session:
            return list((await session.execute(select(Broadcast))).scalars())

    [broadcast] = await eventually(created)
    await bot_said(
        volunteer, VOLUNTEER, t.n("broadcast.receipt.now", 3, id=broadcast.id, recipients=3)
    )

    notice = t("broadcast.notice", text=NOTICE)
    arrived = await bot_said(resident, RESIDENT, NOTICE)  # the broadcast job and the outbox pump
    await expect(arrived.locator(".text")).to_have_text(notice)
    await shoot(resident, "broadcast-received")

    # The same page can hold several personas; side by side they fit one screenshot.
    await volunteer.set_viewport_size({"width": 900, "height": 900})
    await volunteer.get_by_role("button", name="添加角色").click()
    await volunteer.get_by_role("button", name="王阿姨 D镇 · 居民").click()
    await expect(
        panel(volunteer, RESIDENT).locator(".msg.bot").filter(has_text=NOTICE)
    ).to_be_visible()
    await volunteer.get_by_role("button", name="并排").click()
    await expect(panel(volunteer, VOLUNTEER)).to_be_visible()
    await expect(panel(volunteer, RESIDENT)).to_be_visible()
    # The progress message is edited in place once everyone has it (the job runs every 2 s).
    done_text = t("broadcast.progress.done", id=broadcast.id, sent=3, total=3)
    progress = panel(volunteer, VOLUNTEER).locator(".msg.bot").filter(has_text=done_text)
    await expect(progress.locator(".edited")).to_have_text("已编辑", timeout=15_000)
    await shoot(volunteer, "broadcast-side-by-side", docs=True)

    async with services.sessions() as session:
        person = await find_person(session, RESIDENT)
        assert person is not None
        sent = (
            (
                await session.execute(
                    select(OutboxMessage).where(col(OutboxMessage.person_id) == person.id)
                )
            )
            .scalars()
            .all()
        )
        done = await session.get(Broadcast, broadcast.id)
    assert [m.status for m in sent] == [OutboxStatus.SENT.value]
    assert done is not None and done.status in (
        BroadcastStatus.SENDING.value,
        BroadcastStatus.DONE.value,
    )
    assert stack.state.messages(Q_RESIDENT) == []  # another town's resident got nothing
