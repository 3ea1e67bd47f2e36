"""Feedback that tells the truth (issue 11, item 10): a confirm repeated after cancelling claims
nothing, the check-in screen's "show the QR code below" is followed by the code, and a move
keeps the booking number and the calendar entry."""

from __future__ import annotations

import pytest

from bot.context import Services
from models.booking import BookingStatus
from tests.booking.booking_support import slot_of
from tests.booking.test_booking_flow_helpers import bookings, opening, person, taken, tr
from tests.booking.test_booking_flow_input import reach
from tests.booking.test_my_bookings_support import book_slot, place_of
from tests.factories import make_person
from tests.harness import BotHarness

PNG = b"\x89PNG"
RESIDENT = 5312


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
async def test_confirm_again_after_cancelling_claims_nothing(
    harness: BotHarness, services: Services, lang: str
) -> None:
    user, t = await person(harness, 5311, lang), tr(services, lang)
    slot = await reach(harness, services, user, t, "confirm")
    label = user.button(t("booking.confirm.yes"))
    await user.press(label)
    [booking] = await bookings(services)
    await user.send(t("menu.mine"))
    await user.send("1")
    await user.choose(t("mine.action.cancel"))
    await user.choose(t("mine.cancel.yes"))
    assert (await bookings(services))[0].status == BookingStatus.CANCELLED.value

    replies = await user.send(label)  # the old confirm button's words, typed again

    said = [m["text"] for m in replies]
    assert said == [t("booking.confirm.ended", id=booking.id)]
    assert t("booking.already_booked", id=booking.id) not in said
    assert user.buttons()[0] == "1. " + t("menu.book")  # the main menu, to start again
    [still] = await bookings(services)
    assert still.status == BookingStatus.CANCELLED.value
    assert await taken(services, slot.id or 0) == 0


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
async def test_the_booking_screen_shows_the_qr_code_it_mentions(
    harness: BotHarness, services: Services, lang: str
) -> None:
    t = tr(services, lang)
    await make_person(services.sessions, RESIDENT, language=lang)
    slot = await slot_of(services.sessions, "d-canteen", 3)
    booking = await book_slot(services, RESIDENT, slot.id or 0)
    user = harness.user(RESIDENT, language_code=lang)
    await user.send(t("menu.mine"))

    shown = await user.send("1")

    receipt, qr, question = shown
    assert f"#{booking.id}" in receipt["text"]
    assert opening(t, "booking.receipt.confirmed") in receipt["text"]  # "show the code below"
    assert qr["kind"] == "photo" and qr["file"]["bytes"].startswith(PNG)
    assert qr["caption"] == t("booking.qr")
    assert question["text"] == t("mine.detail.ask")  # the question comes last, with its choices
    assert user.buttons()[2] == "3. " + t("mine.action.cancel")
    await user.choose(t("mine.action.cancel"))  # the screen still answers as before
    assert user.last_text() == t("mine.cancel.ask", **await place_of(services, slot, lang))
