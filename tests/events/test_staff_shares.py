"""Changing an event's town quotas and its question's answers in the bot, in both languages: a
quota below what the town holds is refused politely, a raised one offers the freed place to the
line; an answer is added, renamed (its choosers told, their reminders planned again) and
removed, but one somebody chose is kept (docs/events.md); forged ids change nothing."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest

from bot.context import Services
from models.core.authz import Role
from models.core.base import utcnow
from models.core.outbox import OutboxStatus
from models.events import EventQuota, QuotaBelowTaken, RegStatus, set_quota
from tests.booking.booking_staff_support import LANGS, staff
from tests.events.events_support import ADMIN, make_event, people, person, towns
from tests.events.resident_support import registrations
from tests.events.staff_support import (
    inline_data,
    last,
    names_of_towns,
    now_of,
    options,
    outbox,
    quotas,
)
from tests.harness import BotHarness, SimUser

ADMIN_TG, Q_ADMIN_TG = 9651, 9652


async def _register(
    services: Services, person_id: int, event_id: int, option_id: int | None = None
) -> int:
    from models.events import register

    async with services.sessions() as session, session.begin():
        made = await register(
            session, person=await person(session, person_id), event_id=event_id,
            option_id=option_id,
        )  # fmt: skip
        return made.registration.id or 0


async def _to(user: SimUser, event_id: int, *taps: str) -> None:
    """From /eventadmin to the event's card, then each tap on the screen shown."""
    await user.send("/eventadmin")
    screen = last(user)
    for data in (f"evm:e:{event_id}", f"evm:ed:{event_id}", *taps):
        assert data in inline_data(now_of(user, screen)), (data, now_of(user, screen)["text"])
        await user.tap(screen, data)


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
async def test_a_towns_quota_changes_within_what_it_holds(
    harness: BotHarness, services: Services, lang: str
) -> None:
    t = services.i18n.translator(lang)
    await staff(services, ADMIN_TG, Role.ADMIN, "D", name="管理员老张", language=lang)
    event_id = await make_event(services.sessions, capacity=10, quotas={"D": 2, "Q": 5})
    ids = await towns(services.sessions)
    d_people = await people(services.sessions, "D", 80_500, 3)
    for p in d_people:
        await _register(services, p, event_id)
    *_, waiting = await registrations(services)
    assert waiting.status == RegStatus.WAITLISTED.value  # D town's two places are taken
    user = harness.user(ADMIN_TG, language_code=LANGS[lang])

    await _to(user, event_id, f"evm:q:{event_id}", f"evm:qt:{event_id}:{ids['D']}")
    town = (await names_of_towns(services, lang))[ids["D"]]
    assert user.last_text().startswith(t("events_staff.quota.ask", town=town, now="2", taken=2))
    await user.send("1")  # below the two places D town holds: refused, nothing changed
    assert user.last_text().startswith(t.n("events.error.quota_below_taken", 2, taken=2))
    await user.send("6")  # 6 + Q's 5 is more than the 10 places
    assert user.last_text().startswith(t("events_staff.invalid.quotas"))
    await user.sticker()
    assert user.last_text().startswith(t("events_staff.again.quota"))
    assert (await quotas(services, event_id))[ids["D"]] == 2

    await user.send("3")
    assert (await quotas(services, event_id))[ids["D"]] == 3
    saved = t("events_staff.quota.saved", quota=3)
    assert user.last_text().startswith(f"{saved}\n{t.n('events_staff.quota.offered', 1, n=1)}")
    assert (await registrations(services))[-1].status == RegStatus.OFFERED.value
    assert await outbox(services, f"event:{event_id}:reg:{waiting.id}:offer")

    screen = last(user)  # Q town: no limit of its own (a button on its question)
    await user.tap(screen, f"evm:qt:{event_id}:{ids['Q']}")
    await user.tap(screen, f"evm:qn:{event_id}:{ids['Q']}")
    assert ids["Q"] not in await quotas(services, event_id)
    assert now_of(user, screen)["text"].startswith(t("events_staff.quota.saved_free"))
    await user.tap(screen, f"evm:qt:{event_id}:{ids['D']}")  # the same, typed in words
    await user.send(t("events_staff.opt.no_limit"))
    assert await quotas(services, event_id) == {}


