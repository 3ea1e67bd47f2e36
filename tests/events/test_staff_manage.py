"""Managing events through the real Application: changing the time tells registrants and plans
their reminders again; cancelling (asked first) tells each registrant and proxy once; forged
taps naming another town's event change nothing."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest

from bot.context import Services
from models.core.authz import Role
from models.core.outbox import OutboxStatus
from models.events import EventStatus, register
from tests.booking.booking_staff_support import LANGS, staff
from tests.events.events_support import make_event, people, person
from tests.events.staff_support import event_of, inline_data, last, now_of, outbox
from tests.harness import BotHarness

ADMIN_TG, Q_ADMIN_TG = 9611, 9612


async def _signed_up(services: Services, event_id: int) -> tuple[list[int], int]:
    """Two residents signed up by a proxy and one by herself."""
    residents = await people(services.sessions, "D", 76_000, 3)
    (proxy,) = await people(services.sessions, "Q", 77_000, 1)
    async with services.sessions() as session, session.begin():
        for n, resident in enumerate(residents):
            await register(
                session, person=await person(session, resident), event_id=event_id,
                booked_by=await person(session, proxy) if n < 2 else None, resident_agreed=True,
            )  # fmt: skip
    return residents, proxy


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
async def test_changing_the_time_tells_registrants_and_replans_reminders(
    harness: BotHarness, services: Services, lang: str
) -> None:
    t, tz = services.i18n.translator(lang), services.settings.tz
    await staff(services, ADMIN_TG, Role.ADMIN, "D", name="管理员老张", language=lang)
    event_id = await make_event(services.sessions, starts_in=timedelta(days=4))
    residents, proxy = await _signed_up(services, event_id)
    old = {r.dedupe_key for r in await outbox(services, "reminder:event:")}
    assert old and all(":r0:" in key for key in old)
    before = await event_of(services, event_id)
    user = harness.user(ADMIN_TG, language_code=LANGS[lang])

    await user.send("/eventadmin")
    await user.tap(last(user), f"evm:e:{event_id}")
    card = last(user)
    assert f"evm:ed:{event_id}" in inline_data(now_of(user, card))
    await user.tap(card, f"evm:ed:{event_id}")
    assert f"evm:f:{event_id}:when" in inline_data(now_of(user, card))
    await user.tap(card, f"evm:f:{event_id}:when")
    assert now_of(user, card)["text"] == t("events_staff.edit.ask.when")
    await user.send("不知道")  # not a day and a time: asked again, nothing changed
    assert user.last_text().startswith(t("events_staff.again.day_time"))
    assert (await event_of(services, event_id)).starts_at == before.starts_at
    moved = (before.starts_at + timedelta(days=1)).astimezone(tz)
    await user.send(f"{moved:%Y-%m-%d} {moved:%H:%M}")

    after = await event_of(services, event_id)
    assert after.starts_at == moved.replace(second=0, microsecond=0)
    assert after.ends_at - after.starts_at == before.ends_at - before.starts_at
    assert user.last_text().startswith(t("events_staff.edited"))
    told = Counter(r.person_id for r in await outbox(services, f"event:{event_id}:changed:"))
    assert told == Counter({p: 1 for p in [*residents, proxy]})
    rows = await outbox(services, "reminder:event:")
    assert all(r.status == OutboxStatus.CANCELLED.value for r in rows if r.dedupe_key in old)
    fresh = [r for r in rows if r.dedupe_key not in old]
    assert fresh and all(":r1:" in r.dedupe_key for r in fresh)
    assert all(r.status == OutboxStatus.PENDING.value for r in fresh)


async def test_cancelling_asks_first_and_tells_everyone_once(
    harness: BotHarness, services: Services
) -> None:
    t = services.i18n.translator("zh_CN")
    await staff(services, ADMIN_TG, Role.ADMIN, "D", name="管理员老张")
    event_id = await make_event(services.sessions)
    residents, proxy = await _signed_up(services, event_id)
    user = harness.user(ADMIN_TG, language_code="zh-hans")
    await user.send("/eventadmin")
    screen = last(user)
    await user.tap(screen, f"evm:e:{event_id}")
    await user.tap(screen, f"evm:x:{event_id}")
    asked = inline_data(now_of(user, screen))
    assert asked[:2] == [f"evm:e:{event_id}", f"evm:xx:{event_id}"], "keeping it comes first"
    assert (await event_of(services, event_id)).status == EventStatus.PUBLISHED.value

    await user.tap(screen, f"evm:xx:{event_id}")
    await user.forge_tap(f"evm:xx:{event_id}")  # a double tap tells nobody twice

    assert (await event_of(services, event_id)).status == EventStatus.CANCELLED.value
    rows = await outbox(services, f"event:{event_id}:cancelled:")
    assert Counter(r.person_id for r in rows) == Counter({p: 1 for p in [*residents, proxy]})
    assert all(r.payload["msgid"] == "events.cancelled" for r in rows)
    reminders = await outbox(services, "reminder:event:")
    assert all(r.status == OutboxStatus.CANCELLED.value for r in reminders)
    assert t.n("events_staff.cancel.done", 0, told=0) in now_of(user, screen)["text"]


@pytest.mark.parametrize(
    "data",
    ["evm:xx:{e}", "evm:pub:{e}", "evm:e:{e}", "evm:f:{e}:capacity", "evm:cp:{e}", "evm:ann:{e}"],
)
async def test_another_towns_admin_is_refused_and_nothing_changes(
    harness: BotHarness, services: Services, data: str
) -> None:
    t = services.i18n.translator("zh_CN")
    await staff(services, Q_ADMIN_TG, Role.ADMIN, "Q", name="管理员小周")
    event_id = await make_event(services.sessions)  # hosted by D town (Q co-hosts)
    await _signed_up(services, event_id)
    before = await event_of(services, event_id)
    user = harness.user(Q_ADMIN_TG, language_code="zh-hans")
    await user.send("/eventadmin")

    await user.forge_tap(data.format(e=event_id))

    answer = user.state.callback_answers(user.id)[-1]
    assert answer["show_alert"] and answer["text"] == t("error.not_allowed")
    after = await event_of(services, event_id)
    assert after.model_dump() == before.model_dump()
    assert not await outbox(services, f"event:{event_id}:cancelled:")


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
async def test_copying_makes_a_draft_a_week_later_with_quotas_and_answers(
    harness: BotHarness, services: Services, lang: str
) -> None:
    t, tz = services.i18n.translator(lang), services.settings.tz
    await staff(services, ADMIN_TG, Role.ADMIN, "D", name="管理员老张", language=lang)
    event_id = await make_event(
        services.sessions, quotas={"D": 20, "Q": 30}, ride=True, starts_in=timedelta(days=2)
    )
    original = await event_of(services, event_id)
    user = harness.user(ADMIN_TG, language_code=LANGS[lang])

    await user.send("/eventadmin")
    await user.tap(last(user), f"evm:e:{event_id}")
    card = last(user)
    assert f"evm:cp:{event_id}" in inline_data(now_of(user, card))
    await user.tap(card, f"evm:cp:{event_id}")
    assert now_of(user, card)["text"] == t("events_staff.edit.ask.copy")
    later = (original.starts_at + timedelta(days=7)).astimezone(tz)
    await user.send(f"{later:%Y-%m-%d} {later:%H:%M}")
    assert user.last_text().startswith(t("events_staff.copied"))

    async with services.sessions() as session:
        from sqlmodel import col, select

        from models.events import Event, EventOption, EventQuota, Registration

        [copy] = (
            (
                await session.execute(
                    select(Event).where(
                        col(Event.id) != event_id, col(Event.name_zh) == original.name_zh
                    )
                )
            )
            .scalars()
            .all()
        )
        quotas = {
            q.town_id: (q.quota, q.taken)
            for q in (
                await session.execute(select(EventQuota).where(col(EventQuota.event_id) == copy.id))
            ).scalars()
        }
        options = (
            (await session.execute(select(EventOption).where(col(EventOption.event_id) == copy.id)))
            .scalars()
            .all()
        )
        copied_regs = (
            (
                await session.execute(
                    select(Registration).where(col(Registration.event_id) == copy.id)
                )
            )
            .scalars()
            .all()
        )
    assert copy.status == EventStatus.DRAFT.value  # published only when the admin says so
    assert copy.starts_at == later.replace(second=0, microsecond=0)
    assert copy.ends_at - copy.starts_at == original.ends_at - original.starts_at
    assert (copy.name_zh, copy.capacity, copy.taken) == (original.name_zh, original.capacity, 0)
    assert sorted(quota for quota, _taken in quotas.values()) == [20, 30]
    assert all(taken == 0 for _quota, taken in quotas.values())  # nobody is signed up for it
    assert [o.label_zh for o in options] == ["长江新村站", "不需要接送"]
    ride = options[0]
    assert ride.ride and ride.pickup_at == copy.starts_at - timedelta(hours=1)
    assert copied_regs == []  # a copy starts with nobody signed up
