"""A proxy booking without consent: the resident answers the question (1 yes once, 2 yes
always, 3 no), and a forged answer by anyone else is refused."""

from __future__ import annotations

import pytest

from bot.context import Services
from models.booking import BookingStatus
from tests.authz.authz_cast import forge_tap
from tests.booking.proxy_booking_support import (
    PROXY,
    RESIDENT,
    STRANGER,
    described,
    has_consent_now,
    ids,
    pending_proxy_booking,
    reminder_people,
)
from tests.booking.test_booking_flow_helpers import bookings, person, taken, tr
from tests.harness import BotHarness


@pytest.mark.parametrize(
    ("answer", "status", "lasting"),
    [
        ("ok", BookingStatus.CONFIRMED, False),
        ("always", BookingStatus.CONFIRMED, True),
        ("no", BookingStatus.DECLINED, False),
    ],
)
@pytest.mark.parametrize("langs", [("zh_CN", "en"), ("en", "zh_CN")])
async def test_resident_answers_by_number(
    harness: BotHarness,
    services: Services,
    answer: str,
    status: BookingStatus,
    lasting: bool,
    langs: tuple[str, str],
) -> None:
    proxy, resident, booking, _question, slot = await pending_proxy_booking(
        harness, services, *langs
    )
    slot_id = slot.id or 0
    t, rt = tr(services, langs[0]), tr(services, langs[1])
    proxy_id, resident_id = await ids(services)

    replies = await resident.send(str(("ok", "always", "no").index(answer) + 1))

    [stored] = await bookings(services)
    assert stored.status == status.value
    assert await has_consent_now(services, resident_id, proxy_id) is lasting
    spanned = await described(services, langs[1], slot, span=True)
    assert replies[0]["text"] == rt(f"proxy.answered.{answer}", proxy="小张", **spanned)
    kinds = ["text"] if answer == "no" else ["text", "text", "document", "photo"]  # + receipt
    assert [m["kind"] for m in replies] == kinds
    assert resident.buttons()[0] == "1. " + rt("menu.book")  # the question is gone
    mark = proxy._mark()
    await harness.drain_outbox()
    told = [m["text"] for m in proxy.state.messages(PROXY, since=mark)]
    msgid = "proxy.told.declined" if answer == "no" else "proxy.told.agreed"
    name = "王阿姨" if lasting else "王*姨"  # in full once her standing consent is on record
    assert told == [t(msgid, name=name, **await described(services, langs[0], slot))]
    if answer == "no":
        assert await taken(services, slot_id) == 0
        assert await reminder_people(services, booking.id or 0) == []
    else:
        assert await taken(services, slot_id) == 2
        assert sorted(await reminder_people(services, booking.id or 0)) == sorted(
            [proxy_id, proxy_id, resident_id, resident_id]
        )

    await forge_tap(resident, f"px:{answer}:{booking.id}")  # a second (stale) tap: nothing more
    again = resident.state.callback_answers(RESIDENT)[-1]
    expected = "booking.error.not_active" if answer == "no" else "proxy.answered.already"
    assert again["text"] == rt(expected) and again["show_alert"]
    assert (await bookings(services))[0].status == status.value


@pytest.mark.parametrize("who", [PROXY, STRANGER])
async def test_forged_answer_by_anyone_else_is_refused(
    harness: BotHarness, services: Services, who: int
) -> None:
    _proxy, _resident, booking, _question, slot = await pending_proxy_booking(
        harness, services, "zh_CN", "zh_CN"
    )
    slot_id = slot.id or 0
    user = harness.user(who) if who == PROXY else await person(harness, STRANGER, "en")
    t = tr(services, "zh_CN" if who == PROXY else "en")
    await user.send("/menu")  # a message of the bot's to hang the forged button on

    await forge_tap(user, f"px:always:{booking.id}")

    answer = user.state.callback_answers(who)[-1]
    assert answer["text"] == t("booking.error.not_yours") and answer["show_alert"]
    [stored] = await bookings(services)
    assert stored.status == BookingStatus.AWAITING_RESIDENT.value
    proxy_id, resident_id = await ids(services)
    assert not await has_consent_now(services, resident_id, proxy_id)
    assert await taken(services, slot_id) == 2
