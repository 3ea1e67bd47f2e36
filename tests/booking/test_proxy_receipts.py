"""What the resident gets when someone else books for them (issue 11, items 2 and 9): the full
receipt with the check-in QR code; a question with one set of choices whose words work when
typed; and, when the proxy withdraws the request, the news, after which the old question's
answers change nothing."""

from __future__ import annotations

import pytest

from bot.context import Services
from bot.i18n import Translator
from handlers.booking.receipts import checkin_link
from jobs.qr import qr_image
from models.booking import BookingStatus, Slot
from models.core.places import ServiceCentre
from tests.booking.booking_support import names_booking
from tests.booking.proxy_booking_support import (
    PROXY,
    RESIDENT,
    book_canteen_for_resident,
    cast,
    consent,
    described,
    has_consent_now,
    ids,
    pending_proxy_booking,
)
from tests.booking.test_booking_flow_helpers import bookings, taken, tr, venue
from tests.harness import BotHarness, Message


async def receipt_words(services: Services, t: Translator, slot: Slot) -> dict[str, str]:
    """Where and how to get to the Q-town canteen, as the resident's receipt says it."""
    canteen = await venue(services, "q-canteen")
    async with services.sessions() as session:
        centre = await session.get(ServiceCentre, canteen.centre_id)
    assert centre is not None
    en = t.language == "en"
    address = (canteen.address_en or centre.address_en) if en else ""
    return {
        **await described(services, t.language, slot, span=True),
        "address": address or canteen.address_zh or centre.address_zh,
        "directions": (canteen.directions_en if en else canteen.directions_zh) or "—",
        "access": (canteen.accessibility_en if en else canteen.accessibility_zh) or "—",
    }


def photo_bytes(message: Message) -> bytes:
    """The picture a photo message carried."""
    assert message["kind"] == "photo"
    return bytes(message["file"]["bytes"])


@pytest.mark.parametrize(("proxy_lang", "resident_lang"), [("zh_CN", "en"), ("en", "zh_CN")])
async def test_the_residents_notice_is_the_full_receipt_with_the_qr_code(
    harness: BotHarness, services: Services, proxy_lang: str, resident_lang: str
) -> None:
    proxy, resident = await cast(harness, proxy_lang, resident_lang)
    t, rt = tr(services, proxy_lang), tr(services, resident_lang)
    await consent(services)
    await proxy.send("/book")
    await proxy.choose(t("booking.who.proxy"))
    await proxy.send("13912345678")
    await proxy.choose(t("booking.resident.yes"))
    _replies, slot = await book_canteen_for_resident(proxy, services, t, name="王阿姨")
    [booking] = await bookings(services)
    assert booking.status == BookingStatus.CONFIRMED.value
    mark = resident._mark()

    await harness.drain_outbox()

    told, qr = resident.state.messages(RESIDENT, since=mark)
    words = await receipt_words(services, rt, slot)
    assert told["text"] == rt.n(
        "proxy.booked_for_you", 2, proxy="小张", id=booking.id, party=2, **words
    )
    for said in (words["address"], words["directions"], words["when"]):
        assert said in told["text"]
    assert qr["caption"] == rt("booking.qr")  # the code the text says is below
    assert photo_bytes(qr) == qr_image(checkin_link("tongxin_bot", booking.code))
    assert await taken(services, slot.id or 0) == 2


