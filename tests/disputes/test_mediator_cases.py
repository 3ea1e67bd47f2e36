"""/cases through the real Application, in both languages: a case from accepted to resolved
with notes, the expected date, the outcome and the mediation agreement (.docx, opened with
python-docx); the relay to the reporter with text, voice and photo; admins see counts only."""

from __future__ import annotations

import io

import docx  # type: ignore[import-untyped]
import pytest
from sqlmodel import col, select

from bot.context import Services
from models.core.outbox import OutboxMessage
from models.disputes import CASE, MEDIATOR, CaseNote, CaseStatus, RelayMessage
from tests.disputes.disputes_support import NAMES, file_report
from tests.disputes.mediator_support import (
    case_row,
    cast_with_users,
    datas,
    last,
    now_of,
    speak,
    text_of,
    tr,
    with_button,
)
from tests.harness import BotHarness

FACTS = "楼上住户夜里拖椅子"
TERMS = "晚上十点以后不拖椅子，椅子腿加垫子"
CARRY = "本周内加好垫子"


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
async def test_lifecycle_to_resolved_with_outcome_and_agreement(
    harness: BotHarness, services: Services, lang: str
) -> None:
    cast, users = await cast_with_users(harness, services)
    await speak(services, cast.ids["d_med"], lang)
    t = tr(services, lang)
    receipt = await file_report(services, cast.ids["d_res"], anonymous=True)
    await harness.drain_outbox()
    med, cid = users["d_med"], receipt.case_id
    alert = with_button(harness, med.id, CASE.data("acc", cid))
    await med.tap(alert, CASE.data("acc", cid))

    await med.send("/cases")
    listed = last(harness, med.id)
    assert receipt.number in text_of(listed) and MEDIATOR.data("case", cid) in datas(listed)
    await med.tap(listed, MEDIATOR.data("case", cid))
    await med.tap(now_of(harness, med.id, listed), MEDIATOR.data("med", cid))
    assert (await case_row(services, cid)).status == CaseStatus.IN_MEDIATION.value
    assert t("disputes_mediator.done.mediating", number=receipt.number) in text_of(
        now_of(harness, med.id, listed)
    )

    await med.tap(now_of(harness, med.id, listed), MEDIATOR.data("note", cid))
    assert t("disputes_mediator.ask.note", number=receipt.number) in med.last_text()
    await med.send("双方情绪较大，需要分开谈")
    await med.tap(
        with_button(harness, med.id, MEDIATOR.data("pub", cid)), MEDIATOR.data("pub", cid)
    )
    await med.send("下周二上午在社区调解室面谈")
    screen = with_button(harness, med.id, MEDIATOR.data("exp", cid))
    await med.tap(screen, MEDIATOR.data("exp", cid))
    await med.tap(now_of(harness, med.id, screen), MEDIATOR.data("expd", cid, 7))
    async with services.sessions() as session:
        notes = (
            (await session.execute(select(CaseNote).where(col(CaseNote.case_id) == cid)))
            .scalars()
            .all()
        )
    assert [(n.public, n.text) for n in notes] == [
        (False, "双方情绪较大，需要分开谈"),
        (True, "下周二上午在社区调解室面谈"),
    ]
    assert (await case_row(services, cid)).expected_on is not None

    screen = with_button(harness, med.id, MEDIATOR.data("out", cid))
    await med.tap(screen, MEDIATOR.data("out", cid))
    await med.send(FACTS)
    await med.send(t("nav.back"))  # ⬅️ from the terms: the facts again
    assert t("disputes_mediator.ask.facts", number=receipt.number) in med.last_text()
    await med.send(FACTS)
    await med.send(TERMS)
    await med.send(CARRY)
    assert TERMS in med.last_text()
    await med.send("1")
    case = await case_row(services, cid)
    assert (
        case.status == CaseStatus.RESOLVED.value
        and case.agreed_terms == TERMS
        and case.outcome == FACTS
    )

    screen = with_button(harness, med.id, MEDIATOR.data("agr", cid))
    await med.tap(screen, MEDIATOR.data("agr", cid))
    sent = last(harness, med.id)
    assert sent.get("kind") == "document", sent
    stored = harness.state.file_by_id(sent["file"]["file_id"])
    assert stored is not None
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(stored.data)).paragraphs)
    tables = "\n".join(
        c.text
        for tb in docx.Document(io.BytesIO(stored.data)).tables
        for r in tb.rows
        for c in r.cells
    )
    assert TERMS in text + tables and NAMES["d_res"] not in text + tables
    await med.tap(screen, MEDIATOR.data("file", cid))
    assert last(harness, med.id).get("kind") == "document"


