"""A broadcast's approval request is a question (issue 11, items 1 and 2): one set of choices on
the admin's screen (1 ✅ 同意发送, 2 ❌ 不同意: rejecting is never choice 1), typed or tapped,
its words working; "2" asks why, and the volunteer is told. Through the real Application."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlmodel import col

from bot.context import Services
from jobs.broadcasts import ProgressBoard
from models.broadcasts import Broadcast, BroadcastStatus
from models.core.authz import Role
from models.core.base import utcnow
from models.core.people import Person, find_person
from models.core.questions import PendingQuestion, record_question
from tests.broadcasts.broadcast_support import (
    VOLUNTEER,
    audit,
    broadcasts,
    bulk_people,
    compose,
    job,
    outbox_rows,
    staff,
    texts,
)
from tests.harness import BotHarness, Message, SimUser

D_ADMIN, D_ADMIN_2, Q_ADMIN = 8002, 8004, 8003
RESIDENTS = 66_000
LANGS = {"zh_CN": "zh-hans", "en": "en"}


async def submit(harness: BotHarness, services: Services, notice: str, lang: str = "zh_CN") -> int:
    """The volunteer sends ``notice`` to everyone in D town now; it waits for a D admin."""
    services.settings.broadcast_approval_towns = ["D"]
    await bulk_people(services, 3, start=RESIDENTS)
    for tg in range(RESIDENTS, RESIDENTS + 3):
        harness.user(tg)
    await staff(services, VOLUNTEER, Role.VOLUNTEER)
    for tg, town, community in (
        (D_ADMIN, "D", "d-changjiang"),
        (D_ADMIN_2, "D", "d-changjiang"),
        (Q_ADMIN, "Q", "q-xinglong"),
    ):
        person, _ = await staff(services, tg, Role.ADMIN, town, community)
        await _speaks(services, person.id or 0, lang)
        harness.user(tg, language_code=LANGS[lang])
    volunteer = harness.user(VOLUNTEER)
    await compose(volunteer, notice)
    for _ in range(4):  # events, everyone, now, confirm
        await volunteer.send("1")
    [broadcast] = await broadcasts(services)
    assert broadcast.status == BroadcastStatus.PENDING_APPROVAL.value
    await harness.drain_outbox()
    return broadcast.id or 0


async def _speaks(services: Services, person_id: int, lang: str) -> None:
    async with services.sessions() as session, session.begin():
        person = await session.get(Person, person_id)
        assert person is not None
        person.language = lang


def request_of(user: SimUser, bid: int) -> Message:
    """The admin's approval request of broadcast ``bid``."""
    for message in reversed(user.state.messages(user.id)):
        if f"#{bid}" in str(message.get("text") or message.get("caption") or ""):
            return message
    raise AssertionError(f"no approval request for broadcast {bid}")


def replies(message: Message) -> list[str]:
    """The reply-keyboard labels a message brought (empty when none)."""
    markup = message.get("reply_markup") or {}
    return [
        str(b if isinstance(b, str) else b["text"])
        for row in markup.get("keyboard") or []
        for b in row
    ]


async def stored(services: Services, bid: int) -> Broadcast:
    """The broadcast as stored now."""
    async with services.sessions() as session:
        found = await session.get(Broadcast, bid)
    assert found is not None
    return found


