"""Reminders as data: planned once per subject, cancelled as a group, sent in the person's
language, and the overdue policy after downtime (late but useful → sent; expired → skipped)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlmodel import col

from bot.context import Services
from models.core.base import utcnow
from models.core.outbox import OutboxMessage, OutboxStatus
from models.core.reminders import cancel_reminders, remind
from tests.factories import make_person
from tests.harness import BotHarness


async def _statuses(services: Services) -> dict[str, str]:
    async with services.sessions() as session:
        rows = await session.execute(
            select(col(OutboxMessage.dedupe_key), col(OutboxMessage.status))
        )
        return {str(key): str(status) for key, status in rows.all()}


async def test_planned_once_and_delivered_in_the_persons_language(
    harness: BotHarness, services: Services
) -> None:
    zh = await make_person(services.sessions, 8101, language="zh_CN")
    en = await make_person(services.sessions, 8102, language="en", name="Ann")
    harness.user(8101)
    harness.user(8102, language_code="en")
    soon = utcnow() + timedelta(seconds=1)
    async with services.sessions() as session, session.begin():
        for person in (zh, en):
            assert await remind(session, person, "visit:1", soon, "outbox.reminder", what="体检")
            # The same subject for the same person again is a no-op, not a second message.
            assert not await remind(session, person, "visit:1", soon, "outbox.reminder", what="x")

    await harness.drain_outbox()

    zh_text = services.i18n.translator("zh_CN")("outbox.reminder", what="体检")
    en_text = services.i18n.translator("en")("outbox.reminder", what="体检")
    assert [m["text"] for m in harness.state.messages(8101)] == [zh_text]
    assert [m["text"] for m in harness.state.messages(8102)] == [en_text]
    assert set((await _statuses(services)).values()) == {OutboxStatus.SENT.value}


async def test_cancelled_reminders_are_never_sent(harness: BotHarness, services: Services) -> None:
    person = await make_person(services.sessions, 8103)
    harness.user(8103)
    async with services.sessions() as session, session.begin():
        await remind(session, person, "booking:7:24h", utcnow(), "outbox.reminder", what="a")
        await remind(session, person, "booking:7:2h", utcnow(), "outbox.reminder", what="b")
        await remind(session, person, "booking:8:2h", utcnow(), "outbox.reminder", what="c")
    async with services.sessions() as session, session.begin():
        assert await cancel_reminders(session, "booking:7:24h") == 1
        assert await cancel_reminders(session, "booking:7:2h") == 1

    await harness.drain_outbox()

    assert [m["text"] for m in harness.state.messages(8103)] == [
        services.i18n.translator("zh_CN")("outbox.reminder", what="c")
    ]
    statuses = await _statuses(services)
    assert statuses[f"reminder:booking:7:24h:{person.id}"] == OutboxStatus.CANCELLED.value
    assert statuses[f"reminder:booking:8:2h:{person.id}"] == OutboxStatus.SENT.value


async def test_after_downtime_useful_reminders_go_late_and_expired_ones_are_skipped(
    harness: BotHarness, services: Services
) -> None:
    person = await make_person(services.sessions, 8104)
    harness.user(8104)
    an_hour_ago = utcnow() - timedelta(hours=1)
    async with services.sessions() as session, session.begin():
        await remind(
            session,
            person,
            "still-useful",
            an_hour_ago,
            "outbox.reminder",
            expires_at=utcnow() + timedelta(hours=1),
            what="late",
        )
        await remind(
            session,
            person,
            "too-late",
            an_hour_ago,
            "outbox.reminder",
            expires_at=utcnow() - timedelta(minutes=5),
            what="expired",
        )

    await harness.drain_outbox()

    t = services.i18n.translator("zh_CN")
    assert [m["text"] for m in harness.state.messages(8104)] == [t("outbox.reminder", what="late")]
    statuses = await _statuses(services)
    assert statuses[f"reminder:still-useful:{person.id}"] == OutboxStatus.SENT.value
    assert statuses[f"reminder:too-late:{person.id}"] == OutboxStatus.SKIPPED.value
