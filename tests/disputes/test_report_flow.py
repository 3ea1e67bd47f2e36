"""Reporting through the real Application, in both languages: words, voice notes and photos,
the receipt with the case number; anonymous reports leave no trace of the reporter in what
mediators receive; the other town's case is shared only with consent."""

from __future__ import annotations

import pytest

from bot.context import Services
from models.disputes import CaseStatus
from tests.disputes.disputes_support import NAMES, PHONES, ROLES, outbox_rows
from tests.disputes.report_support import cases, cast_in_chats, nav_ok, tr, walk_to_describe
from tests.harness import BotHarness

WRITTEN = "楼上每天半夜<b>拖椅子</b> {name} %s"  # stored and shown exactly as written


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
async def test_report_with_words_voice_and_photos_gives_a_numbered_receipt(
    harness: BotHarness, services: Services, lang: str
) -> None:
    cast, users = await cast_in_chats(harness, lang)
    user, t = users["d_res"], tr(services, lang)
    await walk_to_describe(user, t, "disputes.category.noise", "disputes.parties.same_community")
    assert nav_ok(user, t)
    assert not any(t("report.describe.done") in b for b in user.buttons())  # nothing given yet
    await user.send(WRITTEN)
    assert user.last_text().startswith(
        t("report.describe.got", chars=len(WRITTEN), voices=0, photos=0)
    )
    await user.voice()
    await user.photo()
    await user.photo()
    assert t("report.describe.got", chars=len(WRITTEN), voices=1, photos=2) in user.last_text()
    await user.sticker()  # kindly refused, nothing kept
    assert user.last_text().startswith(t("report.describe.unsupported"))
    await user.choose(t("report.describe.done"))
    assert nav_ok(user, t)
    await user.choose(t("disputes.contact.phone"))
    await user.choose(t("report.anonymous.no"))
    text = user.last_text()
    assert t("report.summary.words", words=WRITTEN) in text  # as written
    assert t("report.summary.media", voices=1, photos=2) in text
    await user.choose(t("report.confirm.send"))
    [case] = await cases(services)
    assert case.description == WRITTEN and case.status == CaseStatus.NEW.value
    assert [a["kind"] for a in case.attachments] == ["voice", "photo", "photo"]
    assert case.contact == "phone" and not case.anonymous and not case.joint
    assert case.number.startswith("D-") and case.number.endswith("-0001")
    receipt = user.last_text()
    assert case.number in receipt
    assert t.n("report.receipt.next", 24, hours=24) in receipt
    assert user.buttons()[0] == "1. " + t("menu.book")  # back at the main menu
    alerted = {row.person_id for row in await outbox_rows(services, f"dispute:{case.id}:alert0")}
    assert alerted == {cast.ids["d_med"], cast.ids["d_med2"]}


async def test_anonymous_report_keeps_the_reporter_out_of_every_mediator_message(
    harness: BotHarness, services: Services
) -> None:
    cast, users = await cast_in_chats(harness)
    user, t = users["d_res"], tr(services, "zh_CN")
    username = "wang_ayi_1958"  # Telegram shows it in every update the reporter sends
    harness.state.user(ROLES["d_res"][0], username=username)
    await walk_to_describe(user, t, "disputes.category.noise", "disputes.parties.other_town")
    await user.send("对面镇的工地晚上一直施工")
    await user.choose(t("report.describe.done"))
    await user.choose(t("disputes.contact.phone"))
    await user.choose(t("report.anonymous.yes"))
    await user.choose(t("report.consent.yes"))
    assert t("report.summary.anonymous.yes") in user.last_text()
    await user.choose(t("report.confirm.send"))
    [case] = await cases(services)
    assert case.anonymous and case.joint and case.number.startswith("Q-")
    receipt = user.last_text()
    assert t("report.receipt.anonymous") in receipt
    assert t.n("report.receipt.joint", 24, hours=24) in receipt
    await harness.drain_outbox(quiet=None)
    staff = {cast.ids[k] for k in ROLES if not k.startswith(("d_res", "q_res"))}
    rows = [r for r in await outbox_rows(services) if r.person_id in staff]
    assert {r.person_id for r in rows} >= {cast.ids["d_med"], cast.ids["q_med"]}
    tg_id = str(ROLES["d_res"][0])
    secrets = (NAMES["d_res"], PHONES["d_res"], tg_id, PHONES["d_res"][-4:], username)
    for row in rows:
        assert not any(s in str(row.payload) for s in secrets), row.payload
    for key in ("d_med", "d_med2", "q_med"):
        for message in harness.state.messages(ROLES[key][0]):
            body = str(message.get("text") or message.get("caption") or "")
            assert not any(s in body for s in secrets), body


async def test_other_town_without_consent_stays_in_the_own_town(
    harness: BotHarness, services: Services
) -> None:
    cast, users = await cast_in_chats(harness)
    user, t = users["d_res2"], tr(services, "zh_CN")
    await walk_to_describe(user, t, "disputes.category.money", "disputes.parties.other_town")
    await user.send("合同的钱一直没给")
    await user.choose(t("report.describe.done"))
    await user.choose(t("disputes.contact.bot"))
    await user.choose(t("report.anonymous.no"))
    await user.choose(t("report.consent.no"))
    assert t("report.summary.shared.no") in user.last_text()
    await user.choose(t("report.confirm.send"))
    [case] = await cases(services)
    assert not case.joint and case.number.startswith("D-")
    alerted = {row.person_id for row in await outbox_rows(services, f"dispute:{case.id}:")}
    assert cast.ids["q_med"] not in alerted


async def test_done_with_nothing_said_and_back_and_home_change_nothing(
    harness: BotHarness, services: Services
) -> None:
    _cast, users = await cast_in_chats(harness)
    user, t = users["d_res"], tr(services, "zh_CN")
    await walk_to_describe(user, t, "disputes.category.family", "disputes.parties.same_community")
    await user.send("好了")  # typed words, kept as words: no "done" choice offered yet
    await user.choose(t("report.describe.done"))
    await user.press(t("nav.back"))
    assert user.last_text() == t("report.ask_describe.short")
    await user.press(t("nav.back"))
    assert user.last_text().startswith(t("report.ask_parties"))
    await user.press(t("nav.home"))
    assert await cases(services) == []
