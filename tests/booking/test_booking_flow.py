"""预约场地/服务 through the real Application: the happy paths, receipts and "any centre"."""

from __future__ import annotations

from datetime import timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import select
from sqlmodel import col

from bot.context import Services
from bot.timefmt import format_day, format_span
from models.booking import BookingStatus, Slot
from models.core.base import utcnow
from models.core.outbox import OutboxMessage
from models.core.places import ServiceCentre
from tests.booking.booking_support import slot_of
from tests.booking.test_booking_flow_helpers import (
    bookings,
    choose_day,
    choose_slot,
    nav_ok,
    opening,
    person,
    slot_day,
    taken,
    to_day,
    town_name,
    tr,
    venue,
)
from tests.harness import BotHarness, Message

PNG = b"\x89PNG\r\n\x1a\n"


def kinds(messages: list[Message]) -> list[str]:
    """The kind of each message (text, document, photo)."""
    return [str(m["kind"]) for m in messages]


def ics_start(message: Message):  # type: ignore[no-untyped-def]
    """DTSTART of the attached calendar file."""
    calendar = Calendar.from_ical(message["file"]["bytes"])
    events = [c for c in calendar.walk() if c.name == "VEVENT"]
    assert len(events) == 1
    return events[0].decoded("dtstart")


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
async def test_canteen_for_three_gives_receipt_calendar_file_and_qr(
    harness: BotHarness, services: Services, lang: str
) -> None:
    user = await person(harness, 5101, lang)
    t = tr(services, lang)
    slot = await slot_of(services.sessions, "d-canteen", 3, index=1)
    canteen = await venue(services, "d-canteen")
    kind = t("booking.kind.canteen")

    await user.send("/book")  # never booked for anyone else: "what?" at once
    assert user.last_text() == t("booking.ask_kind") and nav_ok(user, t)
    assert len(user.buttons()) == 6 + 2  # elder mode: five kinds and "more", then ⬅️ 🏠
    assert user.buttons()[5] == "6. " + t("nav.more")
    await user.choose(kind)
    d_town = await town_name(services, "D", lang)  # her own town: "where?" goes without saying
    assert user.last_text() == t("booking.ask_day", kind=kind, place=d_town)
    await user.press(t("nav.back"))  # … and is one ⬅️ away
    assert user.last_text() == t("booking.ask_place", kind=kind) and nav_ok(user, t)
    async with services.sessions() as session:
        centre = await session.get(ServiceCentre, canteen.centre_id)
    assert centre is not None
    assert user.button(d_town) == "1. " + t(
        "booking.place.town", town=d_town, centres=centre.name(lang)
    )
    await user.choose(d_town)
    assert user.last_text() == t("booking.ask_day", kind=kind, place=d_town)
    assert t("booking.day.nearest") in user.buttons() and nav_ok(user, t)
    await choose_day(user, t, slot_day(slot))
    day_words = format_day(slot_day(slot), lang)
    assert user.last_text() == t("booking.ask_slot", kind=kind, day=day_words)
    assert nav_ok(user, t)
    await choose_slot(user, t, slot, canteen.name(lang))
    assert user.last_text() == t("booking.ask_party.short") and nav_ok(user, t)  # elder mode
    assert user.buttons()[:4] == [
        *(f"{n}. " + t.n("booking.party.many", n, n=n) for n in (1, 2, 3, 4)),
    ]
    await user.choose(t.n("booking.party.many", 3, n=3))
    when = format_span(slot.starts_at, slot.ends_at, lang, services.settings.tz)
    assert user.last_text() == t.n(
        "booking.ask_confirm.short",
        3,
        venue=canteen.name(lang),
        centre=centre.name(lang),
        when=when,
        party=3,
    )
    assert nav_ok(user, t)
    assert await bookings(services) == []  # nothing is booked before the confirmation

    replies = await user.choose(t("booking.confirm.yes"))

    assert kinds(replies) == ["text", "document", "photo", "text"]
    [booking] = await bookings(services)
    assert booking.status == BookingStatus.CONFIRMED.value and booking.party_size == 3
    assert booking.slot_id == slot.id and booking.booked_by_id is None
    assert await taken(services, slot.id or 0) == 3
    receipt = str(replies[0]["text"])
    assert f"#{booking.id}" in receipt and when in receipt and canteen.name(lang) in receipt
    assert ics_start(replies[1]) == slot.starts_at
    assert replies[1]["file"]["file_name"] == f"booking-{booking.id}.ics"
    assert replies[1]["caption"] == t("booking.ics")
    assert replies[2]["file"]["bytes"].startswith(PNG) and replies[2]["caption"] == t("booking.qr")
    assert replies[3]["text"] == t("home.prompt")
    assert user.buttons()[0] == "1. " + t("menu.book")  # the main menu again
    async with services.sessions() as session:
        keys = (await session.execute(select(col(OutboxMessage.dedupe_key)))).scalars().all()
    assert sum(f"booking:{booking.id}:" in k for k in keys) == 2  # the 24 h and 2 h reminders