@pytest.mark.parametrize(("lang", "typed"), [("zh_CN", "1"), ("zh_CN", "同意"), ("en", "approve")])
async def test_the_request_is_one_question_and_its_answer_sends_the_notice(
    harness: BotHarness, services: Services, lang: str, typed: str
) -> None:
    t = services.i18n.translator(lang)
    bid = await submit(harness, services, "周六上午义诊。", lang)
    admin, second = harness.user(D_ADMIN), harness.user(D_ADMIN_2)

    request = request_of(admin, bid)
    assert "周六上午义诊。" in request["text"]
    assert replies(request) == [  # one set of choices, rejecting never choice 1
        "1. " + t("broadcast.approve"),
        "2. " + t("broadcast.reject"),
        t("nav.home"),
    ]
    assert "inline_keyboard" not in (request.get("reply_markup") or {})
    assert replies(request_of(second, bid))  # every D admin is asked …
    assert harness.user(Q_ADMIN).state.messages(Q_ADMIN) == []  # … no Q admin

    await admin.send(typed)

    assert admin.last_text() == t("broadcast.decided.approved", id=bid)
    assert admin.buttons()[0].startswith("1. ")  # the main menu again
    decided = await stored(services, bid)
    assert decided.status == BroadcastStatus.SCHEDULED.value
    await harness.drain_outbox()
    volunteer = harness.state.messages(VOLUNTEER)
    assert services.i18n.translator("zh_CN")("broadcast.approved.author", id=bid) in texts(
        volunteer
    )
    await job(harness, ProgressBoard())
    await harness.drain_outbox()
    assert texts(harness.state.messages(RESIDENTS + 1))[-1].endswith("周六上午义诊。")

    # The second admin's question is stale now: a polite answer, and nothing changes.
    before = await audit(services)
    await second.send("1")
    assert second.last_text() == t("broadcast.error.decided")
    assert second.buttons()[0].startswith("1. ")
    assert await audit(services) == before
    assert (await stored(services, bid)).approved_by == decided.approved_by


@pytest.mark.parametrize("typed", ["2", "不同意", "❌ 不同意"])
async def test_reject_asks_why_and_the_volunteer_is_told(
    harness: BotHarness, services: Services, typed: str
) -> None:
    t = services.i18n.translator("zh_CN")
    bid = await submit(harness, services, "停水通知")
    admin, second = harness.user(D_ADMIN), harness.user(D_ADMIN_2)
    request_of(admin, bid)

    await admin.send(typed)

    assert admin.last_text().endswith(t.n("broadcast.reason.ask", 200, max=200))
    assert "停水通知" in admin.last_text()
    assert admin.buttons() == [
        "1. " + t("broadcast.reason.content"),
        "2. " + t("broadcast.reason.audience"),
        "3. " + t("broadcast.reason.other"),
        t("nav.back"),
        t("nav.home"),
    ]
    await admin.sticker()  # not a reason: asked again, nothing decided
    assert admin.last_text() == t.n("broadcast.reason.invalid", 200, max=200)
    await admin.send("太" * 201)
    assert admin.last_text() == t.n("broadcast.reason.invalid", 200, max=200)
    assert (await stored(services, bid)).status == BroadcastStatus.PENDING_APPROVAL.value

    reason = "停水时间写错了"
    await admin.send(reason)

    assert admin.last_text() == t("broadcast.decided.rejected.reason", id=bid, reason=reason)
    rejected = await stored(services, bid)
    assert (rejected.status, rejected.decision_note) == (BroadcastStatus.REJECTED.value, reason)
    await harness.drain_outbox()
    told = t("broadcast.rejected.author.reason", id=bid, reason=reason)
    assert texts(harness.state.messages(VOLUNTEER))[-1] == told
    await job(harness, ProgressBoard())
    assert await outbox_rows(services, bid) == []
    assert await audit(services) == ["broadcast.create", "broadcast.reject"]
    await admin.send("another message")  # no longer waiting for a reason
    assert admin.last_text() == t("home.not_understood")

    await second.send("同意")  # decided already: said so, nothing changes
    assert second.last_text() == t("broadcast.error.decided")
    assert (await stored(services, bid)).status == BroadcastStatus.REJECTED.value


async def test_a_quick_reason_reaches_the_volunteer_in_their_language(
    harness: BotHarness, services: Services
) -> None:
    zh, en = services.i18n.translator("zh_CN"), services.i18n.translator("en")
    bid = await submit(harness, services, "停水通知", "en")
    admin = harness.user(D_ADMIN)
    request_of(admin, bid)

    await admin.send(en("broadcast.reject"))  # its exact label
    await admin.send("2")  # on the reason screen, "2" is the second quick reason

    reason = zh("broadcast.reason.audience")  # as the volunteer reads it, in Chinese
    assert admin.last_text() == en("broadcast.decided.rejected.reason", id=bid, reason=reason)
    assert (await stored(services, bid)).decision_note == reason
    await harness.drain_outbox()
    told = zh("broadcast.rejected.author.reason", id=bid, reason=reason)
    assert texts(harness.state.messages(VOLUNTEER))[-1] == told


