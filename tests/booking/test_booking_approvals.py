"""The approval queue through the real Application: requests, approve, decline with a reason,
/approvals per town, and forged or out-of-town taps refused with nothing changed."""

from __future__ import annotations

import pytest
from sqlalchemy import update
from sqlmodel import col

from bot.context import Services
from models.booking import APPROVAL
from models.booking.bookings import BookingStatus
from models.core.authz import Role
from models.core.places import Venue
from tests.authz.authz_cast import forge_tap
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
from tests.factories import make_person
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
        assert d_admin.last_text() == t("help.text")
    await forge_tap(user, f"ap:ok:{booking_id}")
    assert last_answer(user)["text"] == t("error.not_allowed")

    stored = await booking_of(services, booking_id)
    assert stored.status == BookingStatus.PENDING_APPROVAL.value and stored.decided_by_id is None
    assert await audit_count(services) == before
    assert await taken(services, slot.id or 0) == 1


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


@pytest.mark.parametrize(
    ("data", "action", "fields"),
    [
        ("ap:ok:42", "ok", (42,)),  # on a request the outbox sent
        ("ap:ok:42:3", "ok", (42, 3)),  # on page 4 of /approvals
        ("ap:no:42", "no", (42,)),
        ("ap:no:42:0", "no", (42, 0)),
        ("ap:why:42:2", "why", (42, 2)),
        ("ap:why:42:2:1", "why", (42, 2, 1)),
        ("ap:back:42", "back", (42,)),
        ("ap:quit:42:1", "quit", (42, 1)),
        ("ap:page:1", "page", (1,)),
        ("ap:home", "home", ()),
    ],
)
def test_approval_buttons_already_sent_keep_working(
    data: str, action: str, fields: tuple[int, ...]
) -> None:
    tap = APPROVAL.parse(data)
    assert tap is not None and (tap.action, tap.fields) == (action, fields)
    assert APPROVAL.data(action, *fields) == data


@pytest.mark.parametrize(
    "data",
    [
        "ap:ok:0",
        "ap:ok:abc",
        "ap:ok:1:2:3",
        "ap:why:1",
        "ap:zz:1",
        "ap:home:1",
        "ap:ok:" + "9" * 11,
    ],
)
def test_forged_approval_data_is_not_understood(data: str) -> None:
    assert APPROVAL.parse(data) is None


async def test_counted_approval_texts_read_right_in_english(services: Services) -> None:
    en = services.i18n.translator("en")
    words = {"n": 1, "id": 7, "name": "Wang", "venue": "Hall", "centre": "Q", "when": "today"}
    assert ", 1 person\n" in en.n("approvals.item", 1, party=1, **words)
    assert ", 2 people\n" in en.n("approvals.item", 2, party=2, **words)
    one = en.n("approvals.title", 1, count=1, page=1, pages=1)
    assert one.startswith("📝 1 booking is waiting for approval")
    assert "(at most 1 character)" in en.n("approvals.reason.invalid", 1, max=1)
