"""Check-in by the receipt's QR code (``/start ci_<code>``) scanned by a volunteer; out-of-town
staff, residents, unknown codes and other days are refused."""

from __future__ import annotations

import pytest

from bot.context import Services
from bot.timefmt import format_clock
from models.booking import CodeRefused, StaffOnly, check_in_with_code
from models.booking.bookings import BookingStatus
from models.core.authz import Role, scopes_of
from tests.booking.booking_staff_support import LANGS, booking_of, staff
from tests.booking.booking_support import slot_of
from tests.booking.checkin_support import confirmed, describe, scan, slot_now
from tests.factories import make_person
from tests.harness import BotHarness

VOLUNTEER, Q_VOLUNTEER, RESIDENT, NEIGHBOUR = 9201, 9202, 9203, 9204


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