async def test_a_new_quota_row_counts_what_the_town_holds(services: Services) -> None:
    event_id = await make_event(services.sessions, capacity=10)
    ids = await towns(services.sessions)
    for p in await people(services.sessions, "Q", 80_600, 3):
        await _register(services, p, event_id)
    async with services.sessions() as session, session.begin():
        with pytest.raises(QuotaBelowTaken):
            await set_quota(
                session, event_id=event_id, town_id=ids["Q"], quota=2, by=None, scopes=ADMIN
            )
    async with services.sessions() as session, session.begin():
        await set_quota(
            session, event_id=event_id, town_id=ids["Q"], quota=4, by=None, scopes=ADMIN
        )
    async with services.sessions() as session:
        row = await session.get(EventQuota, (event_id, ids["Q"]))
    assert row is not None and (row.quota, row.taken) == (4, 3)


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
async def test_the_questions_answers_are_added_renamed_and_removed(
    harness: BotHarness, services: Services, lang: str
) -> None:
    t, tz = services.i18n.translator(lang), services.settings.tz
    await staff(services, ADMIN_TG, Role.ADMIN, "D", name="管理员老张", language=lang)
    # At 10:00 four days on, whatever the hour now: a pick-up time typed alone belongs to the
    # event's day, and an event just after midnight would have its first stop the day before.
    ten = datetime.combine(utcnow().astimezone(tz).date(), time(10), tz)
    event_id = await make_event(services.sessions, ride=True, starts_in=timedelta(days=4), now=ten)
    stop, no_ride = await options(services, event_id)
    (rider,) = await people(services.sessions, "D", 80_700, 1)
    registration_id = await _register(services, rider, event_id, option_id=stop.id)
    old_reminders = {
        r.dedupe_key for r in await outbox(services, f"reminder:event:{registration_id}:")
    }
    user = harness.user(ADMIN_TG, language_code=LANGS[lang])

    await _to(user, event_id, f"evm:o:{event_id}", f"evm:oa:{event_id}")
    await user.send("一\n二")  # two lines: one answer is wanted
    assert user.last_text().startswith(t("events_staff.again.option"))
    await user.sticker()
    assert user.last_text().startswith(t("events_staff.again.option"))
    assert len(await options(services, event_id)) == 2
    await user.send("界河站 / Border stop 08:15")
    assert user.last_text().startswith(t("events_staff.option.added"))
    *_, added = await options(services, event_id)
    day = stop.pickup_at.astimezone(tz).date() if stop.pickup_at else None
    assert (added.label_zh, added.label_en, added.ride) == ("界河站", "Border stop", True)
    assert added.pickup_at is not None and added.pickup_at.astimezone(tz).date() == day
    assert f"{added.pickup_at.astimezone(tz):%H:%M}" == "08:15"

    screen = last(user)
    await user.tap(screen, f"evm:oe:{event_id}:{stop.id}")
    await user.tap(screen, f"evm:or:{event_id}:{stop.id}")
    await user.send("长江新村北门 / Changjiang north gate 08:40")
    assert user.last_text().startswith(t.n("events_staff.option.renamed", 1, told=1))
    renamed = (await options(services, event_id))[0]
    assert (renamed.id, renamed.label_zh) == (stop.id, "长江新村北门")
    [notice] = await outbox(services, f"event:{event_id}:changed:")
    assert notice.person_id == rider and notice.payload["msgid"] == "events.changed.option"
    rows = await outbox(services, f"reminder:event:{registration_id}:")
    assert all(
        r.status == OutboxStatus.CANCELLED.value for r in rows if r.dedupe_key in old_reminders
    )
    fresh = [r for r in rows if r.dedupe_key not in old_reminders]
    assert fresh and all(":r1:" in r.dedupe_key for r in fresh)
    assert "长江新村北门" in str(fresh[0].payload)

    screen = last(user)  # remove the renamed one: somebody chose it, so it is kept
    await user.tap(screen, f"evm:oe:{event_id}:{stop.id}")
    await user.tap(screen, f"evm:ox:{event_id}:{stop.id}")
    asked = inline_data(now_of(user, screen))
    assert asked[:2] == [f"evm:oe:{event_id}:{stop.id}", f"evm:oxx:{event_id}:{stop.id}"]
    await user.tap(screen, f"evm:oxx:{event_id}:{stop.id}")
    assert now_of(user, screen)["text"].startswith(t.n("events.error.option_chosen", 1, chosen=1))
    assert len(await options(services, event_id)) == 3
    await user.tap(screen, f"evm:o:{event_id}")  # the new one nobody chose goes
    await user.tap(screen, f"evm:oe:{event_id}:{added.id}")
    await user.tap(screen, f"evm:ox:{event_id}:{added.id}")
    await user.tap(screen, f"evm:oxx:{event_id}:{added.id}")
    assert now_of(user, screen)["text"].startswith(t("events_staff.option.removed"))
    assert [o.id for o in await options(services, event_id)] == [stop.id, no_ride.id]
    assert (await registrations(services))[0].option_id == stop.id


