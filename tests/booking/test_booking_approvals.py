"""The approval queue through the real Application: a request, approve, decline with a typed or
a quick reason, and back or /cancel leaving the booking waiting."""

from __future__ import annotations

import pytest

from bot.context import Services
from models.booking.bookings import BookingStatus
from models.core.authz import Role
from tests.booking.booking_staff_support import (
    LANGS,
    audit_count,
    book_slot,
    booking_of,
    current,
    expected,
    inline,
    last_answer,
    request_of,
    resident,
    staff,
    taken,
)
from tests.booking.booking_support import slot_of
from tests.harness import BotHarness

RESIDENT, Q_ADMIN, Q_ADMIN_2, D_ADMIN = 9101, 9102, 9103, 9104


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
async def test_q_admin_approves_a_hall_booking(
    harness: BotHarness, services: Services, lang: str
) -> None:
    t = services.i18n.translator(lang)
    await resident(services, RESIDENT, lang)
    admin = await staff(services, Q_ADMIN, Role.ADMIN, "Q", name="管理员周", language=lang)
    await staff(services, Q_ADMIN_2, Role.ADMIN, "Q", name="管理员吴", language=lang)
    await staff(services, D_ADMIN, Role.ADMIN, "D", name="管理员陈", language=lang)
    user = harness.user(RESIDENT, language_code=LANGS[lang])
    q_admin = harness.user(Q_ADMIN, language_code=LANGS[lang])
    q_admin_2 = harness.user(Q_ADMIN_2, language_code=LANGS[lang])
    d_admin = harness.user(D_ADMIN, language_code=LANGS[lang])
    slot = await slot_of(services.sessions, "q-hall", 3)
    booking_id = await book_slot(services, RESIDENT, slot.id or 0)
    assert (await booking_of(services, booking_id)).status == BookingStatus.PENDING_APPROVAL.value

    await harness.drain_outbox()

    request = request_of(q_admin, booking_id)
    assert request["text"] == await expected(
        services, t, "booking.approval.request", booking_id, id=booking_id, name="王阿姨", party=1
    )
    assert [b["text"] for b in inline(request)[0]] == [
        t("booking.button.approve"),
        t("booking.button.decline"),
    ]
    request_of(q_admin_2, booking_id)  # every admin of Q is asked
    assert not d_admin.state.messages(D_ADMIN), "D admins are not asked about Q venues"

    await q_admin.tap(request, f"ap:ok:{booking_id}")

    note = t("approvals.decided.approved", id=booking_id, admin="管理员周")
    edited = current(q_admin, request)
    assert edited["text"].endswith(note) and not inline(edited)
    stored = await booking_of(services, booking_id)
    assert stored.status == BookingStatus.CONFIRMED.value and stored.decided_by_id == admin.id
    await harness.drain_outbox()
    assert user.last_text() == await expected(services, t, "booking.approved", booking_id)

    # The second admin's request is now stale: a polite alert, nothing changes.
    before = await audit_count(services)
    other = request_of(q_admin_2, booking_id)
    await q_admin_2.tap(other, f"ap:ok:{booking_id}")
    assert last_answer(q_admin_2)["text"] == t("approvals.error.decided")
    assert last_answer(q_admin_2)["show_alert"]
    assert not inline(current(q_admin_2, other))
    assert (await booking_of(services, booking_id)).decided_by_id == admin.id
    assert await audit_count(services) == before


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
async def test_decline_with_a_typed_reason(
    harness: BotHarness, services: Services, lang: str
) -> None:
    t = services.i18n.translator(lang)
    await resident(services, RESIDENT, lang)
    await staff(services, Q_ADMIN, Role.ADMIN, "Q", name="管理员周", language=lang)
    user = harness.user(RESIDENT, language_code=LANGS[lang])
    admin = harness.user(Q_ADMIN, language_code=LANGS[lang])
    slot = await slot_of(services.sessions, "q-hall", 3)
    booking_id = await book_slot(services, RESIDENT, slot.id or 0)
    assert await taken(services, slot.id or 0) == 1
    await harness.drain_outbox()
    request = request_of(admin, booking_id)

    await admin.tap(request, f"ap:no:{booking_id}")
    asking = current(admin, request)
    assert asking["text"].endswith(t.n("approvals.reason.ask", 200, max=200))
    labels = [b["text"] for row in inline(asking) for b in row]
    assert labels == [
        t("approvals.reason.busy"),
        t("approvals.reason.incomplete"),
        t("approvals.reason.other"),
        t("nav.back"),
        t("nav.home"),
    ]
    await admin.sticker()  # not a reason: asked again, nothing decided
    assert admin.last_text() == t.n("approvals.reason.invalid", 200, max=200)
    await admin.send("太" * 201)
    assert admin.last_text() == t.n("approvals.reason.invalid", 200, max=200)
    assert (await booking_of(services, booking_id)).status == BookingStatus.PENDING_APPROVAL.value

    reason = "那天礼堂要维修"
    await admin.send(reason)

    note = t("approvals.decided.declined", id=booking_id, admin="管理员周", reason=reason)
    assert admin.last_text() == note
    edited = current(admin, request)
    assert edited["text"].endswith(note) and not inline(edited)
    stored = await booking_of(services, booking_id)
    assert stored.status == BookingStatus.DECLINED.value and stored.decline_reason == reason
    assert await taken(services, slot.id or 0) == 0, "the place is free again"
    await harness.drain_outbox()
    assert user.last_text() == await expected(
        services, t, "booking.declined", booking_id, reason=reason
    )
    await admin.send("another message")  # the conversation is over: home's re-prompt, no decision
    assert admin.last_text() == t("home.not_understood")


