"""Approval requests through the real Application: the request is a question with one set of
choices (1 approve, 2 decline: never choice 1), typed or tapped; a decline asks why, a typed or
a quick reason; back or /cancel leave the booking waiting. (The /approvals list and its inline
buttons: test_booking_approvals_queue.py.)"""

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
    replies,
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
    assert replies(request) == [  # one set of choices, declining never choice 1
        "1. " + t("booking.button.approve"),
        "2. " + t("booking.button.decline"),
        t("nav.home"),
    ]
    assert not inline(request)
    request_of(q_admin_2, booking_id)  # every admin of Q is asked
    assert not d_admin.state.messages(D_ADMIN), "D admins are not asked about Q venues"

    await q_admin.send("1")

    note = t("approvals.decided.approved", id=booking_id, admin="管理员周")
    assert q_admin.last_text() == note
    assert q_admin.buttons()[0].startswith("1. ")  # the main menu again
    stored = await booking_of(services, booking_id)
    assert stored.status == BookingStatus.CONFIRMED.value and stored.decided_by_id == admin.id
    await harness.drain_outbox()
    assert user.last_text() == await expected(services, t, "booking.approved", booking_id)

    # The second admin's request is now stale: a polite answer, nothing changes.
    before = await audit_count(services)
    await q_admin_2.send(t("booking.button.approve"))  # its words, typed
    assert q_admin_2.last_text() == t("approvals.error.decided")
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

    assert request["text"] in (await admin.send("2"))[0]["text"]
    assert admin.last_text().endswith(t.n("approvals.reason.ask", 200, max=200))
    assert admin.buttons() == [
        "1. " + t("approvals.reason.busy"),
        "2. " + t("approvals.reason.incomplete"),
        "3. " + t("approvals.reason.other"),
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

    assert request["text"]
    await admin.send(en("booking.button.decline"))  # the decline's own words
    await admin.send("1")  # on the reason screen, "1" is the first quick reason

    reason = zh("approvals.reason.busy")
    note = en("approvals.decided.declined", id=booking_id, admin="Admin Zhou", reason=reason)
    assert admin.last_text() == note
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
    request_of(admin, booking_id)

    await admin.send("2")
    await admin.press(t("nav.back"))
    assert admin.last_text() == t("approvals.reason.cancelled")
    assert admin.buttons()[0].startswith("1. ")  # the main menu
    await admin.send("这句话不是原因")  # no longer waiting for a reason
    assert admin.last_text() == t("home.not_understood")
    assert (await booking_of(services, booking_id)).status == BookingStatus.PENDING_APPROVAL.value

    await admin.send("/approvals")  # still waiting in the list; ❌ there asks why again
    listing = admin.state.last_message(Q_ADMIN)
    assert listing is not None
    await admin.tap(listing, f"ap:no:{booking_id}:0")
    await admin.send("/cancel")
    assert admin.last_text() == t("approvals.reason.cancelled")
    assert inline(current(admin, listing)), "the list keeps its buttons"

    await admin.tap(listing, f"ap:no:{booking_id}:0")
    await admin.tap(listing, f"ap:back:{booking_id}:0")
    assert [b["callback_data"] for b in inline(current(admin, listing))[0]] == [
        f"ap:ok:{booking_id}:0",
        f"ap:no:{booking_id}:0",
    ]
    await admin.tap(listing, f"ap:no:{booking_id}:0")
    await admin.tap(listing, f"ap:quit:{booking_id}:0")
    assert admin.last_text() == t("home.prompt")
    assert (await booking_of(services, booking_id)).status == BookingStatus.PENDING_APPROVAL.value


async def test_a_restart_between_no_and_the_reason_loses_nothing(
    harness: BotHarness, services: Services
) -> None:
    t = services.i18n.translator("zh_CN")
    await resident(services, RESIDENT)
    await staff(services, Q_ADMIN, Role.ADMIN, "Q", name="管理员周")
    admin = harness.user(Q_ADMIN)
    await staff(services, Q_ADMIN_2, Role.ADMIN, "Q", name="管理员吴")
    slot = await slot_of(services.sessions, "q-hall", 3, 2)
    booking_id = await book_slot(services, RESIDENT, slot.id or 0)
    await harness.user(Q_ADMIN_2).send("/menu")  # their chat with the bot is open
    await harness.drain_outbox()
    request_of(admin, booking_id)

    await admin.send("2")
    await harness.restart()
    await admin.send("3")  # the third quick reason, after the restart

    reason = t("approvals.reason.other")
    assert admin.last_text() == t(
        "approvals.decided.declined", id=booking_id, admin="管理员周", reason=reason
    )
    stored = await booking_of(services, booking_id)
    assert (stored.status, stored.decline_reason) == (BookingStatus.DECLINED.value, reason)
    await harness.user(Q_ADMIN_2).send("2")  # the other admin's question: decided already
    assert harness.user(Q_ADMIN_2).last_text() == t("approvals.error.decided")
