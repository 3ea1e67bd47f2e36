"""A cross-border dispute in the web chat: 李大爷 (Q town) reports noise from across the border,
one question a screen, and gets a numbered receipt; the mediators of both towns see the alert
in their own pages; the lead town's mediator (the other side's town, D) accepts it and relays
a message, 李大爷 answers, and the mediator reads the answer; Q town's mediator then joins as
co-mediator. Side by side for the docs."""

from __future__ import annotations

import pytest
from playwright.async_api import BrowserContext, Page, expect
from sqlalchemy import select
from sqlmodel import col

from bot.context import Services
from bot.demo import DemoStack
from models.core.people import find_person
from models.core.places import Town
from models.disputes import CaseStatus, DisputeCase, RelayMessage
from tests.browser.support import bot_said, choose, eventually, open_as, panel, shoot, type_text
from tests.browser.test_webchat_onboarding import services_of

pytestmark = pytest.mark.browser

REPORTER, D_MEDIATOR, Q_MEDIATOR = 100002, 100005, 100006  # 李大爷, 陈调解员, 刘调解员
NOISE = "河对面D镇的养鸡场每天凌晨四点开鼓风机，吵得睡不着。"
TO_REPORTER = "李大爷您好，我是D镇的陈调解员。明天上午我去养鸡场了解情况，可以吗？"
ANSWER = "可以，谢谢陈调解员！"


async def _ids(services: Services) -> dict[int, int]:
    """Person ids of the three demo people, by Telegram id."""
    out = {}
    async with services.sessions() as session:
        for tg in (REPORTER, D_MEDIATOR, Q_MEDIATOR):
            person = await find_person(session, tg)
            assert person is not None and person.id is not None
            out[tg] = person.id
    return out


async def _tap(page: Page, user_id: int, message_text: str, label: str) -> None:
    """Tap an inline button under the bot's newest message holding ``message_text``."""
    bubble = await bot_said(page, user_id, message_text)
    await bubble.get_by_role("button", name=label, exact=True).click()


