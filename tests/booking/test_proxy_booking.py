"""Proxy booking through the real Application: with standing consent, the phone screen's answers,
and the resident's rules applying (the resident's one-tap answer: test_proxy_answers.py)."""

from __future__ import annotations

import pytest
from sqlalchemy import update
from sqlmodel import col

from bot.context import Services
from models.booking import BookingStatus
from models.core.base import utcnow
from models.core.outbox import OutboxMessage
from models.core.people import Person
from tests.booking.booking_support import names_booking
from tests.booking.proxy_booking_support import (
    PHONE,
    PROXY,
    RESIDENT,
    book_canteen_for_resident,
    cast,
    consent,
    described,
    ids,
    reminder_people,
)
from tests.booking.test_booking_flow_helpers import (
    bookings,
    for_someone_else,
    nav_ok,
    opening,
    person,
    set_venue,
    taken,
    town_name,
    tr,
)
from tests.harness import BotHarness


@pytest.mark.parametrize(("proxy_lang", "resident_lang"), [("zh_CN", "en"), ("en", "zh_CN")])
async def test_with_standing_consent_both_get_the_receipt_and_reminders(
    harness: BotHarness, services: Services, proxy_lang: str, resident_lang: str
) -> None:
    proxy, resident = await cast(harness, proxy_lang, resident_lang)
    t, rt = tr(services, proxy_lang), tr(services, resident_lang)
    await consent(services)
    proxy_id, resident_id = await ids(services)

    await proxy.send("/book")
    await for_someone_else(proxy, t)
    assert proxy.last_text() == t("booking.ask_phone.short") and nav_ok(proxy, t)
    await proxy.send("+86 139-1234-5678")  # typed any way
    q_town = await town_name(services, "Q", proxy_lang)
    assert proxy.last_text() == t("booking.ask_resident", name="王阿姨", town=q_town)
    assert nav_ok(proxy, t)
    await proxy.choose(t("booking.resident.yes"))
    assert proxy.last_text() == t("booking.ask_kind.proxy", name="王阿姨")
    replies, slot = await book_canteen_for_resident(proxy, services, t, name="王阿姨")
    slot_id = slot.id or 0

    assert [m["kind"] for m in replies] == ["text", "document", "photo", "text"]
    [booking] = await bookings(services)
    assert (booking.person_id, booking.booked_by_id) == (resident_id, proxy_id)
    assert booking.status == BookingStatus.CONFIRMED.value and booking.party_size == 2
    assert await taken(services, slot_id) == 2
    assert sorted(await reminder_people(services, booking.id or 0)) == sorted(
        [proxy_id, proxy_id, resident_id, resident_id]
    )
    mark = resident._mark()
    await harness.drain_outbox()
    told, qr = resident.state.messages(RESIDENT, since=mark)  # the full receipt and its QR code
    said = await described(services, resident_lang, slot, span=True)
    assert told["text"].startswith(opening(rt, "proxy.booked_for_you"))
    assert names_booking(told["text"], booking.id) and said["when"] in told["text"]
    assert qr["kind"] == "photo"  # (its contents: test_proxy_receipts.py)

    async with services.sessions() as session, session.begin():  # the reminders fall due
        await session.execute(
            update(OutboxMessage)
            .where(col(OutboxMessage.dedupe_key).like(f"reminder:booking:{booking.id}:%"))
            .values(due_at=utcnow())
        )
    marks = {PROXY: proxy._mark(), RESIDENT: resident._mark()}
    await harness.drain_outbox()
    for user, lang in ((proxy, proxy_lang), (resident, resident_lang)):
        got = [m["text"] for m in user.state.messages(user.id, since=marks[user.id])]
        said = await described(services, lang, slot)
        ut = tr(services, lang)
        # Both were forced due at the same instant, so they may arrive in either order.
        expected = [ut("booking.reminder.24h", **said), ut("booking.reminder.2h", **said)]
        assert sorted(got) == sorted(expected)


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
async def test_phone_screen_answers(harness: BotHarness, services: Services, lang: str) -> None:
    proxy = await person(harness, PROXY, lang, name="小张", phone="13700000001")
    await person(harness, RESIDENT, "zh_CN", town="Q", name="王阿姨", phone=PHONE)
    t = tr(services, lang)
    await proxy.send("/book")
    await for_someone_else(proxy, t)

    await proxy.send("13000000000")
    assert proxy.last_text() == t("proxy.error.not_found") + "\n\n" + t("booking.ask_phone.short")
    await proxy.send("137 0000 0001")
    assert proxy.last_text() == t("proxy.error.self") + "\n\n" + t("booking.ask_phone.short")
    await proxy.send(PHONE)
    await proxy.choose(t("booking.resident.no"))
    assert proxy.last_text() == t("booking.ask_phone.short")
    await proxy.send(PHONE)
    await proxy.choose(t("nav.back"))
    assert proxy.last_text() == t("booking.ask_phone.short")
    assert await bookings(services) == []


async def test_the_rules_are_the_residents(harness: BotHarness, services: Services) -> None:
    """Q canteen for Q residents only: a D-town proxy may book it for a Q-town resident."""
    proxy, _resident = await cast(harness, "zh_CN", "zh_CN")
    await set_venue(services, "q-canteen", other_town_allowed=False)
    t = tr(services, "zh_CN")
    replies, _slot = await book_canteen_for_resident(proxy, services, t)
    [booking] = await bookings(services)
    async with services.sessions() as session:
        resident = await session.get(Person, booking.person_id)
    assert resident is not None and resident.tg_user_id == RESIDENT
    assert booking.status == BookingStatus.AWAITING_RESIDENT.value
    assert str(replies[0]["text"]).startswith(opening(t, "booking.receipt.awaiting_resident"))
