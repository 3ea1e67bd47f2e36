"""/approvals per town, and who may decide: out-of-town and forged taps change nothing, residents
are refused."""

from __future__ import annotations

from sqlalchemy import update
from sqlmodel import col

from bot.context import Services
from models.booking.bookings import BookingStatus
from models.core.authz import Role
from models.core.places import Venue
from tests.authz.authz_cast import forge_tap
from tests.booking.booking_staff_support import (
    audit_count,
    book_slot,
    booking_of,
    current,
    inline,
    last_answer,
    resident,
    staff,
    taken,
)
from tests.booking.booking_support import slot_of
from tests.factories import make_person
from tests.harness import BotHarness

RESIDENT, Q_ADMIN, D_ADMIN = 9101, 9102, 9104


async def test_approvals_lists_only_the_admins_towns(
    harness: BotHarness, services: Services
) -> None:
    t = services.i18n.translator("zh_CN")
    async with services.sessions() as session, session.begin():
        await session.execute(
            update(Venue).where(col(Venue.code) == "d-activity").values(needs_approval=True)
        )
    await make_person(services.sessions, RESIDENT + 50, name="李伯伯")
    d_slot = await slot_of(services.sessions, "d-activity", 3)
    d_booking = await book_slot(services, RESIDENT + 50, d_slot.id or 0)
    q_bookings = []
    for n, (days, index) in enumerate([(3, 0), (3, 1), (3, 2), (3, 3), (5, 0), (5, 1)]):
        await resident(services, RESIDENT + n, name=f"居民{n}")
        slot = await slot_of(services.sessions, "q-hall", days, index)
        q_bookings.append(await book_slot(services, RESIDENT + n, slot.id or 0))
    await staff(services, Q_ADMIN, Role.ADMIN, "Q", name="管理员周")
    await staff(services, D_ADMIN, Role.ADMIN, "D", name="管理员陈")
    q_admin, d_admin = harness.user(Q_ADMIN), harness.user(D_ADMIN)

    await d_admin.send("/approvals")
    text = d_admin.last_text()
    assert text.startswith(t.n("approvals.title", 1, count=1, page=1, pages=1))
    assert f"#{d_booking}" in text and all(f"#{b}：" not in text for b in q_bookings)

    await q_admin.send("/approvals")
    first = q_admin.state.last_message(Q_ADMIN)
    assert first is not None
    assert q_admin.last_text().startswith(t.n("approvals.title", 6, count=6, page=1, pages=2))
    assert f"#{d_booking}：" not in q_admin.last_text()
    datas = [b["callback_data"] for row in inline(first) for b in row]
    assert datas[:2] == [f"ap:ok:{q_bookings[0]}:0", f"ap:no:{q_bookings[0]}:0"]
    assert "ap:page:1" in datas and datas[-2:] == ["ap:home", "ap:home"]
    await q_admin.tap(first, "ap:page:1")
    assert q_admin.last_text().startswith(t.n("approvals.title", 6, count=6, page=2, pages=2))

    await q_admin.tap(first, f"ap:ok:{q_bookings[5]}:1")  # approve from the list
    note = t("approvals.decided.approved", id=q_bookings[5], admin="管理员周")
    assert q_admin.last_text().startswith(
        note + "\n\n" + t.n("approvals.title", 5, count=5, page=1, pages=1)
    )
    assert (await booking_of(services, q_bookings[5])).status == BookingStatus.CONFIRMED.value

    await q_admin.tap(first, f"ap:no:{q_bookings[0]}:0")  # decline from the list, typed reason
    await q_admin.send("信息不全")
    listing = current(q_admin, first)["text"]
    assert listing.startswith(
        t("approvals.decided.declined", id=q_bookings[0], admin="管理员周", reason="信息不全")
    )
    assert t.n("approvals.title", 4, count=4, page=1, pages=1) in listing
    assert (await booking_of(services, q_bookings[0])).status == BookingStatus.DECLINED.value

    await q_admin.tap(first, "ap:home")
    assert q_admin.last_text() == t("home.prompt")
    await d_admin.send("/approvals")  # the D booking is untouched
    assert (await booking_of(services, d_booking)).status == BookingStatus.PENDING_APPROVAL.value


async def test_empty_queue_and_residents_are_refused(
    harness: BotHarness, services: Services
) -> None:
    en = services.i18n.translator("en")
    await staff(services, Q_ADMIN, Role.ADMIN, "Q", name="Admin Zhou", language="en")
    await resident(services, RESIDENT, "en")
    admin, user = (
        harness.user(Q_ADMIN, language_code="en"),
        harness.user(RESIDENT, language_code="en"),
    )
    await admin.send("/approvals")
    assert admin.last_text() == en("approvals.empty")
    await user.send("/approvals")
    assert user.last_text() == en("error.not_allowed")


async def test_out_of_town_and_forged_taps_change_nothing(
    harness: BotHarness, services: Services
) -> None:
    t = services.i18n.translator("zh_CN")
    await resident(services, RESIDENT)
    await staff(services, D_ADMIN, Role.ADMIN, "D", name="管理员陈")
    d_admin = harness.user(D_ADMIN)
    user = harness.user(RESIDENT)
    slot = await slot_of(services.sessions, "q-hall", 3)
    booking_id = await book_slot(services, RESIDENT, slot.id or 0)
    await harness.drain_outbox()
    await d_admin.send("/help")
    await user.send("/help")
    before = await audit_count(services)

    for data in (
        f"ap:ok:{booking_id}",
        f"ap:no:{booking_id}",
        f"ap:why:{booking_id}:1",
        "ap:ok:abc",
    ):
        await forge_tap(d_admin, data)
        assert last_answer(d_admin)["text"] == t("error.not_allowed")
        assert d_admin.last_text().startswith(t("help.text"))
    await forge_tap(user, f"ap:ok:{booking_id}")
    assert last_answer(user)["text"] == t("error.not_allowed")

    stored = await booking_of(services, booking_id)
    assert stored.status == BookingStatus.PENDING_APPROVAL.value and stored.decided_by_id is None
    assert await audit_count(services) == before
    assert await taken(services, slot.id or 0) == 1