async def test_cross_border_report_reaches_both_towns_and_the_lead_mediator_relays(
    context: BrowserContext, stack: DemoStack
) -> None:
    services = services_of(stack)
    t = services.i18n.translator("zh_CN")
    ids = await _ids(services)
    d_med = await open_as(context, stack, D_MEDIATOR)
    q_med = await open_as(context, stack, Q_MEDIATOR)
    page = await open_as(context, stack, REPORTER)
    await panel(page, REPORTER).get_by_role("button", name="开始").click()
    await bot_said(page, REPORTER, t("onboarding.welcome_back.named", name="李大爷"))

    await choose(page, REPORTER, t("menu.disputes"))
    await bot_said(page, REPORTER, t("report.ask_kind.short"))  # no cases yet: straight here
    await choose(page, REPORTER, t("disputes.category.noise"))
    await bot_said(page, REPORTER, t("report.ask_parties"))
    await choose(page, REPORTER, t("disputes.parties.other_town"))
    await type_text(page, REPORTER, NOISE)
    await bot_said(page, REPORTER, t("report.describe.got", chars=len(NOISE), voices=0, photos=0))
    await choose(page, REPORTER, t("report.describe.done"))
    await choose(page, REPORTER, t("disputes.contact.bot"))
    await choose(page, REPORTER, t("report.anonymous.no"))
    await bot_said(page, REPORTER, t("report.ask_consent").split("\n")[0])
    await choose(page, REPORTER, t("report.consent.yes"))
    await bot_said(page, REPORTER, t("report.summary.words", words=NOISE))
    await choose(page, REPORTER, t("report.confirm.send"))

    async def reported() -> list[DisputeCase]:
        async with services.sessions() as session:
            # The demo history has older cases by background residents: only his counts.
            mine = select(DisputeCase).where(col(DisputeCase.reporter_id) == ids[REPORTER])
            return list((await session.execute(mine)).scalars())

    [case] = await eventually(reported)
    async with services.sessions() as session:
        towns = {t.code: t.id for t in (await session.execute(select(Town))).scalars()}
    # Across the border, with consent: a joint case led (and numbered) by the other side's town.
    assert case.joint and case.lead_town_id == towns["D"] and case.number.startswith("D-")
    assert (case.reporter_id, case.status) == (ids[REPORTER], CaseStatus.NEW.value)
    receipt = await bot_said(page, REPORTER, case.number)
    await expect(receipt).to_contain_text(t.n("report.receipt.joint", 24, hours=24))

    joint = t("disputes.alert.joint_yes")
    for mediator, tg in ((d_med, D_MEDIATOR), (q_med, Q_MEDIATOR)):  # both towns alerted
        alert = await bot_said(mediator, tg, case.number)
        await expect(alert).to_contain_text(joint)
        await expect(alert).to_contain_text(NOISE[:20])
        await expect(alert.get_by_role("button", name=t("disputes.button.accept"))).to_be_visible()

    # D town leads: its mediator accepts, and writes to 李大爷.
    await _tap(d_med, D_MEDIATOR, case.number, t("disputes.button.accept"))
    taken = t("disputes_mediator.taken.lead", name="陈调解员", number=case.number)
    await _tap(d_med, D_MEDIATOR, taken, t("disputes_mediator.button.relay"))
    await bot_said(d_med, D_MEDIATOR, t("disputes_mediator.ask.relay", number=case.number))
    await type_text(d_med, D_MEDIATOR, TO_REPORTER)
    await bot_said(d_med, D_MEDIATOR, t("disputes_mediator.relay.sent", number=case.number))
    # Done writing: 🏠 leaves the screen (an answer arriving mid-flow would wait, jobs.midflow).
    await choose(d_med, D_MEDIATOR, t("nav.home"))

    relayed = t("disputes.relay.from_mediator", number=case.number, name="陈调解员", text="")
    await bot_said(page, REPORTER, TO_REPORTER)
    await _tap(page, REPORTER, relayed.strip(), t("disputes.button.reply"))
    await bot_said(page, REPORTER, t("mycases.ask_relay"))
    await type_text(page, REPORTER, ANSWER)
    await bot_said(page, REPORTER, t("mycases.relay.sent", number=case.number))
    answer = await bot_said(d_med, D_MEDIATOR, ANSWER)
    heard = t("disputes.relay.from_reporter", number=case.number, name="李大爷", text=ANSWER)
    await expect(answer.locator(".text")).to_have_text(heard)

    async with services.sessions() as session:
        done = await session.get(DisputeCase, case.id)
        query = (
            select(RelayMessage)
            .where(col(RelayMessage.case_id) == case.id)
            .order_by(col(RelayMessage.id))
        )
        relays = list((await session.execute(query)).scalars())
    assert done is not None and done.status == CaseStatus.ACCEPTED.value
    assert done.assignee_id == ids[D_MEDIATOR] and done.accepted_at is not None
    assert [(r.sender_id, r.recipient_id, r.kind, r.text) for r in relays] == [
        (ids[D_MEDIATOR], ids[REPORTER], "text", TO_REPORTER),
        (ids[REPORTER], ids[D_MEDIATOR], "text", ANSWER),
    ]

    # Q town's mediator may still tap 接案 on the same alert: the co-mediator's seat.
    await _tap(q_med, Q_MEDIATOR, case.number, t("disputes.button.accept"))
    await bot_said(
        q_med, Q_MEDIATOR, t("disputes_mediator.taken.co", name="刘调解员", number=case.number)
    )
    async with services.sessions() as session:
        joined = await session.get(DisputeCase, case.id, populate_existing=True)
    assert joined is not None and joined.co_mediator_id == ids[Q_MEDIATOR]
    assert joined.assignee_id == ids[D_MEDIATOR]
    await _side_by_side(page)


async def _side_by_side(page: Page) -> None:
    """The reporter's page with both mediators added, side by side, for the docs."""
    await page.set_viewport_size({"width": 1420, "height": 1100})
    for persona in ("陈调解员 D镇 · 调解员", "刘调解员 Q镇 · 调解员"):
        await page.get_by_role("button", name="添加角色").click()
        await page.get_by_role("button", name=persona).click()
    await page.get_by_role("button", name="并排").click()
    for tg in (REPORTER, D_MEDIATOR, Q_MEDIATOR):
        await expect(panel(page, tg)).to_be_visible()
    await expect(panel(page, Q_MEDIATOR).locator(".msg.bot").last).to_be_visible()
    await shoot(page, "disputes-cross-border", docs=True)
