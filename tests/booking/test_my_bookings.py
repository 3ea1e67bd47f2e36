"""我的预约与提醒 through the real Application: the list, cancelling, proxies, waitlists."""

from __future__ import annotations

from sqlmodel import col, select

from bot.context import Services
from bot.timefmt import format_when
from models.booking.bookings import BookingStatus
from models.booking.waitlist import WaitStatus
from models.core.outbox import OutboxMessage
from tests.booking.booking_support import names_booking, slot_of
from tests.booking.test_my_bookings_support import (
    assert_reprompts,
    book_slot,
    booking_row,
    bookings_of,
    entry_row,
    offers_sent,
    place_of,
    reply_labels,
    slot_row,
    texts,
    wait_for,
)
from tests.factories import make_person
from tests.harness import BotHarness

RESIDENT, OTHER, PROXY = 6101, 6102, 6103


async def test_empty_list_is_friendly_and_returns_to_the_menu(
    harness: BotHarness, services: Services
) -> None:
    t = services.i18n.translator("zh_CN")
    await make_person(services.sessions, RESIDENT)
    user = harness.user(RESIDENT)
    await user.send("/mybookings")
    assert user.last_text() == t("mine.empty")
    assert user.buttons()[0] == "1. " + t("menu.book")
    await user.press("4. " + t("menu.mine"))  # the menu button leads to the same place
    assert user.last_text() == t("mine.empty")


async def test_list_cancel_and_the_waiting_person_is_offered_the_place(
    harness: BotHarness, services: Services
) -> None:
    t = services.i18n.translator("zh_CN")
    await make_person(services.sessions, RESIDENT)
    await make_person(services.sessions, OTHER, name="李叔叔")
    slot = await slot_of(services.sessions, "d-activity", 3)  # one place
    booking = await book_slot(services, RESIDENT, slot.id or 0)
    entry = await wait_for(services, OTHER, slot.id or 0)
    user, other = harness.user(RESIDENT), harness.user(OTHER)
    place = await place_of(services, slot, "zh_CN")

    await user.send("/mybookings")
    status = t("mine.status.confirmed")
    where = t("mine.place", venue=place["venue"], centre=place["centre"])
    label = t("mine.option.booking", when=place["when"], place=where, status=status)
    assert user.last_text() == t.n("mine.list", 1, total=1)
    assert user.buttons() == [f"1. {label}", t("nav.back"), t("nav.home")]
    await assert_reprompts(user, t, t.n("mine.list", 1, total=1))

    receipt, qr, detail = await user.send("1")  # the receipt, its QR code, the question
    assert names_booking(receipt["text"], booking.id) and place["venue"] in receipt["text"]
    assert qr["kind"] == "photo" and detail["text"] == t("mine.detail.ask")
    assert user.buttons()[:3] == [  # cancelling is never choice 1
        "1. " + t("mine.action.resend"),
        "2. " + t("mine.action.move"),
        "3. " + t("mine.action.cancel"),
    ]
    await assert_reprompts(user, t, t("mine.detail.again"))

    await user.choose(t("mine.action.cancel"))
    assert user.last_text() == t("mine.cancel.ask", **place)
    await assert_reprompts(user, t, t("mine.cancel.ask", **place))
    await user.choose(t("mine.cancel.no"))  # 否: the booking stays, back to its details
    assert user.last_text().endswith(t("mine.detail.ask"))
    assert (await booking_row(services, booking.id or 0)).status == "confirmed"

    await user.choose(t("mine.action.cancel"))
    await user.choose(t("mine.cancel.yes"))
    assert user.last_text() == t("mine.cancelled", **place)
    assert user.buttons()[0] == "1. " + t("menu.book")
    assert (await booking_row(services, booking.id or 0)).status == "cancelled"
    # the freed place is held for the first person waiting, offered at once
    assert (await entry_row(services, entry.id or 0)).status == WaitStatus.OFFERED.value
    assert (await slot_row(services, slot.id or 0)).taken == 1
    async with services.sessions() as session:
        keys = (await session.execute(select(col(OutboxMessage.dedupe_key)))).scalars().all()
        reminders = (
            await session.execute(
                select(col(OutboxMessage.status)).where(
                    col(OutboxMessage.dedupe_key).like(f"reminder:booking:{booking.id}:%")
                )
            )
        ).scalars()
        assert set(reminders) == {"cancelled"}
    assert f"waitlist:{entry.id}:offer" in keys
    [offer] = await offers_sent(harness, OTHER)
    assert reply_labels(offer)[:2] == [
        "1. " + t("waitlist.button.accept"),
        "2. " + t("waitlist.button.decline"),
    ]
    await other.send("1")  # the offer is the current screen: 1 accepts
    [taken] = await bookings_of(services, OTHER)
    assert (taken.slot_id, taken.status) == (slot.id, BookingStatus.CONFIRMED.value)
    assert any(names_booking(text, taken.id) for text in texts(other.state.messages(OTHER)))
    assert (await slot_row(services, slot.id or 0)).taken == 1

    await user.send("/mybookings")  # nothing left
    assert user.last_text() == t("mine.empty")


