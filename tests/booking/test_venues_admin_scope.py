"""/venues is scoped: a town admin sees and edits only their town, forged taps are refused, and
residents and volunteers are not let in."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlmodel import col

from bot.context import Services
from bot.i18n import Translator
from models.booking.calendar import Blackout
from models.booking.slots import Slot
from models.core.authz import Role, grant_role
from models.core.places import Venue
from tests.authz.authz_cast import forge_tap
from tests.booking.booking_support import slot_of
from tests.booking.venues_admin_support import (
    RESIDENT,
    VOLUNTEER,
    button_data,
    counts,
    current,
    fetch,
    open_card,
    q_admin,
    venue,
)
from tests.factories import make_person
from tests.harness import BotHarness


async def test_q_admin_sees_only_q_and_forged_d_taps_are_refused(
    harness: BotHarness, services: Services
) -> None:
    t = services.i18n.translator("zh_CN")
    admin = await q_admin(harness, services)
    d_canteen = await venue(services, "d-canteen")
    q_hall = await venue(services, "q-hall")
    d_slot = await slot_of(services.sessions, "d-canteen", 2)
    async with services.sessions() as session, session.begin():
        assert d_canteen.id is not None
        day = date(2027, 1, 1)
        blackout = Blackout(venue_id=d_canteen.id, first_day=day, last_day=day, reason_zh="修")
        session.add(blackout)
    await admin.send("/venues")  # one centre: its venues straight away
    assert "🏢 Q镇党群服务中心（新馆）" in admin.last_text()
    shown = [d for d in button_data(current(admin)) if d.startswith("va:v:")]
    async with services.sessions() as session:
        q_ids = (
            await session.execute(select(col(Venue.id)).where(col(Venue.code).startswith("q-")))
        ).scalars()
        assert sorted(shown) == sorted(f"va:v:{i}" for i in q_ids)
    before = await counts(services)
    forged = [
        f"va:v:{d_canteen.id}",
        f"va:c:{d_canteen.centre_id}",
        f"va:t:{d_canteen.id}:appr",
        f"va:n:{d_canteen.id}:cap",
        f"va:hd:{d_canteen.id}:0",
        f"va:g:{d_canteen.id}",
        f"va:bd:{d_canteen.id}:{blackout.id}",
        f"va:s:{d_slot.id}",
        f"va:so:{d_slot.id}:1",
        f"va:sc:{d_slot.id}",
    ]
    for data in forged:
        answers = len(admin.state.callback_answers(admin.id))
        await forge_tap(admin, data)
        answer = admin.state.callback_answers(admin.id)[answers:]
        assert [(a["text"], a["show_alert"]) for a in answer] == [(t("error.not_allowed"), True)], (
            data
        )
    for data in (
        f"va:bd:{q_hall.id}:{blackout.id}",
        "va:v:999999",
        "va:c:77",
        f"va:sl:{q_hall.id}:20261399",
        "va:x",
    ):
        await forge_tap(admin, data)
        assert admin.state.callback_answers(admin.id)[-1]["text"] == t("error.not_found"), data
    await admin.send("5")  # no question was opened by the forged taps
    assert await counts(services) == before
    d_after = await fetch(services, Venue, d_canteen.id)
    assert (d_after.needs_approval, d_after.capacity) == (False, 40)
    assert (await fetch(services, Slot, d_slot.id)).closed is False
    await open_card(admin, q_hall)  # their own town's venue opens
    assert "🏢 多功能大厅" in admin.last_text()


async def test_residents_and_volunteers_are_not_let_in(
    harness: BotHarness, services: Services
) -> None:
    t: Translator = services.i18n.translator("en")
    await make_person(services.sessions, RESIDENT, language="en")
    volunteer = await make_person(services.sessions, VOLUNTEER, language="en")
    assert volunteer.id is not None and volunteer.town_id is not None
    async with services.sessions() as session, session.begin():
        await grant_role(session, volunteer.id, Role.VOLUNTEER, volunteer.town_id)
    canteen = await venue(services, "d-canteen")
    before = await counts(services)
    for user_id in (RESIDENT, VOLUNTEER):
        user = harness.user(user_id, language_code="en")
        await user.send("/venues")
        assert user.last_text() == t("error.not_allowed")
        await forge_tap(user, f"va:t:{canteen.id}:appr")
        await forge_tap(user, f"va:n:{canteen.id}:cap")
        answers = user.state.callback_answers(user.id)[-2:]
        assert [a["text"] for a in answers] == [t("error.not_allowed")] * 2
        await user.send("1")
        assert user.last_text() != t("venues_admin.error.number", low=1, high=1000)
    assert (await fetch(services, Venue, canteen.id)).needs_approval is False
    assert await counts(services) == before