async def test_relay_text_voice_photo_then_home(harness: BotHarness, services: Services) -> None:
    cast, users = await cast_with_users(harness, services)
    t = tr(services)
    receipt = await file_report(services, cast.ids["d_res"])
    await harness.drain_outbox()
    med, cid = users["d_med"], receipt.case_id
    alert = with_button(harness, med.id, CASE.data("acc", cid))
    await med.tap(alert, CASE.data("acc", cid))
    await med.tap(now_of(harness, med.id, alert), MEDIATOR.data("relay", cid))
    await med.send("您好，我是调解员，明天上午给您打电话可以吗？")
    assert t("disputes_mediator.relay.sent", number=receipt.number) in med.last_text()
    await med.voice()
    await med.photo()
    await med.send(t("nav.home"))
    assert t("home.prompt") in med.last_text()
    async with services.sessions() as session:
        relayed = (
            (await session.execute(select(RelayMessage).where(col(RelayMessage.case_id) == cid)))
            .scalars()
            .all()
        )
        rows = (
            (
                await session.execute(
                    select(OutboxMessage).where(
                        col(OutboxMessage.dedupe_key).contains(f"dispute:{cid}:relay")
                    )
                )
            )
            .scalars()
            .all()
        )
    assert [r.kind for r in relayed] == ["text", "voice", "photo"]
    assert {r.person_id for r in rows} == {cast.ids["d_res"]} and len(rows) == 3
    assert (
        sum("voice" in r.payload for r in rows) == 1
        and sum("photo" in r.payload for r in rows) == 1
    )
    await harness.drain_outbox()
    said = [text_of(m) for m in harness.state.messages(users["d_res"].id)]
    assert any(receipt.number in s and "明天上午给您打电话" in s for s in said)
    assert (await case_row(services, cid)).status == CaseStatus.ACCEPTED.value


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
async def test_admin_sees_counts_only(harness: BotHarness, services: Services, lang: str) -> None:
    cast, users = await cast_with_users(harness, services)
    await speak(services, cast.ids["d_admin"], lang)
    receipt = await file_report(services, cast.ids["d_res"])
    admin = users["d_admin"]
    await admin.send("/cases")
    seen = admin.last_text()
    t = tr(services, lang)
    assert t("disputes_mediator.counts.title") in seen
    assert receipt.number not in seen and "楼上" not in seen
    await admin.forge_tap(MEDIATOR.data("case", receipt.case_id))
    assert receipt.number not in admin.last_text()
    await admin.send("/duty")
    await admin.forge_tap(MEDIATOR.data("duty", 0))
    assert admin.state.callback_answers(admin.id)[-1]["show_alert"]


async def test_duty_switch(harness: BotHarness, services: Services) -> None:
    cast, users = await cast_with_users(harness, services)
    med, t = users["d_med2"], tr(services)
    await med.send("/duty")
    assert t("disputes_mediator.duty.on") in med.last_text()
    await med.tap(last(harness, med.id), MEDIATOR.data("duty", 0))
    assert t("disputes_mediator.duty.off") in med.last_text()
    receipt = await file_report(services, cast.ids["d_res"])
    async with services.sessions() as session:
        rows = (
            (
                await session.execute(
                    select(OutboxMessage).where(
                        col(OutboxMessage.dedupe_key).contains(f"dispute:{receipt.case_id}:alert0")
                    )
                )
            )
            .scalars()
            .all()
        )
    assert cast.ids["d_med2"] not in {r.person_id for r in rows} and cast.ids["d_med"] in {
        r.person_id for r in rows
    }
