"""No-shows: the booking job marks them after the grace time; /noshows shows repeat cases to the
admins of the venue's town."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlmodel import col

from bot.context import Services
from jobs.booking import tick_once
from models.booking.bookings import Booking, BookingStatus
from models.core.authz import Role
from models.core.places import Community
from tests.booking.booking_staff_support import LANGS, booking_of, staff
from tests.booking.checkin_support import confirmed, slot_now
from tests.conftest import ADMIN_ID
from tests.factories import make_person
from tests.harness import BotHarness

RESIDENT, NEIGHBOUR, D_ADMIN, Q_ADMIN = 9301, 9302, 9303, 9304


async def test_tick_marks_unchecked_bookings_as_no_shows(services: Services) -> None:
    await make_person(services.sessions, RESIDENT)
    await make_person(services.sessions, NEIGHBOUR, name="李伯伯")
    slot = await slot_now(services, "d-canteen")
    missed = await confirmed(services, RESIDENT, slot.id or 0)
    came = await confirmed(services, NEIGHBOUR, slot.id or 0)
    async with services.sessions() as session, session.begin():
        attended = await session.get(Booking, came.id)
        assert attended is not None
        attended.status = BookingStatus.ATTENDED.value

    early = await tick_once(services, now=slot.starts_at + timedelta(minutes=20))
    assert early["no_shows"] == 0, "within the 30-minute grace time"
    assert (await booking_of(services, missed.id or 0)).status == BookingStatus.CONFIRMED.value

    counts = await tick_once(services, now=slot.starts_at + timedelta(hours=1))

    assert counts["no_shows"] == 1
    assert (await booking_of(services, missed.id or 0)).status == BookingStatus.NO_SHOW.value
    assert (await booking_of(services, came.id or 0)).status == BookingStatus.ATTENDED.value
    again = await tick_once(services, now=slot.starts_at + timedelta(hours=2))
    assert again["no_shows"] == 0, "running twice is harmless"


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
async def test_noshows_lists_repeat_cases_for_the_towns_admins(
    harness: BotHarness, services: Services, lang: str
) -> None:
    t = services.i18n.translator(lang)
    await make_person(services.sessions, RESIDENT, name="王阿姨", community_code="d-hongmei")
    await make_person(services.sessions, NEIGHBOUR, name="李伯伯")
    await staff(services, D_ADMIN, Role.ADMIN, "D", name="管理员陈", language=lang)
    await staff(services, Q_ADMIN, Role.ADMIN, "Q", name="管理员周", language=lang)
    d_admin = harness.user(D_ADMIN, language_code=LANGS[lang])
    q_admin = harness.user(Q_ADMIN, language_code=LANGS[lang])

    await d_admin.send("/noshows")
    assert d_admin.last_text() == t.n("noshows.empty", 90, days=90)

    earlier, latest = (
        await slot_now(services, "d-canteen", 2),
        await slot_now(services, "d-canteen"),
    )
    for slot in (earlier, latest):
        await confirmed(services, RESIDENT, slot.id or 0)
    await confirmed(services, NEIGHBOUR, latest.id or 0)  # one miss only: not listed
    counts = await tick_once(services, now=latest.starts_at + timedelta(hours=1))
    assert counts["no_shows"] == 3

    await d_admin.send("/noshows")

    async with services.sessions() as session:
        hongmei = (
            await session.execute(select(Community).where(col(Community.code) == "d-hongmei"))
        ).scalar_one()
    text = d_admin.last_text()
    assert text.split("\n") == [
        t.n("noshows.title", 1, days=90, count=1),
        t.n("noshows.line", 2, n=1, name="王阿姨", community=hongmei.name(lang), times=2),
    ]
    assert "李伯伯" not in text
    if lang == "en":
        assert text.startswith("⚠️ In the last 90 days 1 resident booked")
        assert t.n("noshows.line", 1, n=1, name="X", community="Y", times=1).endswith("1 time")

    await q_admin.send("/noshows")  # the misses were at D venues
    assert q_admin.last_text() == t.n("noshows.empty", 90, days=90)
    await make_person(services.sessions, ADMIN_ID, name="总管理员", language=lang)
    both = harness.user(ADMIN_ID, language_code=LANGS[lang])
    await both.send("/noshows")
    assert both.last_text() == text


async def test_residents_and_volunteers_may_not_see_no_shows(
    harness: BotHarness, services: Services
) -> None:
    t = services.i18n.translator("zh_CN")
    await make_person(services.sessions, RESIDENT)
    await staff(services, NEIGHBOUR, Role.VOLUNTEER, "D", name="志愿者小李")
    for tg in (RESIDENT, NEIGHBOUR):
        user = harness.user(tg)
        await user.send("/noshows")
        assert user.last_text() == t("error.not_allowed")
