"""My events (cancel, change how many, resend, leave the line, past attendance) and the
answers to what events send: the reminder's 1 / 2, a freed place's accept / no thanks, the
rating and its comment; answers naming someone else's registration change nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update
from sqlmodel import col, select

from bot.context import Services
from models.core.questions import PendingQuestion
from models.events import Event as EventRow
from models.events import EventRating, RegStatus, close_ended_events
from tests.events.resident_support import (
    NAME,
    bring_forward,
    delivered,
    event,
    register_tg,
    registrations,
    resident,
    set_status,
    texts,
    tr,
)
from tests.harness import BotHarness


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
async def test_my_events_change_resend_and_cancel(
    harness: BotHarness, services: Services, lang: str
) -> None:
    t = tr(services, lang)
    user = await resident(harness, services, 7401, lang)
    event_id = await event(services)
    made = await register_tg(services, 7401, event_id)

    await user.choose(t("menu.events"))
    await user.choose(t("events_resident.list.mine"))
    await user.choose(NAME[lang])
    assert t.n("events_resident.status.confirmed", 1, party=1) in user.last_text()
    replies = await user.choose(t("events_resident.one.resend"))
    assert [m["kind"] for m in replies] == ["text", "document", "photo", "text"]
    await user.choose(t("events_resident.one.change"))
    replies = await user.choose(t.n("events_resident.party.many", 3, n=3))
    assert texts(replies)[0].startswith(t.n("events_resident.changed", 3, party=3))
    assert (await registrations(services))[0].party_size == 3

    await user.choose(t("events_resident.one.cancel"))
    await user.send("好的")  # a yes-word never cancels
    assert (await registrations(services))[0].status == "confirmed"
    replies = await user.choose(t("events_resident.cancel.yes"))
    assert texts(replies) == [t("events_resident.cancelled", name=NAME[lang])]
    [row] = await registrations(services)
    assert (row.id, row.status) == (made.id, RegStatus.CANCELLED.value)


async def test_leaving_the_line_and_past_attendance(
    harness: BotHarness, services: Services
) -> None:
    t = tr(services, "zh_CN")
    await resident(harness, services, 7402, name="李叔叔")
    user = await resident(harness, services, 7403)
    event_id = await event(services, capacity=1)
    past_id = await event(services, code="past-event")
    await register_tg(services, 7402, event_id)
    waiting = await register_tg(services, 7403, event_id)
    past = await register_tg(services, 7403, past_id)
    await set_status(services, past.id or 0, RegStatus.ATTENDED.value)
    async with services.sessions() as session, session.begin():
        row = await session.get(EventRow, past_id)
        assert row is not None
        row.starts_at -= timedelta(days=10)
        row.ends_at -= timedelta(days=10)

    await user.send("/myevents")
    assert any("⏳" in b and "排第 1 位" in b for b in user.buttons()), user.buttons()
    [past_label] = [b for b in user.buttons() if "🕘" in b]
    await user.press(past_label)
    assert t("events_resident.status.attended") in user.last_text()
    assert t("events_resident.one.list") in user.buttons()[0]
    await user.choose(t("events_resident.one.list"))
    [line] = [b for b in user.buttons() if "⏳" in b]
    await user.press(line)
    await user.choose(t("events_resident.one.leave"))
    await user.choose(t("events_resident.cancel.yes"))
    statuses = {r.id: r.status for r in await registrations(services)}
    assert statuses[waiting.id] == RegStatus.CANCELLED.value


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
async def test_the_reminder_1_notes_coming_and_2_cancels(
    harness: BotHarness, services: Services, lang: str
) -> None:
    t = tr(services, lang)
    user = await resident(harness, services, 7404, lang)
    event_id = await event(services)
    made = await register_tg(services, 7404, event_id)
    await bring_forward(services, f"reminder:event:{made.id}:r0:1d")
    got = await delivered(harness, 7404)
    assert len(got) == 1 and user.buttons()[0] == "1. " + t("events.choice.coming")

    replies = await user.send("1")
    assert NAME[lang] in texts(replies)[0]
    assert (await registrations(services))[0].attendance_reply == "coming"

    await bring_forward(services, f"reminder:event:{made.id}:r0:1d")  # asked again (test)
    async with services.sessions() as session, session.begin():
        from models.core.outbox import OutboxMessage

        await session.execute(
            update(OutboxMessage)
            .where(col(OutboxMessage.dedupe_key).like(f"reminder:event:{made.id}:r0:1d%"))
            .values(status="pending")
        )
    await delivered(harness, 7404)
    replies = await user.press("2. " + t("events.choice.cancel_it"))
    assert texts(replies) == [t("events_resident.cancelled", name=NAME[lang])]
    assert (await registrations(services))[0].status == RegStatus.CANCELLED.value


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
async def test_a_freed_place_is_accepted_with_a_receipt(
    harness: BotHarness, services: Services, lang: str
) -> None:
    t = tr(services, lang)
    first = await resident(harness, services, 7405, lang, name="李叔叔")
    user = await resident(harness, services, 7406, lang)
    event_id = await event(services, capacity=1)
    held = await register_tg(services, 7405, event_id)
    await register_tg(services, 7406, event_id)

    await first.choose(t("menu.events"))
    await first.choose(t("events_resident.list.mine"))
    await first.choose(NAME[lang])
    await first.choose(t("events_resident.one.cancel"))
    await first.choose(t("events_resident.cancel.yes"))
    assert (await registrations(services))[0].id == held.id
    offer = await delivered(harness, 7406)
    assert offer and user.buttons()[0] == "1. " + t("events.button.accept")

    replies = await user.press("1. " + t("events.button.accept"))
    assert [m["kind"] for m in replies] == ["text", "document", "photo", "text"]
    assert (await registrations(services))[1].status == RegStatus.CONFIRMED.value


async def test_an_answer_naming_someone_elses_registration_changes_nothing(
    harness: BotHarness, services: Services
) -> None:
    t = tr(services, "zh_CN")
    await resident(harness, services, 7407, name="李叔叔")
    user = await resident(harness, services, 7408)
    event_id = await event(services)
    theirs = await register_tg(services, 7407, event_id)
    mine = await register_tg(services, 7408, event_id, party=1)
    await bring_forward(services, f"reminder:event:{mine.id}:r0:1d")
    await delivered(harness, 7408)
    async with services.sessions() as session, session.begin():  # a forged subject
        await session.execute(
            update(PendingQuestion)
            .where(col(PendingQuestion.subject) == str(mine.id))
            .values(subject=str(theirs.id))
        )
    replies = await user.send("2")
    assert texts(replies) == [t("events.error.not_yours")]
    assert {r.status for r in await registrations(services)} == {"confirmed"}

    before = await registrations(services)
    replies = await user.forge_tap(f"evr:no:{theirs.id}")  # no such button: answered, unchanged
    assert [(r.id, r.status) for r in await registrations(services)] == [
        (r.id, r.status) for r in before
    ]


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
@pytest.mark.parametrize("spoken", [False, True])
async def test_the_rating_then_a_comment(
    harness: BotHarness, services: Services, lang: str, spoken: bool
) -> None:
    t = tr(services, lang)
    user = await resident(harness, services, 7409, lang)
    event_id = await event(services)
    made = await register_tg(services, 7409, event_id)
    await set_status(services, made.id or 0, RegStatus.ATTENDED.value)
    async with services.sessions() as session, session.begin():
        row = await session.get(EventRow, event_id)
        assert row is not None
        await close_ended_events(session, now=row.ends_at + timedelta(hours=1))
    await delivered(harness, 7409)
    assert user.buttons()[0] == "1. " + t("events.rating.stars.5")

    replies = await user.press("2. " + t("events.rating.stars.4"))
    assert texts(replies)[0].startswith(t.n("events_resident.rating.thanks", 4, stars=4))
    sticker = await user.sticker()
    assert texts(sticker)[0].startswith(t("events_resident.rating.no_comment"))
    replies = await (user.voice() if spoken else user.send("很热闹，谢谢"))
    assert texts(replies) == [t("events_resident.rating.saved")]
    async with services.sessions() as session:
        [rating] = (await session.execute(select(EventRating))).scalars().all()
    assert rating.rating == 4
    assert (rating.voice_file_id is not None) if spoken else (rating.comment == "很热闹，谢谢")
