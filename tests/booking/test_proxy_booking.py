"""Proxy booking through the real Application: with standing consent, with the resident's one
tap (yes once / yes always / no), forged taps refused, and the phone screen's answers."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update
from sqlmodel import col

from bot.context import Services
from bot.i18n import Translator
from bot.timefmt import format_span, format_when
from models.booking import Booking, BookingStatus, Slot, grant_consent, has_consent
from models.core.base import utcnow
from models.core.outbox import OutboxMessage
from models.core.people import Person, find_person
from models.core.places import ServiceCentre
from tests.authz.authz_cast import forge_tap
from tests.booking.booking_support import slot_of
from tests.booking.test_booking_flow_helpers import (
    bookings,
    choose_day,
    choose_slot,
    nav_ok,
    opening,
    person,
    set_venue,
    slot_day,
    taken,
    to_day,
    town_name,
    tr,
    venue,
)
from tests.harness import BotHarness, Message, SimUser

PROXY, RESIDENT, STRANGER = 5401, 5402, 5403
PHONE = "13912345678"


async def cast(harness: BotHarness, proxy_lang: str, resident_lang: str) -> tuple[SimUser, SimUser]:
    """A proxy (a volunteer or family member in D town) and a Q-town resident with a phone."""
    proxy = await person(harness, PROXY, proxy_lang, name="小张")
    resident = await person(harness, RESIDENT, resident_lang, town="Q", name="王阿姨", phone=PHONE)
    return proxy, resident


async def consent(services: Services) -> None:
    """The resident's standing consent for the proxy."""
    async with services.sessions() as session, session.begin():
        resident, proxy = await find_person(session, RESIDENT), await find_person(session, PROXY)
        assert resident is not None and proxy is not None and proxy.id is not None
        await grant_consent(session, resident, proxy.id)


async def ids(services: Services) -> tuple[int, int]:
    """The proxy's and the resident's person ids."""
    async with services.sessions() as session:
        proxy, resident = await find_person(session, PROXY), await find_person(session, RESIDENT)
    assert proxy is not None and resident is not None
    return proxy.id or 0, resident.id or 0


async def book_canteen_for_resident(
    proxy: SimUser, services: Services, t: Translator
) -> tuple[list[Message], Slot]:
    """The proxy books two canteen seats in Q town for the resident; returns the replies."""
    slot = await slot_of(services.sessions, "q-canteen", 3)
    canteen = await venue(services, "q-canteen")
    await to_day(proxy, services, t, "canteen", "Q", proxy_phone=PHONE)
    await choose_day(proxy, t, slot_day(slot))
    await choose_slot(proxy, t, slot, canteen.name(t.language))
    await proxy.choose(t.n("booking.party.many", 2, n=2))
    said = await described(services, t.language, slot, span=True)
    assert proxy.last_text() == t.n("booking.ask_confirm.proxy", 2, name="王阿姨", party=2, **said)
    return await proxy.choose(t("booking.confirm.yes")), slot


async def described(
    services: Services, lang: str, slot: Slot, *, span: bool = False
) -> dict[str, str]:
    """Venue, centre and time of a Q-canteen slot as a message shows them."""
    canteen = await venue(services, "q-canteen")
    async with services.sessions() as session:
        centre = await session.get(ServiceCentre, canteen.centre_id)
    assert centre is not None
    tz = services.settings.tz
    when = (
        format_span(slot.starts_at, slot.ends_at, lang, tz)
        if span
        else format_when(slot.starts_at, lang, tz)
    )
    return {"venue": canteen.name(lang), "centre": centre.name(lang), "when": when}


async def reminder_people(services: Services, booking_id: int) -> list[int]:
    """Who the booking's reminders go to (one id per reminder)."""
    async with services.sessions() as session:
        rows = (
            await session.execute(
                select(col(OutboxMessage.person_id)).where(
                    col(OutboxMessage.dedupe_key).like(f"reminder:booking:{booking_id}:%")
                )
            )
        ).scalars()
        return sorted(int(r or 0) for r in rows)


@pytest.mark.parametrize(("proxy_lang", "resident_lang"), [("zh_CN", "en"), ("en", "zh_CN")])
async def test_with_standing_consent_both_get_the_receipt_and_reminders(
    harness: BotHarness, services: Services, proxy_lang: str, resident_lang: str
) -> None:
    proxy, resident = await cast(harness, proxy_lang, resident_lang)
    t, rt = tr(services, proxy_lang), tr(services, resident_lang)
    await consent(services)
    proxy_id, resident_id = await ids(services)

    await proxy.send("/book")
    await proxy.choose(t("booking.who.proxy"))
    assert proxy.last_text() == t("booking.ask_phone") and nav_ok(proxy, t)
    await proxy.send("+86 139-1234-5678")  # typed any way
    q_town = await town_name(services, "Q", proxy_lang)
    assert proxy.last_text() == t("booking.ask_resident", name="王阿姨", town=q_town)
    assert nav_ok(proxy, t)
    await proxy.choose(t("booking.resident.yes"))
    assert proxy.last_text() == t("booking.ask_kind.proxy", name="王阿姨")
    replies, slot = await book_canteen_for_resident(proxy, services, t)
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
    [told] = resident.state.messages(RESIDENT, since=mark)
    said = await described(services, resident_lang, slot)
    assert told["text"] == rt("proxy.booked_for_you", proxy="小张", id=booking.id, **said)

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


