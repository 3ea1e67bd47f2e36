"""Every booking rule refused through the flow, with its translated reason; nothing is booked."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest

from bot.context import Services
from bot.i18n import Translator
from bot.timefmt import format_day
from models.booking import Slot, book
from models.core.people import find_person
from tests.booking.booking_support import local_today, slot_of
from tests.booking.test_booking_flow_helpers import (
    bookings,
    choose_day,
    choose_slot,
    nav_ok,
    person,
    set_venue,
    slot_day,
    taken,
    to_day,
    town_name,
    tr,
    venue,
)
from tests.harness import BotHarness, SimUser

LANGS = ["zh_CN", "en"]


async def _pick(
    user: SimUser, services: Services, t: Translator, code: str, kind: str, town: str, slot: Slot
) -> None:
    place = await venue(services, code)
    await to_day(user, services, t, kind, town)
    await choose_day(user, t, slot_day(slot))
    await choose_slot(user, t, slot, place.name(t.language))


def _ask_slot(t: Translator, kind: str, slot: Slot) -> str:
    return t("booking.ask_slot", kind=t(f"booking.kind.{kind}"), day=_day(t, slot))


def _day(t: Translator, slot: Slot) -> str:
    return format_day(slot_day(slot), t.language)


async def _unchanged(services: Services, slot: Slot) -> None:
    assert await bookings(services) == []
    assert await taken(services, slot.id or 0) == slot.taken


@pytest.mark.parametrize("lang", LANGS)
async def test_lead_time(harness: BotHarness, services: Services, lang: str) -> None:
    user, t = await person(harness, 5201, lang), tr(services, lang)
    await set_venue(services, "d-canteen", lead_time_minutes=10 * 24 * 60)
    slot = await slot_of(services.sessions, "d-canteen", 3)
    await _pick(user, services, t, "d-canteen", "canteen", "D", slot)
    reason = t.n("booking.error.lead_time", 240, hours="240")
    assert user.last_text() == reason + "\n\n" + _ask_slot(t, "canteen", slot)
    assert nav_ok(user, t)
    await _unchanged(services, slot)


@pytest.mark.parametrize("lang", LANGS)
async def test_lead_time_checked_again_at_confirm(
    harness: BotHarness, services: Services, lang: str
) -> None:
    user, t = await person(harness, 5202, lang), tr(services, lang)
    slot = await slot_of(services.sessions, "d-health", 3)
    await _pick(user, services, t, "d-health", "health_check", "D", slot)
    assert t("booking.confirm.yes") in user.buttons()[0]
    await set_venue(services, "d-health", lead_time_minutes=10 * 24 * 60)  # changed meanwhile
    await user.choose(t("booking.confirm.yes"))
    reason = t.n("booking.error.lead_time", 240, hours="240")
    assert user.last_text() == reason + "\n\n" + _ask_slot(t, "health_check", slot)
    await _unchanged(services, slot)


@pytest.mark.parametrize("lang", LANGS)
async def test_horizon(harness: BotHarness, services: Services, lang: str) -> None:
    # Elder mode off: its day pages (six days) reach past the canteen's 7 days ahead, so a day
    # beyond can be picked (elder mode's four a page stop at the horizon).
    user, t = await person(harness, 5203, lang, elder=False), tr(services, lang)
    slot = await slot_of(services.sessions, "d-canteen", 9)  # the canteen takes 7 days ahead
    await _pick(user, services, t, "d-canteen", "canteen", "D", slot)
    reason = t.n("booking.error.horizon", 7, days=7)
    assert user.last_text().startswith(reason + "\n\n")
    assert user.last_text().endswith(
        t(
            "booking.ask_day",
            kind=t("booking.kind.canteen"),
            place=await town_name(services, "D", lang),
        )
    )
    assert nav_ok(user, t)
    await _unchanged(services, slot)


@pytest.mark.parametrize("lang", LANGS)
async def test_quota(harness: BotHarness, services: Services, lang: str) -> None:
    user, t = await person(harness, 5204, lang), tr(services, lang)
    held = await slot_of(services.sessions, "d-health", 3)
    async with services.sessions() as session, session.begin():
        me = await find_person(session, 5204)
        assert me is not None
        await book(session, me, held.id or 0)  # the health check allows one at a time
    slot = await slot_of(services.sessions, "d-health", 4)
    before = await bookings(services)
    await _pick(user, services, t, "d-health", "health_check", "D", slot)
    reason = t.n("booking.error.quota", 1, max=1)
    assert user.last_text() == reason + "\n\n" + t("booking.ask_kind")
    assert await bookings(services) == before
    assert await taken(services, slot.id or 0) == slot.taken


@pytest.mark.parametrize("lang", LANGS)
async def test_blackout_day_says_why(harness: BotHarness, services: Services, lang: str) -> None:
    user, t = await person(harness, 5205, lang, town="Q"), tr(services, lang)
    await to_day(user, services, t, "activity_room", "Q")
    await choose_day(user, t, local_today() + timedelta(days=9))  # maintenance in Q town
    reason = t("booking.error.blackout", reason="设备检修" if lang == "zh_CN" else "maintenance")
    place = await town_name(services, "Q", lang)
    ask_day = t("booking.ask_day", kind=t("booking.kind.activity_room"), place=place)
    assert user.last_text() == reason + "\n\n" + ask_day
    assert nav_ok(user, t)
    assert await bookings(services) == []


@pytest.mark.parametrize("lang", LANGS)
async def test_opening_hours(harness: BotHarness, services: Services, lang: str) -> None:
    user, t = await person(harness, 5206, lang), tr(services, lang)
    day = slot_day(await slot_of(services.sessions, "d-activity", 3))
    activity = await venue(services, "d-activity")
    starts = datetime.combine(day, time(20), services.settings.tz)  # the room closes at 17:00
    async with services.sessions() as session, session.begin():
        late = Slot(
            venue_id=activity.id or 0,
            starts_at=starts,
            ends_at=starts + timedelta(hours=1),
            capacity=1,
        )
        session.add(late)
    await _pick(user, services, t, "d-activity", "activity_room", "D", late)
    reason = t("booking.error.hours")
    assert user.last_text() == reason + "\n\n" + _ask_slot(t, "activity_room", late)
    await _unchanged(services, late)


@pytest.mark.parametrize("lang", LANGS)
async def test_other_town_policy(harness: BotHarness, services: Services, lang: str) -> None:
    user, t = await person(harness, 5207, lang), tr(services, lang)
    await set_venue(services, "q-canteen", other_town_allowed=False)
    slot = await slot_of(services.sessions, "q-canteen", 3)
    await _pick(user, services, t, "q-canteen", "canteen", "Q", slot)
    q_town = await town_name(services, "Q", lang)
    reason = t("booking.error.other_town", town=q_town)
    assert user.last_text() == reason + "\n\n" + t(
        "booking.ask_place", kind=t("booking.kind.canteen")
    )
    assert nav_ok(user, t)
    await _unchanged(services, slot)


async def test_a_count_of_one_reads_in_the_singular(
    harness: BotHarness, services: Services
) -> None:
    user, t = await person(harness, 5208, "en"), tr(services, "en")
    await set_venue(services, "d-canteen", horizon_days=1)
    slot = await slot_of(services.sessions, "d-canteen", 3)
    await _pick(user, services, t, "d-canteen", "canteen", "D", slot)
    assert user.last_text().startswith(
        "📅 This place takes bookings at most 1 day ahead. Please choose a nearer day.\n\n"
    )
    await _unchanged(services, slot)