@pytest.mark.parametrize(
    ("typed", "answer", "status", "lasting"),
    [
        ("同意", "ok", BookingStatus.CONFIRMED, False),
        ("好的", "ok", BookingStatus.CONFIRMED, False),
        ("同意这一次", "ok", BookingStatus.CONFIRMED, False),  # the label's words
        ("以后都可以", "always", BookingStatus.CONFIRMED, True),
        ("不同意", "no", BookingStatus.DECLINED, False),
    ],
)
async def test_the_consent_question_has_one_keyboard_and_its_words_answer_it(
    harness: BotHarness,
    services: Services,
    typed: str,
    answer: str,
    status: BookingStatus,
    lasting: bool,
) -> None:
    _proxy, resident, _booking, question, slot = await pending_proxy_booking(
        harness, services, "zh_CN", "zh_CN"
    )
    rt = tr(services, "zh_CN")
    assert "keyboard" in question["reply_markup"]  # its own reply keyboard …
    assert "inline_keyboard" not in question["reply_markup"]  # … and no buttons under it
    proxy_id, resident_id = await ids(services)

    replies = await resident.send(typed)

    spanned = await described(services, "zh_CN", slot, span=True)
    assert replies[0]["text"] == rt(f"proxy.answered.{answer}", proxy="小张", **spanned)
    [stored] = await bookings(services)
    assert stored.status == status.value
    assert await has_consent_now(services, resident_id, proxy_id) is lasting
    if status == BookingStatus.CONFIRMED:  # a yes brings the resident's own full receipt
        receipt, _ics, qr = replies[1:]
        assert names_booking(receipt["text"], stored.id) and spanned["when"] in receipt["text"]
        assert photo_bytes(qr) == qr_image(checkin_link("tongxin_bot", stored.code))
    else:
        assert len(replies) == 1


async def test_unsure_words_ask_again_and_never_refuse(
    harness: BotHarness, services: Services
) -> None:
    _proxy, resident, _booking, _question, _slot = await pending_proxy_booking(
        harness, services, "zh_CN", "zh_CN"
    )
    rt = tr(services, "zh_CN")
    for typed in ("不", "4", "随便"):
        replies = await resident.send(typed)
        assert replies[-1]["text"] == rt("home.question.again", count=3)
    [stored] = await bookings(services)
    assert stored.status == BookingStatus.AWAITING_RESIDENT.value


@pytest.mark.parametrize("resident_lang", ["zh_CN", "en"])
@pytest.mark.parametrize("late", ["1", "同意", "tap"])
async def test_a_withdrawn_request_is_told_and_its_old_answers_change_nothing(
    harness: BotHarness, services: Services, resident_lang: str, late: str
) -> None:
    proxy, resident, booking, question, slot = await pending_proxy_booking(
        harness, services, "zh_CN", resident_lang
    )
    t, rt = tr(services, "zh_CN"), tr(services, resident_lang)
    await proxy.send(t("menu.mine"))
    await proxy.send("1")
    await proxy.choose(t("mine.action.cancel"))
    await proxy.choose(t("mine.cancel.yes"))
    assert (await bookings(services))[0].status == BookingStatus.CANCELLED.value
    assert await taken(services, slot.id or 0) == 0
    mark = resident._mark()

    await harness.drain_outbox()

    [told] = resident.state.messages(RESIDENT, since=mark)
    said = await described(services, resident_lang, slot)
    assert told["text"] == rt("proxy.withdrawn", proxy="小张", **said)
    if late == "tap":  # the old keyboard's button, tapped
        replies = await resident.press(resident.button(rt("proxy.button.yes_always")))
    else:
        replies = await resident.send(late if resident_lang == "zh_CN" or late == "1" else "yes")
    assert [m["text"] for m in replies] == [rt("proxy.error.withdrawn")]
    assert resident.buttons()[0] == "1. " + rt("menu.book")  # the main menu again
    [stored] = await bookings(services)
    assert (stored.id, stored.status) == (booking.id, BookingStatus.CANCELLED.value)
    assert await taken(services, slot.id or 0) == 0
    proxy_id, resident_id = await ids(services)
    assert not await has_consent_now(services, resident_id, proxy_id)
    mark = proxy._mark()
    await harness.drain_outbox()
    assert proxy.state.messages(PROXY, since=mark) == []  # nothing "agreed" goes to the proxy
    assert question["reply_markup"]  # (the question the resident had been asked)


async def test_a_request_withdrawn_before_it_was_sent_is_never_asked(
    harness: BotHarness, services: Services
) -> None:
    proxy, resident = await cast(harness, "zh_CN", "zh_CN")
    t = tr(services, "zh_CN")
    await book_canteen_for_resident(proxy, services, t)
    await proxy.send(t("menu.mine"))
    await proxy.send("1")
    await proxy.choose(t("mine.action.cancel"))
    await proxy.choose(t("mine.cancel.yes"))
    mark = resident._mark()

    await harness.drain_outbox()

    assert resident.state.messages(RESIDENT, since=mark) == []  # neither asked nor told
