"""Case alerts through the real Application: 接案 from a private alert (the loser is told who
took it), 查看 never naming an anonymous reporter, 转交, and a linked mediators' group where 20
concurrent 接案 taps give exactly one assignee, everyone else told who, the message edited."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import select
from sqlmodel import col

from bot.context import Services
from models.core.audit import AuditLog
from models.core.authz import Role, grant_role
from models.disputes import CASE, MEDIATOR, CaseStatus, Contact
from tests.disputes.disputes_support import NAMES, PHONES, ROLES, file_report
from tests.disputes.mediator_support import (
    answers,
    case_row,
    cast_with_users,
    datas,
    last,
    now_of,
    text_of,
    tr,
    with_button,
)
from tests.factories import make_person
from tests.harness import BotHarness

GROUP = -100_777


async def test_private_accept_one_winner_loser_told_who(
    harness: BotHarness, services: Services
) -> None:
    cast, users = await cast_with_users(harness, services)
    t = tr(services)
    receipt = await file_report(services, cast.ids["d_res"])
    await harness.drain_outbox()
    med, med2 = users["d_med"], users["d_med2"]
    accept = CASE.data("acc", receipt.case_id)
    alert = with_button(harness, med.id, accept)
    assert receipt.number in text_of(alert) and NAMES["d_res"] not in text_of(alert)

    await med.tap(alert, accept)
    screen = now_of(harness, med.id, alert)
    assert t("disputes_mediator.taken.lead", name=NAMES["d_med"], number=receipt.number) in text_of(
        screen
    )
    assert MEDIATOR.data("med", receipt.case_id) in datas(screen)  # the case's work is on screen
    assert MEDIATOR.data("list", 0) in datas(screen) and MEDIATOR.data("home") in datas(screen)

    other = with_button(harness, med2.id, accept)
    await med2.tap(other, accept)
    told = answers(harness, med2)[-1]
    assert told["show_alert"] and NAMES["d_med"] in told["text"]
    assert accept not in datas(now_of(harness, med2.id, other))  # 接案 gone from the loser's alert
    case = await case_row(services, receipt.case_id)
    assert case.assignee_id == cast.ids["d_med"] and case.status == CaseStatus.ACCEPTED.value


async def test_view_never_names_an_anonymous_reporter(
    harness: BotHarness, services: Services
) -> None:
    cast, users = await cast_with_users(harness, services)
    receipt = await file_report(services, cast.ids["d_res"], anonymous=True)
    named = await file_report(services, cast.ids["d_res2"], contact=Contact.PHONE)
    await harness.drain_outbox()
    med = users["d_med"]
    alert = with_button(harness, med.id, CASE.data("view", receipt.case_id))
    await med.tap(alert, CASE.data("view", receipt.case_id))
    seen = text_of(now_of(harness, med.id, alert))
    assert receipt.number in seen and tr(services)("disputes.anonymous") in seen
    assert NAMES["d_res"] not in seen and PHONES["d_res"] not in seen
    alert = with_button(harness, med.id, CASE.data("view", named.case_id))
    await med.tap(alert, CASE.data("view", named.case_id))
    seen = text_of(now_of(harness, med.id, alert))
    assert NAMES["d_res2"] in seen and PHONES["d_res2"] in seen  # she chose phone contact


async def test_transfer_from_the_alert(harness: BotHarness, services: Services) -> None:
    cast, users = await cast_with_users(harness, services)
    receipt = await file_report(services, cast.ids["d_res"])
    await harness.drain_outbox()
    med = users["d_med"]
    alert = with_button(harness, med.id, CASE.data("tr", receipt.case_id))
    await med.tap(alert, CASE.data("tr", receipt.case_id))
    pick = MEDIATOR.data("to", receipt.case_id, cast.ids["d_med2"])
    assert pick in datas(now_of(harness, med.id, alert))
    assert MEDIATOR.data("to", receipt.case_id, cast.ids["q_med"]) not in datas(
        now_of(harness, med.id, alert)
    )
    await med.tap(now_of(harness, med.id, alert), pick)
    case = await case_row(services, receipt.case_id)
    assert case.assignee_id == cast.ids["d_med2"] and case.status == CaseStatus.ACCEPTED.value
    assert NAMES["d_med2"] in text_of(now_of(harness, med.id, alert))


async def test_forged_view_of_another_towns_case_is_refused_and_audited(
    harness: BotHarness, services: Services
) -> None:
    cast, users = await cast_with_users(harness, services)
    receipt = await file_report(services, cast.ids["q_res"])  # a Q-town case
    q_med = users["q_med"]
    await harness.drain_outbox()
    d_med = users["d_med"]
    await d_med.send("/cases")
    before = text_of(last(harness, d_med.id))
    for data in (
        CASE.data("view", receipt.case_id),
        MEDIATOR.data("case", receipt.case_id),
        MEDIATOR.data("med", receipt.case_id),
        CASE.data("acc", receipt.case_id),
    ):
        await d_med.forge_tap(data)
        told = answers(harness, d_med)[-1]
        assert told["show_alert"] and told["text"] == tr(services)("disputes.error.not_found")
    assert text_of(last(harness, d_med.id)) == before  # nothing shown of it
    case = await case_row(services, receipt.case_id)
    assert case.assignee_id is None and case.status == CaseStatus.NEW.value
    async with services.sessions() as session:
        refused = (
            (
                await session.execute(
                    select(AuditLog).where(col(AuditLog.action) == "dispute.refused")
                )
            )
            .scalars()
            .all()
        )
    assert len(refused) == 4 and {r.actor_id for r in refused} == {cast.ids["d_med"]}
    assert q_med.id  # the Q mediator could have: the case exists


async def _group_linked(harness: BotHarness, services: Services, users: dict) -> None:  # type: ignore[type-arg]
    group = harness.group(GROUP, "D镇调解员群")
    admin = users["d_admin"]
    await admin.add_bot_to(group)
    said = await admin.send_in(group, "/linkgroup")
    assert said and said[-1]["text"] == tr(services)("disputes_mediator.group.linked")


async def test_linkgroup_refused_for_a_mediator(harness: BotHarness, services: Services) -> None:
    _cast, users = await cast_with_users(harness, services)
    group = harness.group(GROUP, "D镇调解员群")
    await users["d_med"].add_bot_to(group)
    said = await users["d_med"].send_in(group, "/linkgroup")
    assert said and said[-1]["text"] != tr(services)("disputes_mediator.group.linked")
    assert await users["d_res"].send_in(group, "大家好") == []  # chatter still gets silence


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
async def test_twenty_concurrent_group_taps_one_assignee(
    harness: BotHarness, services: Services, lang: str
) -> None:
    cast, users = await cast_with_users(harness, services)
    await _group_linked(harness, services, users)
    mediators = []
    for i in range(20):
        person = await make_person(
            services.sessions, 7500 + i, "D", "d-changjiang", name=f"调解员{i}", language=lang
        )
        async with services.sessions() as session, session.begin():
            await grant_role(session, person.id or 0, Role.MEDIATOR, cast.towns["D"])
        mediators.append(harness.user(7500 + i, language_code="en" if lang == "en" else "zh-hans"))
    receipt = await file_report(services, cast.ids["d_res"])
    await harness.drain_outbox()
    accept = CASE.data("acc", receipt.case_id)
    posted = with_button(harness, GROUP, accept)
    assert datas(posted) == [accept]  # the group's alert has 接案 only
    updates = [harness.state.tap(m.id, posted["message_id"], accept, GROUP) for m in mediators]
    await asyncio.gather(*(harness.feed(u) for u in updates))

    case = await case_row(services, receipt.case_id)
    ids = {}
    async with services.sessions() as session:
        from models.core.people import find_person

        for m in mediators:
            p = await find_person(session, m.id)
            assert p is not None
            ids[p.id] = m
    assert case.assignee_id in ids and case.status == CaseStatus.ACCEPTED.value
    winner = ids[case.assignee_id]
    t = tr(services, lang)
    winner_name = f"调解员{winner.id - 7500}"
    for m in mediators:
        got = answers(harness, m)
        assert len(got) == 1 and got[0]["show_alert"]
        if m is winner:
            assert got[0]["text"] == t("disputes_mediator.group.yours", number=receipt.number)
        else:
            assert got[0]["text"] == t("disputes.error.taken", name=winner_name)
    edited = harness.state.messages(GROUP)[-1]
    assert edited["message_id"] == posted["message_id"]
    assert t("disputes_mediator.taken.lead", name=winner_name, number=receipt.number) in text_of(
        edited
    )
    assert datas(edited) == []  # the button is gone
    assert ROLES  # the cast is intact