@pytest.mark.parametrize(
    "data",
    ["evm:q:{e}", "evm:qt:{e}:{d}", "evm:qn:{e}:{d}", "evm:o:{e}", "evm:oa:{e}",
     "evm:or:{e}:{o}", "evm:oxx:{e}:{o}", "evm:oxx:{mine}:{o}"],
)  # fmt: skip
async def test_forged_quota_and_answer_taps_change_nothing(
    harness: BotHarness, services: Services, data: str
) -> None:
    t = services.i18n.translator("zh_CN")
    await staff(services, Q_ADMIN_TG, Role.ADMIN, "Q", name="管理员小周")
    event_id = await make_event(services.sessions, ride=True, quotas={"D": 5})  # D town's
    ids = await towns(services.sessions)
    _stop, no_ride = await options(services, event_id)
    mine = await make_event(services.sessions, code="q-town", ride=True)
    async with services.sessions() as session, session.begin():  # Q town hosts this one
        from models.events import Event

        row = await session.get(Event, mine)
        assert row is not None
        row.host_town_id, row.cohost_town_id = ids["Q"], None
    before = (
        await quotas(services, event_id),
        [o.model_dump() for o in await options(services, event_id)],
    )
    user = harness.user(Q_ADMIN_TG, language_code="zh-hans")
    await user.send("/eventadmin")

    await user.forge_tap(data.format(e=event_id, d=ids["D"], o=no_ride.id, mine=mine))
    if "{e}" in data:  # the other town's event: refused with an alert
        answer = user.state.callback_answers(user.id)[-1]
        assert answer["show_alert"] and answer["text"] == t("error.not_allowed")
    else:  # another event's answer named from my event: refused as well
        answer = user.state.callback_answers(user.id)[-1]
        assert answer["text"] == t("error.not_allowed")
    await user.send("1")  # no question is waiting for this answer
    after = (
        await quotas(services, event_id),
        [o.model_dump() for o in await options(services, event_id)],
    )
    assert after == before


async def test_more_places_are_offered_to_the_line_at_once(services: Services) -> None:
    from models.events import edit_event

    event_id = await make_event(services.sessions, capacity=1)
    first, second = await people(services.sessions, "D", 80_800, 2)
    await _register(services, first, event_id)
    await _register(services, second, event_id)
    async with services.sessions() as session, session.begin():
        await edit_event(session, event_id=event_id, changes={"capacity": 2}, by=None, scopes=ADMIN)
    statuses = [r.status for r in await registrations(services)]
    assert statuses == [RegStatus.CONFIRMED.value, RegStatus.OFFERED.value]
