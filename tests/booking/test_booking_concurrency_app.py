"""Many people pressing "1. 确认预约" for the same slot at once, through the real Application.

One Chinese and one English speaker walk the screens to the confirm screen; everyone else is put
on that same screen by copying a walker's conversation state and draft (walking 250 people
through six screens would only measure the persistence layer). Then all confirmations are fed
concurrently (``asyncio.gather`` over ``process_update``, so the handlers really overlap) and the
database decides: exactly ``capacity`` bookings; everyone else hears "full, join the waitlist?".
"""

from __future__ import annotations

import asyncio
from copy import deepcopy

import pytest
from sqlalchemy import func, select
from sqlmodel import col
from telegram.ext import ConversationHandler

from bot.context import Services
from handlers.kit import conversation_state, set_conversation_state
from models.booking import ACTIVE, Booking, Slot
from models.core.base import utcnow
from models.core.people import Person
from models.core.places import Community, Town, Venue
from tests.booking.booking_support import slot_of
from tests.booking.test_booking_flow_helpers import (
    LANG_CODE,
    choose_day,
    choose_paged,
    choose_slot,
    set_venue,
    slot_day,
    taken,
    tr,
    venue,
)
from tests.harness import BotHarness, SimUser

FIRST_TG = 70_000
UI_KEYS = ("draft", "shown")  # where the kit keeps a flow's draft and its screen's choices


async def many_people(services: Services, n: int) -> None:
    """``n`` registered D-town residents, half in Chinese and half in English (one insert)."""
    async with services.sessions() as session, session.begin():
        town = (await session.execute(select(Town).where(col(Town.code) == "D"))).scalar_one()
        community = (
            await session.execute(select(Community).where(col(Community.code) == "d-hongmei"))
        ).scalar_one()
        now = utcnow()
        for i in range(n):
            session.add(
                Person(
                    tg_user_id=FIRST_TG + i,
                    chat_id=FIRST_TG + i,
                    display_name=f"居民{i}",
                    town_id=town.id,
                    community_id=community.id,
                    language="en" if i % 2 else "zh_CN",
                    consent_at=now,
                    onboarded_at=now,
                )
            )


async def to_confirm(
    harness: BotHarness, services: Services, i: int, code: str, kind: str, slot: Slot
) -> SimUser:
    """Walk one user from /book to the confirm screen of ``slot``."""
    lang = "en" if i % 2 else "zh_CN"
    user = harness.user(FIRST_TG + i, language_code=LANG_CODE[lang])
    t = tr(services, lang)
    await user.send("/book")  # "for whom?" and "where?" (her own town) go without saying
    await choose_paged(user, t, t(f"booking.kind.{kind}"))
    await choose_day(user, t, slot_day(slot))
    await choose_slot(user, t, slot, (await venue(services, code)).name(lang))
    assert user.buttons()[0] == "1. " + t("booking.confirm.yes"), user.last_text()
    return user


def clone(harness: BotHarness, walker: SimUser, tg: int) -> SimUser:
    """Another user on the walker's screen: same conversation state, same draft."""
    app = harness.app
    assert app is not None
    [booking] = [
        h for h in app.handlers[0] if isinstance(h, ConversationHandler) and h.name == "booking"
    ]
    state = conversation_state(booking, walker.id, walker.id)
    assert state is not None, "the walker has no booking screen open"
    set_conversation_state(booking, tg, tg, state)
    for key in UI_KEYS:
        app._user_data[tg][key] = deepcopy(app.user_data[walker.id][key])
    lang = "en" if (tg - FIRST_TG) % 2 else "zh_CN"
    return harness.user(tg, language_code=LANG_CODE[lang])


async def active_bookings(services: Services, slot_id: int) -> int:
    """Bookings holding places in the slot."""
    async with services.sessions() as session:
        query = (
            select(func.count())
            .select_from(Booking)
            .where(col(Booking.slot_id) == slot_id, col(Booking.status).in_(ACTIVE))
        )
        return int((await session.execute(query)).scalar_one())


@pytest.mark.parametrize(
    ("code", "kind", "capacity", "people"),
    [("d-canteen", "canteen", 40, 200), ("d-mediation", "mediation_room", 1, 50)],
)
async def test_concurrent_confirmations_never_exceed_capacity(
    harness: BotHarness, services: Services, code: str, kind: str, capacity: int, people: int
) -> None:
    await set_venue(services, code, max_party_size=1)
    slot = await slot_of(services.sessions, code, 3)
    async with services.sessions() as session:
        row = await session.get(Slot, slot.id)
        place = await session.get(Venue, slot.venue_id)
    assert row is not None and row.capacity == capacity and place is not None
    await many_people(services, people)
    walkers = [await to_confirm(harness, services, i, code, kind, slot) for i in (0, 1)]
    users = walkers + [clone(harness, walkers[i % 2], FIRST_TG + i) for i in range(2, people)]
    marks = [u._mark() for u in users]
    label = [w.buttons()[0] for w in walkers]

    await asyncio.gather(*(u.send(label[i % 2]) for i, u in enumerate(users)))

    outcomes = {"booked": 0, "full": 0}
    for i, (user, mark) in enumerate(zip(users, marks, strict=True)):
        t = tr(services, "en" if i % 2 else "zh_CN")
        replies = user.state.messages(user.id, since=mark)
        if [m["kind"] for m in replies] == ["text", "document", "photo", "text"]:
            outcomes["booked"] += 1
        else:
            assert [m["text"] for m in replies] == [
                t("booking.error.full") + "\n\n" + t("booking.ask_waitlist")
            ]
            assert user.buttons()[0] == "1. " + t("booking.waitlist.join")
            assert user.keyboard()[-1] == [t("nav.back"), t("nav.home")]
            outcomes["full"] += 1
    assert outcomes == {"booked": capacity, "full": people - capacity}
    assert await active_bookings(services, slot.id or 0) == capacity
    assert await taken(services, slot.id or 0) == capacity