async def test_a_restart_between_2_and_the_reason_keeps_the_screen(
    harness: BotHarness, services: Services
) -> None:
    t = services.i18n.translator("zh_CN")
    bid = await submit(harness, services, "停水通知")
    admin = harness.user(D_ADMIN)
    request_of(admin, bid)

    await admin.send("2")
    await harness.restart()
    await admin.send("3")  # the third quick reason, after the restart

    reason = t("broadcast.reason.other")
    assert admin.last_text() == t("broadcast.decided.rejected.reason", id=bid, reason=reason)
    assert (await stored(services, bid)).status == BroadcastStatus.REJECTED.value
    await harness.user(D_ADMIN_2).send("2")  # the other admin's question: decided already
    assert harness.user(D_ADMIN_2).last_text() == t("broadcast.error.decided")


async def test_back_from_the_reason_asks_the_question_again(
    harness: BotHarness, services: Services
) -> None:
    t = services.i18n.translator("zh_CN")
    bid = await submit(harness, services, "停水通知")
    admin = harness.user(D_ADMIN)
    request_of(admin, bid)

    await admin.send("2")
    await admin.press(t("nav.back"))  # not decided: the question again, same choices

    assert admin.last_text() == t("broadcast.decide.again", id=bid)
    assert admin.buttons() == [
        "1. " + t("broadcast.approve"),
        "2. " + t("broadcast.reject"),
        t("nav.back"),
        t("nav.home"),
    ]
    assert (await stored(services, bid)).status == BroadcastStatus.PENDING_APPROVAL.value
    await admin.send("1")
    assert admin.last_text() == t("broadcast.decided.approved", id=bid)
    assert (await stored(services, bid)).status == BroadcastStatus.SCHEDULED.value

    # 🏠 from the reason screen leaves the notice waiting, and says so.
    second = await submit_again(harness, services, "第二条通知")
    await admin.send("2")
    await admin.press(t("nav.home"))
    assert admin.last_text() == t("broadcast.reason.cancelled", id=second)
    assert (await stored(services, second)).status == BroadcastStatus.PENDING_APPROVAL.value


async def submit_again(harness: BotHarness, services: Services, notice: str) -> int:
    """Another notice by the same volunteer, once the people exist."""
    volunteer = harness.user(VOLUNTEER)
    await compose(volunteer, notice)
    for _ in range(4):
        await volunteer.send("1")
    bid = (await broadcasts(services))[-1].id or 0
    await harness.drain_outbox()
    request_of(harness.user(D_ADMIN), bid)
    return bid


async def test_an_admin_of_another_town_cannot_answer_it(
    harness: BotHarness, services: Services
) -> None:
    """Even holding the question (forged into their pending row), a Q admin decides nothing."""
    t = services.i18n.translator("zh_CN")
    bid = await submit(harness, services, "停水通知")
    q_admin = harness.user(Q_ADMIN)
    await q_admin.send("/menu")
    async with services.sessions() as session, session.begin():
        d_question = (
            (
                await session.execute(
                    select(PendingQuestion).order_by(col(PendingQuestion.person_id))
                )
            )
            .scalars()
            .first()
        )
        assert d_question is not None and d_question.kind == "broadcast.approval"
        person = await find_person(session, Q_ADMIN)
        assert person is not None and person.id is not None
        await record_question(
            session, person_id=person.id, kind=d_question.kind, subject=d_question.subject,
            choices=d_question.choices, asked_at=utcnow(),
        )  # fmt: skip
    before = await audit(services)

    await q_admin.send("1")
    assert q_admin.last_text() == t("error.not_allowed")
    await q_admin.send("/menu")
    async with services.sessions() as session, session.begin():
        await record_question(
            session, person_id=person.id, kind=d_question.kind, subject=d_question.subject,
            choices=d_question.choices, asked_at=utcnow(),
        )  # fmt: skip
    await q_admin.send("2")
    assert q_admin.last_text() == t("error.not_allowed")

    assert (await stored(services, bid)).status == BroadcastStatus.PENDING_APPROVAL.value
    assert await audit(services) == before