async def pending_proxy_booking(
    harness: BotHarness, services: Services, proxy_lang: str, resident_lang: str
) -> tuple[SimUser, SimUser, Booking, Message, Slot]:
    """A proxy booking without consent; the resident has received the one-tap question."""
    proxy, resident = await cast(harness, proxy_lang, resident_lang)
    t, rt = tr(services, proxy_lang), tr(services, resident_lang)
    replies, slot = await book_canteen_for_resident(proxy, services, t)
    slot_id = slot.id or 0
    assert [m["kind"] for m in replies] == ["text", "document", "text"]  # no QR before a yes
    [booking] = await bookings(services)
    assert booking.status == BookingStatus.AWAITING_RESIDENT.value
    assert await taken(services, slot_id) == 2  # held while the resident decides
    assert await reminder_people(services, booking.id or 0) == []
    assert str(replies[0]["text"]).startswith(opening(t, "booking.receipt.awaiting_resident"))
    mark = resident._mark()
    await harness.drain_outbox()
    [question] = resident.state.messages(RESIDENT, since=mark)
    said = await described(services, resident_lang, slot)
    assert question["text"] == rt("proxy.ask_resident", proxy="小张", **said)
    data = [b["callback_data"] for row in question["reply_markup"]["inline_keyboard"] for b in row]
    assert data == [f"px:{a}:{booking.id}" for a in ("ok", "always", "no")]
    return proxy, resident, booking, question, slot


@pytest.mark.parametrize(
    ("answer", "status", "lasting"),
    [
        ("ok", BookingStatus.CONFIRMED, False),
        ("always", BookingStatus.CONFIRMED, True),
        ("no", BookingStatus.DECLINED, False),
    ],
)
@pytest.mark.parametrize("langs", [("zh_CN", "en"), ("en", "zh_CN")])
async def test_resident_answers_with_one_tap(
    harness: BotHarness,
    services: Services,
    answer: str,
    status: BookingStatus,
    lasting: bool,
    langs: tuple[str, str],
) -> None:
    proxy, resident, booking, question, slot = await pending_proxy_booking(
        harness, services, *langs
    )
    slot_id = slot.id or 0
    t, rt = tr(services, langs[0]), tr(services, langs[1])
    proxy_id, resident_id = await ids(services)

    await resident.tap(question, f"px:{answer}:{booking.id}")

    [stored] = await bookings(services)
    assert stored.status == status.value
    assert await has_consent_now(services, resident_id, proxy_id) is lasting
    edited = resident.state.messages(RESIDENT)[-1]
    assert edited["message_id"] == question["message_id"]
    spanned = await described(services, langs[1], slot, span=True)
    assert edited["text"] == rt(f"proxy.answered.{answer}", proxy="小张", **spanned)
    assert not edited["reply_markup"]  # the buttons are gone
    mark = proxy._mark()
    await harness.drain_outbox()
    told = [m["text"] for m in proxy.state.messages(PROXY, since=mark)]
    msgid = "proxy.told.declined" if answer == "no" else "proxy.told.agreed"
    assert told == [t(msgid, name="王阿姨", **await described(services, langs[0], slot))]
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


async def has_consent_now(services: Services, resident_id: int, proxy_id: int) -> bool:
    """Whether standing consent exists."""
    async with services.sessions() as session:
        return await has_consent(session, resident_id, proxy_id)


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


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
async def test_phone_screen_answers(harness: BotHarness, services: Services, lang: str) -> None:
    proxy = await person(harness, PROXY, lang, name="小张", phone="13700000001")
    await person(harness, RESIDENT, "zh_CN", town="Q", name="王阿姨", phone=PHONE)
    t = tr(services, lang)
    await proxy.send("/book")
    await proxy.choose(t("booking.who.proxy"))

    await proxy.send("13000000000")
    assert proxy.last_text() == t("proxy.error.not_found") + "\n\n" + t("booking.ask_phone")
    await proxy.send("137 0000 0001")
    assert proxy.last_text() == t("proxy.error.self") + "\n\n" + t("booking.ask_phone")
    await proxy.send(PHONE)
    await proxy.choose(t("booking.resident.no"))
    assert proxy.last_text() == t("booking.ask_phone")
    await proxy.send(PHONE)
    await proxy.choose(t("nav.back"))
    assert proxy.last_text() == t("booking.ask_phone")
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