@pytest.mark.parametrize(
    ("lang", "code", "kind", "town"),
    [
        ("en", "d-health", "health_check", "D"),
        ("zh_CN", "d-mediation", "mediation_room", "D"),
        ("en", "q-activity", "activity_room", "Q"),
        ("zh_CN", "q-enterprise", "enterprise_guidance", "Q"),
    ],
)
async def test_single_place_kinds_go_from_slot_to_confirm(
    harness: BotHarness, services: Services, lang: str, code: str, kind: str, town: str
) -> None:
    user = await person(harness, 5102, lang)
    t = tr(services, lang)
    slot = await slot_of(services.sessions, code, 3)
    place = await venue(services, code)
    await to_day(user, services, t, kind, town)
    await choose_day(user, t, slot_day(slot))
    await choose_slot(user, t, slot, place.name(lang))
    assert user.last_text().startswith(opening(t, "booking.ask_confirm"))  # no party step
    replies = await user.choose(t("booking.confirm.yes"))
    assert kinds(replies) == ["text", "document", "photo", "text"]
    [booking] = await bookings(services)
    assert (booking.slot_id, booking.status) == (slot.id, BookingStatus.CONFIRMED.value)
    assert await taken(services, slot.id or 0) == 1
    if place.capacity == 1:  # the room is gone from that day's list now
        await to_day(user, services, t, kind, town)
        await choose_day(user, t, slot_day(slot))
        assert not any(
            f"{slot.starts_at.astimezone(services.settings.tz):%H:%M}–" in b for b in user.buttons()
        )


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
async def test_the_hall_needs_approval_so_the_receipt_says_pending(
    harness: BotHarness, services: Services, lang: str
) -> None:
    user = await person(harness, 5103, lang)
    t = tr(services, lang)
    slot = await slot_of(services.sessions, "q-hall", 3)
    hall = await venue(services, "q-hall")
    await to_day(user, services, t, "hall", "Q")
    assert len(user.buttons()) == 4 + 1 + 1 + 2  # elder mode: days, more days, nearest, ⬅️ 🏠
    await choose_day(user, t, slot_day(slot))
    await choose_slot(user, t, slot, hall.name(lang))
    replies = await user.choose(t("booking.confirm.yes"))
    assert kinds(replies) == ["text", "document", "text"]  # no check-in code before approval
    [booking] = await bookings(services)
    assert booking.status == BookingStatus.PENDING_APPROVAL.value
    pending_first_line = t.n(
        "booking.receipt.pending_approval",
        1,
        id=booking.id,
        venue="",
        centre="",
        when="",
        party="",
        address="",
        directions="",
        access="",
    ).split("\n")[0]
    assert str(replies[0]["text"]).split("\n")[0] == pending_first_line


