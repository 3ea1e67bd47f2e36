"""Check-in through the real Application: the day's list and roster, and the receipt's QR code
(``/start ci_<code>``) scanned by a volunteer; out-of-town staff and residents are refused."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select
from sqlmodel import col

from bot.context import Services
from bot.timefmt import format_clock, format_day, format_span
from handlers.booking.receipts import checkin_link
from models.booking import CHECK_IN, CodeRefused, StaffOnly, check_in_with_code
from models.booking.bookings import Booking, BookingStatus
from models.booking.calendar import TOWNS_TZ
from models.booking.slots import Slot, take_places
from models.core.authz import Role, scopes_of
from models.core.outbox import OutboxMessage
from models.core.people import Person
from models.core.places import ServiceCentre, Venue
from tests.authz.authz_cast import forge_tap
from tests.booking.booking_staff_support import (
    LANGS,
    booking_of,
    current,
    inline,
    last_answer,
    staff,
)
from tests.booking.booking_support import slot_of
from tests.conftest import ADMIN_ID
from tests.factories import make_person
from tests.harness import BotHarness

VOLUNTEER, Q_VOLUNTEER, RESIDENT, NEIGHBOUR, Q_RESIDENT = 9201, 9202, 9203, 9204, 9205


async def slot_now(services: Services, venue_code: str, hours_before: int = 0) -> Slot:
    """A slot of the venue starting at the current local hour (minus ``hours_before``)."""
    start = datetime.now(TOWNS_TZ).replace(minute=0, second=0, microsecond=0)
    start -= timedelta(hours=hours_before)
    async with services.sessions() as session, session.begin():
        venue = (
            await session.execute(select(Venue).where(col(Venue.code) == venue_code))
        ).scalar_one()
        assert venue.id is not None
        found = (
            await session.execute(
                select(Slot).where(col(Slot.venue_id) == venue.id, col(Slot.starts_at) == start)
            )
        ).scalar_one_or_none()
        if found is None:
            found = Slot(
                venue_id=venue.id, starts_at=start, ends_at=start + timedelta(hours=1), capacity=40
            )
            session.add(found)
            await session.flush()
    return found


async def confirmed(services: Services, tg: int, slot_id: int, party: int = 1) -> Booking:
    """A confirmed booking (made directly: the slot may be outside opening hours)."""
    async with services.sessions() as session, session.begin():
        person = (
            await session.execute(select(Person).where(col(Person.tg_user_id) == tg))
        ).scalar_one()
        booking = Booking(
            slot_id=slot_id,
            person_id=person.id or 0,
            party_size=party,
            status=BookingStatus.CONFIRMED.value,
            code=secrets.token_urlsafe(12),
        )
        session.add(booking)
        assert await take_places(session, slot_id, party)
        await session.flush()
    return booking


async def describe(services: Services, slot: Slot, lang: str) -> tuple[str, str]:
    """The venue and centre names of a slot."""
    async with services.sessions() as session:
        venue = await session.get(Venue, slot.venue_id)
        assert venue is not None
        centre = await session.get(ServiceCentre, venue.centre_id)
        assert centre is not None
    return venue.name(lang), centre.name(lang)


def scan(booking: Booking) -> str:
    """What a phone sends after scanning the receipt's QR code."""
    link = checkin_link("tongxin_bot", booking.code)
    return "/start " + link.split("?start=", 1)[1]