async def test_quick_reason_reaches_the_resident_in_their_language(
    harness: BotHarness, services: Services
) -> None:
    zh, en = services.i18n.translator("zh_CN"), services.i18n.translator("en")
    await resident(services, RESIDENT, "zh_CN")
    await staff(services, Q_ADMIN, Role.ADMIN, "Q", name="Admin Zhou", language="en")
    user = harness.user(RESIDENT)
    admin = harness.user(Q_ADMIN, language_code="en")
    slot = await slot_of(services.sessions, "q-hall", 4)
    booking_id = await book_slot(services, RESIDENT, slot.id or 0)
    await harness.drain_outbox()
    request = request_of(admin, booking_id)

    await admin.tap(request, f"ap:no:{booking_id}")
    await admin.tap(request, f"ap:why:{booking_id}:0")

    reason = zh("approvals.reason.busy")
    note = en("approvals.decided.declined", id=booking_id, admin="Admin Zhou", reason=reason)
    assert current(admin, request)["text"].endswith(note)
    assert (await booking_of(services, booking_id)).decline_reason == reason
    await harness.drain_outbox()
    assert user.last_text() == await expected(
        services, zh, "booking.declined", booking_id, reason=reason
    )


async def test_back_and_cancel_leave_the_booking_waiting(
    harness: BotHarness, services: Services
) -> None:
    t = services.i18n.translator("zh_CN")
    await resident(services, RESIDENT)
    await staff(services, Q_ADMIN, Role.ADMIN, "Q", name="管理员周")
    admin = harness.user(Q_ADMIN)
    slot = await slot_of(services.sessions, "q-hall", 3, 1)
    booking_id = await book_slot(services, RESIDENT, slot.id or 0)
    await harness.drain_outbox()
    request = request_of(admin, booking_id)
    original = request["text"]

    await admin.tap(request, f"ap:no:{booking_id}")
    await admin.tap(request, f"ap:back:{booking_id}")
    assert current(admin, request)["text"] == original
    assert [b["callback_data"] for b in inline(current(admin, request))[0]] == [
        f"ap:ok:{booking_id}",
        f"ap:no:{booking_id}",
    ]

    await admin.tap(request, f"ap:no:{booking_id}")
    await admin.send("/cancel")
    assert admin.last_text() == t("approvals.reason.cancelled")
    assert current(admin, request)["text"] == original
    await admin.send("这句话不是原因")  # no longer waiting for a reason
    assert admin.last_text() == t("home.not_understood")

    await admin.tap(request, f"ap:no:{booking_id}")
    await admin.tap(request, f"ap:quit:{booking_id}")
    assert admin.last_text() == t("home.prompt")
    assert inline(current(admin, request)), "the request keeps its buttons"
    assert (await booking_of(services, booking_id)).status == BookingStatus.PENDING_APPROVAL.value
