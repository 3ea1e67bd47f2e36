"""The mixed workload of bench/mixed.py: new residents registering and booking, returning ones
answering their 24 h reminder, interleaved the way a morning's traffic arrives.

A new resident (17 updates): /start, agree, language, town, community, skip the name, skip the
phone; the booking menu item, the canteen (for themselves in their own town: neither is asked
since issue 11), "⚡ the nearest free slots", one of the first five slots, one person, confirm;
then "my bookings", the first booking, the main menu.
A returning resident (3 updates) holds a confirmed canteen booking whose 24 h reminder was
just sent (it is their current screen): they type "1" (coming), open "my bookings", and go back
to the main menu.
Every step is typed or tapped exactly as a resident would, against the same sandbox state.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import select, update
from sqlmodel import col

from bot.context import Services
from models.booking import Booking, book, open_slots
from models.core.base import utcnow
from models.core.outbox import OutboxMessage
from models.core.people import Person, complete_onboarding, record_consent, update_profile
from models.core.places import Community, Town
from sandbox.state import SandboxState

JSON = dict[str, Any]
NEW_BASE = 700_000
RETURNING_BASE = 800_000


@dataclass(frozen=True)
class Step:
    """One update a resident sends: what kind of step it is, and how to build it now."""

    kind: str
    make: Callable[[SandboxState, int], JSON]


def _text(kind: str, text: str) -> Step:
    return Step(kind, lambda state, uid: state.send_text(uid, text))


def _press_containing(kind: str, words: str) -> Step:
    def make(state: SandboxState, uid: int) -> JSON:
        labels = [label for row in state.reply_keyboard(uid) or [] for label in row]
        found = next((label for label in labels if words in label), words)
        return state.send_text(uid, found)

    return Step(kind, make)


NEW_RESIDENT = [
    _text("onboarding", "/start"),
    *(_text("onboarding", "1") for _ in range(6)),  # agree, 中文, D town, community, skip, skip
    _text("menu", "1"),  # 预约
    _text("booking", "3"),  # the canteen (for myself, in their own town: neither is asked)
    _press_containing("booking", "⚡"),  # the nearest free slots
    Step("booking", lambda state, uid: state.send_text(uid, str(uid % 5 + 1))),  # one of 5 slots
    _text("booking", "1"),  # one person
    _text("booking_confirm", "1"),  # confirm: the receipt
    _text("menu", "4"),  # my bookings
    _text("mine", "1"),  # the first booking
    _press_containing("menu", "主菜单"),
]


# A resident answering the 24 h reminder just delivered (their current screen: 1 = coming).
RETURNING_RESIDENT = [
    _text("reminder_answer", "1"),
    _text("menu", "4"),
    _press_containing("menu", "主菜单"),
]


def interleave(scripts: dict[int, list[Step]]) -> list[tuple[int, Step]]:
    """Round-robin over the residents: everyone's first step, then everyone's second, …"""
    order: list[tuple[int, Step]] = []
    longest = max((len(steps) for steps in scripts.values()), default=0)
    for index in range(longest):
        order.extend((uid, steps[index]) for uid, steps in scripts.items() if index < len(steps))
    return order


def staggered(scripts: dict[int, list[Step]], active: int = 20) -> list[tuple[int, Step]]:
    """Residents arrive one after another, about ``active`` of them at different steps at once.

    The offered loads use this order, so that the steps in flight are a steady mix, as when
    people come and go through a morning: resident ``i`` starts ``i * len / active`` rounds in
    and takes one step a round. (Round-robin over everyone, as ``interleave`` does, sends every
    resident's heaviest step, the booking confirm, within the same second.)
    """
    longest = max((len(steps) for steps in scripts.values()), default=1)
    timed = [
        (index * longest // active + step_no, index, uid, step)
        for index, (uid, steps) in enumerate(scripts.items())
        for step_no, step in enumerate(steps)
    ]
    return [(uid, step) for _round, _index, uid, step in sorted(timed, key=lambda t: t[:2])]


async def add_returning(services: Services, state: SandboxState, count: int) -> dict[int, int]:
    """``count`` registered residents, each with a canteen booking whose reminder is due now."""
    booking_of: dict[int, int] = {}
    async with services.sessions() as session, session.begin():
        town = (await session.execute(select(Town).where(col(Town.code) == "D"))).scalar_one()
        community = (
            (await session.execute(select(Community).where(col(Community.town_id) == town.id)))
            .scalars()
            .first()
        )
        now = utcnow()
        slots = await open_slots(
            session, kind="canteen", since=now + timedelta(hours=25),
            until=now + timedelta(days=6), town_id=town.id, places=1, limit=200,
            tz=services.settings.tz,
        )  # fmt: skip
        for n in range(count):
            uid = RETURNING_BASE + n
            state.user(uid, first_name=f"居民{n}", language_code="zh-hans")
            person = await record_consent(session, uid, uid, "zh_CN")
            await update_profile(session, person, display_name=f"居民{n}", town_id=town.id)
            await update_profile(session, person, community_id=community.id if community else None)
            await complete_onboarding(session, person)
            booked = await book(session, person, slots[n % len(slots)].slot.id or 0)
            booking_of[uid] = booked.booking.id or 0
        await session.execute(
            update(OutboxMessage)
            .where(col(OutboxMessage.dedupe_key).like("reminder:booking:%:24h:%"))
            .values(due_at=utcnow())
        )
    return booking_of


async def outcome(services: Services) -> tuple[int, int, int]:
    """Registered people, bookings, and bookings whose reminder was answered "coming"."""
    async with services.sessions() as session:
        registered = select(col(Person.id)).where(col(Person.onboarded_at).is_not(None))
        people = len((await session.execute(registered)).all())
        rows = (await session.execute(select(col(Booking.attendance_reply)))).scalars().all()
    return people, len(rows), sum(1 for reply in rows if reply == "coming")