async def rating_asks(services: Services, booking: Booking) -> int:
    """Rating requests queued for the booking's resident."""
    async with services.sessions() as session:
        rows = (await session.execute(select(OutboxMessage))).scalars().all()
    return sum(1 for row in rows if f"rate:{booking.id}:" in str(row.payload))


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
async def test_volunteer_checks_in_from_the_list(
    harness: BotHarness, services: Services, lang: str
) -> None:
    t, tz = services.i18n.translator(lang), services.settings.tz
    volunteer = await staff(
        services, VOLUNTEER, Role.VOLUNTEER, "D", name="志愿者小李", language=lang
    )
    await make_person(services.sessions, RESIDENT, name="王阿姨")
    await make_person(services.sessions, NEIGHBOUR, name="李伯伯")
    await make_person(
        services.sessions, Q_RESIDENT, town_code="Q", community_code="q-xinglong", name="周奶奶"
    )
    slot = await slot_now(services, "d-canteen")
    q_slot = await slot_now(services, "q-canteen")
    first = await confirmed(services, RESIDENT, slot.id or 0, party=2)
    await confirmed(services, NEIGHBOUR, slot.id or 0)
    await confirmed(services, Q_RESIDENT, q_slot.id or 0)
    user = harness.user(VOLUNTEER, language_code=LANGS[lang])
    venue, centre = await describe(services, slot, lang)
    day = format_day(datetime.now(tz).date(), lang)

    await user.send("/checkin")

    assert user.last_text() == t.n("checkin.title", 1, day=day, count=1, page=1, pages=1)
    screen = user.state.last_message(VOLUNTEER)
    assert screen is not None
    label = t(
        "checkin.slot.button",
        time=format_clock(slot.starts_at, tz),
        venue=venue,
        centre=centre,
        attended=0,
        booked=2,
    )
    assert inline(screen)[0] == [{"text": label, "callback_data": f"ci:s:{slot.id}:0"}]
    assert len(inline(screen)) == 2, "one slot (the Q town slot is not this volunteer's) and nav"

    await user.tap(screen, f"ci:s:{slot.id}:0")
    when = format_span(slot.starts_at, slot.ends_at, lang, tz)
    roster_title = t(
        "checkin.roster.title", venue=venue, centre=centre, when=when, attended=0, booked=2
    )
    assert current(user, screen)["text"] == roster_title
    people = [b["text"] for row in inline(current(user, screen))[:2] for b in row]
    assert people == [
        t.n("checkin.person.todo", 2, name="王阿姨", party=2),
        t.n("checkin.person.todo", 1, name="李伯伯", party=1),
    ]
    if lang == "en":
        assert people == ["☐ 王阿姨 (2 people)", "☐ 李伯伯 (1 person)"]

    await user.tap(screen, f"ci:b:{first.id}:0")

    now = current(user, screen)
    assert now["text"] == t(
        "checkin.roster.title", venue=venue, centre=centre, when=when, attended=1, booked=2
    )
    assert inline(now)[0][0]["text"] == t.n("checkin.person.done", 2, name="王阿姨", party=2)
    assert inline(now)[1][0]["text"] == t.n("checkin.person.todo", 1, name="李伯伯", party=1)
    stored = await booking_of(services, first.id or 0)
    assert stored.status == BookingStatus.ATTENDED.value and stored.checked_in_by_id == volunteer.id
    assert await rating_asks(services, first) == 1

    await user.tap(screen, f"ci:b:{first.id}:0")  # a second tap: polite alert, nothing new
    assert last_answer(user)["text"] == t("checkin.error.already")
    assert await rating_asks(services, first) == 1

    await user.tap(screen, "ci:list:0")
    assert current(user, screen)["text"] == t.n(
        "checkin.title", 1, day=day, count=1, page=1, pages=1
    )
    assert inline(current(user, screen))[0][0]["text"] == label.replace("0/2", "1/2")
    await user.tap(screen, "ci:home")
    assert user.last_text() == t("home.prompt")


async def test_both_towns_admin_sees_every_slot_and_forged_taps_fail(
    harness: BotHarness, services: Services
) -> None:
    t = services.i18n.translator("zh_CN")
    await make_person(services.sessions, ADMIN_ID, name="总管理员")
    await staff(services, VOLUNTEER, Role.VOLUNTEER, "D", name="志愿者小李")
    await make_person(services.sessions, RESIDENT)
    await make_person(
        services.sessions, Q_RESIDENT, town_code="Q", community_code="q-xinglong", name="周奶奶"
    )
    await confirmed(services, RESIDENT, (await slot_now(services, "d-canteen")).id or 0)
    q_booking = await confirmed(
        services, Q_RESIDENT, (await slot_now(services, "q-canteen")).id or 0
    )
    admin, volunteer = harness.user(ADMIN_ID), harness.user(VOLUNTEER)
    day = format_day(datetime.now(services.settings.tz).date(), "zh_CN")

    await admin.send("/checkin")
    assert admin.last_text() == t.n("checkin.title", 2, day=day, count=2, page=1, pages=1)

    await volunteer.send("/help")
    for data in (f"ci:b:{q_booking.id}:0", f"ci:s:{q_booking.slot_id}:0", "ci:b:x:0", "ci:zz"):
        await forge_tap(volunteer, data)
        assert last_answer(volunteer)["text"] == t("error.not_allowed")
    assert volunteer.last_text() == t("help.text")
    assert (await booking_of(services, q_booking.id or 0)).status == BookingStatus.CONFIRMED.value


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
async def test_qr_code_checks_in(harness: BotHarness, services: Services, lang: str) -> None:
    t, tz = services.i18n.translator(lang), services.settings.tz
    volunteer = await staff(
        services, VOLUNTEER, Role.VOLUNTEER, "D", name="志愿者小李", language=lang
    )
    await make_person(services.sessions, RESIDENT, name="王阿姨")
    slot = await slot_now(services, "d-canteen")
    booking = await confirmed(services, RESIDENT, slot.id or 0, party=2)
    user = harness.user(VOLUNTEER, language_code=LANGS[lang])
    venue, centre = await describe(services, slot, lang)

    await user.send(scan(booking))

    assert user.last_text() == t.n(
        "checkin.done",
        2,
        name="王阿姨",
        party=2,
        venue=venue,
        centre=centre,
        time=format_clock(slot.starts_at, tz),
    )
    stored = await booking_of(services, booking.id or 0)
    assert stored.status == BookingStatus.ATTENDED.value and stored.checked_in_by_id == volunteer.id
    assert user.buttons()[0].startswith("1."), "back on the main menu"

    await user.send(scan(booking))
    assert user.last_text() == t("checkin.error.already")


