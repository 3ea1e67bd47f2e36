"""Check-in through the real Application: the day's list and roster, per town, and the ``ci:``
buttons (the receipt's QR code: test_checkin_qr.py)."""

from __future__ import annotations

from datetime import datetime

import pytest

from bot.context import Services
from bot.timefmt import format_clock, format_day, format_span
from models.booking import CHECK_IN
from models.booking.bookings import BookingStatus
from models.core.authz import Role
from tests.authz.authz_cast import forge_tap
from tests.booking.booking_staff_support import (
    LANGS,
    booking_of,
    current,
    inline,
    last_answer,
    staff,
)
from tests.booking.checkin_support import confirmed, describe, rating_asks, slot_now
from tests.conftest import ADMIN_ID
from tests.factories import make_person
from tests.harness import BotHarness

VOLUNTEER, RESIDENT, NEIGHBOUR, Q_RESIDENT = 9201, 9203, 9204, 9205


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
    assert volunteer.last_text().startswith(t("help.text"))
    assert (await booking_of(services, q_booking.id or 0)).status == BookingStatus.CONFIRMED.value


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