async def test_proxy_sees_and_cancels_the_booking_made_for_a_resident(
    harness: BotHarness, services: Services
) -> None:
    t = services.i18n.translator("en")
    zh = services.i18n.translator("zh_CN")
    await make_person(services.sessions, RESIDENT, name="王阿姨")
    await make_person(services.sessions, PROXY, name="Li", language="en")
    slot = await slot_of(services.sessions, "d-canteen", 3)
    mine = await slot_of(services.sessions, "d-canteen", 4)
    booking = await book_slot(services, RESIDENT, slot.id or 0, proxy=PROXY)
    await book_slot(services, PROXY, mine.id or 0)
    proxy = harness.user(PROXY, language_code="en")
    place = await place_of(services, slot, "en")
    await proxy.send("/mybookings")
    status = t("mine.status.confirmed")
    for_her = t(
        "mine.option.proxy",
        name="王*姨",  # no standing consent to this proxy on record: the name masked
        when=place["when"],
        place=t("mine.place", venue=place["venue"], centre=place["centre"]),
        status=status,
    )
    assert proxy.buttons()[0] == f"1. {for_her}"
    assert proxy.buttons()[1].startswith("2. ") and "For " not in proxy.buttons()[1]
    receipt = (await proxy.send("1"))[0]
    assert receipt["text"].startswith(t("mine.detail.proxy", name="王*姨"))
    await proxy.choose(t("mine.action.cancel"))
    await proxy.choose(t("mine.cancel.yes"))
    assert proxy.last_text() == t("mine.cancelled", **place)
    assert (await booking_row(services, booking.id or 0)).status == "cancelled"

    resident = harness.user(RESIDENT)  # the resident's own list no longer shows it
    await resident.send("/mybookings")
    assert resident.last_text() == zh("mine.empty")


async def test_statuses_and_waitlist_entries_in_the_list(
    harness: BotHarness, services: Services
) -> None:
    t = services.i18n.translator("zh_CN")
    tz = services.settings.tz
    await make_person(services.sessions, RESIDENT)
    await make_person(services.sessions, OTHER)
    hall = await slot_of(services.sessions, "q-hall", 3)  # needs approval
    full = await slot_of(services.sessions, "d-activity", 4)
    await book_slot(services, OTHER, full.id or 0)
    await book_slot(services, RESIDENT, hall.id or 0)
    entry = await wait_for(services, RESIDENT, full.id or 0)
    user = harness.user(RESIDENT)
    await user.send("/mybookings")
    first, second = user.buttons()[:2]
    assert first.endswith(f"（{t('mine.status.pending_approval')}）")
    place = await place_of(services, full, "zh_CN")
    waiting = t(
        "mine.option.waiting",
        when=format_when(full.starts_at, "zh_CN", tz),
        place=t("mine.place", venue=place["venue"], centre=place["centre"]),
        position=1,
    )
    assert second == f"2. {waiting}"
    await user.send("2")
    question = t("mine.entry.waiting", position=1, **place)
    assert user.last_text() == question
    keyboard = user.buttons()
    await user.sticker()
    assert user.last_text() == t("mine.not_understood") + "\n\n" + question
    assert user.buttons() == keyboard
    await user.press(t("nav.back"))
    assert user.last_text() == t.n("mine.list", 2, total=2)
    await user.send("2")
    await user.choose(t("mine.entry.leave"))
    assert user.last_text() == t("mine.entry.left")
    assert (await entry_row(services, entry.id or 0)).status == WaitStatus.LEFT.value
    assert (await slot_row(services, full.id or 0)).taken == 1


async def test_one_item_reads_in_the_singular_in_english(
    harness: BotHarness, services: Services
) -> None:
    en = services.i18n.translator("en")
    await make_person(services.sessions, RESIDENT, language="en")
    slot = await slot_of(services.sessions, "d-canteen", 3)
    await book_slot(services, RESIDENT, slot.id or 0)
    user = harness.user(RESIDENT, language_code="en")
    await user.send("/mybookings")
    assert user.last_text() == en.n("mine.list", 1, total=1)
    assert "You have 1 item in" in user.last_text() and "Tap it" in user.last_text()
    await user.press(en("nav.home"))
    other = await slot_of(services.sessions, "d-canteen", 4)
    await book_slot(services, RESIDENT, other.id or 0)
    await user.send("/mybookings")
    assert "You have 2 items in" in user.last_text()