async def test_qr_code_refusals_change_nothing(harness: BotHarness, services: Services) -> None:
    t = services.i18n.translator("zh_CN")
    await staff(services, Q_VOLUNTEER, Role.VOLUNTEER, "Q", name="志愿者老周")
    await staff(services, VOLUNTEER, Role.VOLUNTEER, "D", name="志愿者小李")
    await make_person(services.sessions, RESIDENT, name="王阿姨")
    await make_person(services.sessions, NEIGHBOUR, name="李伯伯")
    today = await confirmed(services, RESIDENT, (await slot_now(services, "d-canteen")).id or 0)
    later_slot = await slot_of(services.sessions, "d-canteen", 3)
    later = await confirmed(services, NEIGHBOUR, later_slot.id or 0)
    q_volunteer, d_volunteer = harness.user(Q_VOLUNTEER), harness.user(VOLUNTEER)
    resident = harness.user(RESIDENT)

    await resident.send(scan(today))  # a resident scanning their own code
    assert resident.last_text() == t("checkin.error.staff_only")
    await q_volunteer.send(scan(today))  # a volunteer of the other town
    assert q_volunteer.last_text() == t("checkin.error.other_town")
    await d_volunteer.send("/start ci_no-such-code")
    assert d_volunteer.last_text() == t("checkin.error.other_town")
    for code in ("x" * 25, "a'b", "a b", "一二三"):  # cannot be a receipt's: refused unread
        await d_volunteer.send(f"/start ci_{code}")
        assert d_volunteer.last_text() == t("checkin.error.other_town")
    await d_volunteer.send(scan(later))  # not today
    assert d_volunteer.last_text() == t("checkin.error.not_today")

    for booking in (today, later):
        stored = await booking_of(services, booking.id or 0)
        assert stored.status == BookingStatus.CONFIRMED.value and stored.checked_in_at is None
    await d_volunteer.send("/start")  # a plain /start still welcomes back
    assert d_volunteer.last_text() == t("onboarding.welcome_back.named", name="志愿者小李")


async def test_a_code_is_checked_before_any_booking_is_looked_up(services: Services) -> None:
    volunteer = await staff(services, VOLUNTEER, Role.VOLUNTEER, "D", name="志愿者小李")
    resident = await make_person(services.sessions, RESIDENT, name="王阿姨")
    booking = await confirmed(services, RESIDENT, (await slot_now(services, "d-canteen")).id or 0)
    async with services.sessions() as session:
        scopes = await scopes_of(session, volunteer, ())
        for code in ("", "x" * 25, "a'b", booking.code + "!"):
            with pytest.raises(CodeRefused):
                await check_in_with_code(session, person=volunteer, scopes=scopes, code=code)
        with pytest.raises(StaffOnly):  # the resident scanning their own receipt
            await check_in_with_code(session, person=resident, scopes=set(), code=booking.code)
    assert (await booking_of(services, booking.id or 0)).status == BookingStatus.CONFIRMED.value


@pytest.mark.parametrize(
    ("data", "action", "fields"),
    [
        ("ci:list:1", "list", (1,)),
        ("ci:s:12:0", "s", (12, 0)),
        ("ci:b:34:2", "b", (34, 2)),
        ("ci:home", "home", ()),
    ],
)
def test_checkin_buttons_keep_their_data(data: str, action: str, fields: tuple[int, ...]) -> None:
    tap = CHECK_IN.parse(data)
    assert tap is not None and (tap.action, tap.fields) == (action, fields)
    assert CHECK_IN.data(action, *fields) == data
    for forged in ("ci:b:x:0", "ci:zz", "ci:s:12", "ci:list:0:1", "ci:b:0:0"):
        assert CHECK_IN.parse(forged) is None