async def test_the_hall_is_offered_in_q_town_and_any_centre_only(
    harness: BotHarness, services: Services
) -> None:
    user = await person(harness, 5104)
    t = tr(services, "zh_CN")
    await to_day(user, services, t, "hall", "any")
    await user.choose(t("nav.back"))
    q_town = await town_name(services, "Q", "zh_CN")
    assert [b.split(". ", 1)[1].split("：")[0] for b in user.buttons()[:-2]] == [
        q_town,
        t("booking.place.any"),
    ]


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
async def test_any_centre_lists_both_towns_sorted_by_time(
    harness: BotHarness, services: Services, lang: str
) -> None:
    user = await person(harness, 5105, lang)
    t = tr(services, lang)
    d_slot = await slot_of(services.sessions, "d-canteen", 3)
    d_centre, q_centre = await centre_names(services, lang)
    await to_day(user, services, t, "canteen", "any")
    assert user.last_text() == t(
        "booking.ask_day", kind=t("booking.kind.canteen"), place=t("booking.place.any.short")
    )
    await choose_day(user, t, slot_day(d_slot))

    labels = user.buttons()[:-2]
    assert len(labels) == 4  # two meals a day in each town
    assert [d_centre in b for b in labels] == [True, False, True, False]
    assert [q_centre in b for b in labels] == [False, True, False, True]
    times = [b.split(". ", 1)[1].split(" ", 1)[0] for b in labels]
    assert times == sorted(times)


async def test_nearest_free_times_skip_what_the_lead_time_forbids(
    harness: BotHarness, services: Services
) -> None:
    user = await person(harness, 5106, "en")
    t = tr(services, "en")
    d_centre, q_centre = await centre_names(services, "en")
    await to_day(user, services, t, "canteen", "any")
    await user.press(t("booking.day.nearest"))
    assert user.last_text() == t("booking.ask_slot.nearest", kind=t("booking.kind.canteen"))
    labels = user.buttons()[:-2]
    assert labels[-1] == "6. " + t("nav.more") and len(labels) == 6  # elder mode: 5 a page
    assert any(d_centre in b for b in labels) and any(q_centre in b for b in labels)
    lead = timedelta(minutes=(await venue(services, "d-canteen")).lead_time_minutes)
    async with services.sessions() as session:
        soonest = (
            (
                await session.execute(
                    select(Slot)
                    .where(col(Slot.venue_id).in_(await canteen_ids(services)))
                    .where(col(Slot.starts_at) >= utcnow() + lead)
                    .order_by(col(Slot.starts_at), col(Slot.venue_id))
                )
            )
            .scalars()
            .first()
        )
    assert soonest is not None
    when = format_span(soonest.starts_at, soonest.ends_at, "en", services.settings.tz)
    assert labels[0].startswith(f"1. {when} ")
    await user.press(labels[0])
    assert user.last_text() == t("booking.ask_party.short")  # bookable: no rule refused it
    await user.choose(t("nav.back"))
    assert user.last_text() == t("booking.ask_slot.nearest", kind=t("booking.kind.canteen"))


async def canteen_ids(services: Services) -> list[int]:
    """Both canteens' venue ids."""
    return [(await venue(services, code)).id or 0 for code in ("d-canteen", "q-canteen")]


async def centre_names(services: Services, lang: str) -> tuple[str, str]:
    """The D and Q centres' names."""
    async with services.sessions() as session:
        rows = (
            (await session.execute(select(ServiceCentre).order_by(col(ServiceCentre.code))))
            .scalars()
            .all()
        )
    return rows[0].name(lang), rows[1].name(lang)


async def test_english_says_one_person_not_one_people(
    harness: BotHarness, services: Services
) -> None:
    user = await person(harness, 5110, "en")
    t = tr(services, "en")
    slot = await slot_of(services.sessions, "d-canteen", 3)
    await to_day(user, services, t, "canteen", "D")
    await choose_day(user, t, slot_day(slot))
    await choose_slot(user, t, slot, (await venue(services, "d-canteen")).name("en"))
    assert user.buttons()[:2] == ["1. 1 person", "2. 2 people"]
    await user.choose("1 person")
    assert user.last_text().endswith("\n👥 1 person")  # elder mode: no instruction below
    replies = await user.choose(t("booking.confirm.yes"))
    assert "\n👥 1 person\n" in str(replies[0]["text"])  # the receipt
