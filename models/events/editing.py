"""Changing an event's town quotas and its choice question's options after it was created.

**Quotas** go through the capacity engine's ``set_limit``: a conditional update that refuses a
quota below the places the town's residents already hold (``QuotaBelowTaken``), so a change
never takes a place from anyone. A new quota row starts with the places the town holds now,
counted while the event's row is locked (sign-ups take that lock first), and "no limit"
removes the row. A raised quota (or a removed one) offers the freed places to the line at once.
Nobody is told: no registration changes.

**Options**: adding one tells nobody (nobody chose it yet); renaming one (its words or its
pick-up time) tells the people who chose it and plans their reminders again (the reminders
name the pick-up point); removing one nobody holding a registration chose deletes it
(cancelled registrations that chose it lose the answer: ``ON DELETE SET NULL``); removing one
somebody chose is refused with how many chose it (``OptionChosen``), so nobody's pick-up point
vanishes under them. The organiser renames it instead, or asks them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from models.core.audit import record_audit
from models.core.authz import Scope
from models.core.base import N_, utcnow
from models.core.capacity import set_limit
from models.core.errors import NotAllowed
from models.core.outbox import (
    OutboxKind,
    bilingual_param,
    message_param,
    message_payload,
    notify,
    when_param,
)
from models.core.people import Person
from models.core.places import Town
from models.events.managing import managed_event
from models.events.notices import describe_event, drop_reminders, people_of, plan_reminders
from models.events.places import QUOTA_PLACES
from models.events.rules import EventInvalid, OptionChosen, QuotaBelowTaken
from models.events.tables import (
    ACTIVE,
    HOLDING,
    Event,
    EventOption,
    EventQuota,
    QuestionKind,
    Registration,
    RegStatus,
)
from models.events.waitlist import offer_freed_places

MOST_OPTIONS = 8


@dataclass(frozen=True)
class TownShare:
    """A town's share of an event: its quota (None: no limit of its own) and places held."""

    town: Town
    quota: int | None
    held: int


async def _locked(session: AsyncSession, event_id: int, scopes: Iterable[Scope]) -> Event:
    """The managed event, its row locked as a sign-up locks it (PostgreSQL)."""
    event = await managed_event(session, event_id, scopes)
    await session.get(Event, event_id, with_for_update=True, populate_existing=True)
    return event


async def _held_by_town(session: AsyncSession, event_id: int, town_id: int) -> int:
    query = select(func.coalesce(func.sum(col(Registration.party_size)), 0)).where(
        col(Registration.event_id) == event_id,
        col(Registration.town_id) == town_id,
        col(Registration.status).in_(HOLDING),
    )
    return int((await session.execute(query)).scalar_one())


async def town_shares(
    session: AsyncSession, *, event_id: int, scopes: Iterable[Scope]
) -> tuple[Event, list[TownShare]]:
    """The event and every town's share of it, the host towns first."""
    event = await managed_event(session, event_id, scopes)
    towns = (await session.execute(select(Town).order_by(col(Town.id)))).scalars()
    rows = {q.town_id: q.quota for q in (await session.execute(
        select(EventQuota).where(col(EventQuota.event_id) == event_id)
    )).scalars()}  # fmt: skip
    hosts = event.host_towns
    shares = [
        TownShare(
            town, rows.get(town.id or 0), await _held_by_town(session, event_id, town.id or 0)
        )
        for town in sorted(towns, key=lambda t: (t.id not in hosts, t.id))
    ]
    return event, shares


async def set_quota(
    session: AsyncSession,
    *,
    event_id: int,
    town_id: int,
    quota: int | None,
    by: Person | None,
    scopes: Iterable[Scope],
    now: datetime | None = None,
) -> int:
    """Set a town's share of the event's places (None: no limit of its own); returns how many
    freed places were offered to the line. ``QuotaBelowTaken`` when the town holds more."""
    event = await _locked(session, event_id, scopes)
    if await session.get(Town, town_id) is None:
        raise NotAllowed()
    row = await session.get(EventQuota, (event_id, town_id), populate_existing=True)
    others = (
        await session.execute(
            select(func.coalesce(func.sum(col(EventQuota.quota)), 0)).where(
                col(EventQuota.event_id) == event_id, col(EventQuota.town_id) != town_id
            )
        )
    ).scalar_one()
    if quota is not None and (quota < 0 or int(others) + quota > event.capacity):
        raise EventInvalid(field="quotas")
    if quota is None:
        if row is not None:
            await session.delete(row)
    elif row is None:
        held = await _held_by_town(session, event_id, town_id)
        if held > quota:
            raise QuotaBelowTaken(taken=held)
        session.add(EventQuota(event_id=event_id, town_id=town_id, quota=quota, taken=held))
    elif not await set_limit(session, QUOTA_PLACES, quota, event_id=event_id, town_id=town_id):
        raise QuotaBelowTaken(taken=row.taken)
    await session.flush()
    await record_audit(
        session, by.id if by else None, "event.quota", "event", event_id, town=town_id, quota=quota
    )
    return await offer_freed_places(session, event_id, now or utcnow())


async def event_options(
    session: AsyncSession, *, event_id: int, scopes: Iterable[Scope]
) -> list[tuple[EventOption, int]]:
    """The event's options in order, each with how many holding a registration chose it."""
    await managed_event(session, event_id, scopes)
    chosen = (
        select(col(Registration.option_id), func.count())
        .where(col(Registration.event_id) == event_id, col(Registration.status).in_(ACTIVE))
        .group_by(col(Registration.option_id))
    )
    counts = {o: int(n) for o, n in (await session.execute(chosen)).all()}
    options = await session.execute(
        select(EventOption)
        .where(col(EventOption.event_id) == event_id)
        .order_by(col(EventOption.position), col(EventOption.id))
    )
    return [(o, counts.get(o.id, 0)) for o in options.scalars()]


async def _option(session: AsyncSession, event_id: int, option_id: int) -> EventOption:
    """One of the event's options; another event's (a forged id) is ``NotAllowed``."""
    option = await session.get(EventOption, option_id, populate_existing=True)
    if option is None or option.event_id != event_id:
        raise NotAllowed()
    return option


def _option_words(option: EventOption) -> dict[str, Any]:
    """An option as a message parameter: its words, or for a pick-up point with a time, where
    and when to be (as the reminders say it)."""
    point = bilingual_param(option.label_zh, option.label_en)
    if option.pickup_at is None:
        return point
    return message_param(
        N_("events.reminder.ride_at"), point=point, at=when_param(option.pickup_at)
    )


def _check_label(event: Event, label_zh: str, label_en: str) -> None:
    if event.question_kind != QuestionKind.CHOICE.value:
        raise EventInvalid(field="question_kind")
    if not label_zh.strip() or len(label_zh) > 64 or len(label_en) > 64:
        raise EventInvalid(field="options")


async def add_option(
    session: AsyncSession,
    *,
    event_id: int,
    label_zh: str,
    label_en: str = "",
    pickup_at: datetime | None = None,
    by: Person | None,
    scopes: Iterable[Scope],
) -> EventOption:
    """A new answer at the end of the event's choice question (a pick-up point with a time)."""
    event = await _locked(session, event_id, scopes)
    _check_label(event, label_zh, label_en)
    options = await event_options(session, event_id=event_id, scopes=scopes)
    if len(options) >= MOST_OPTIONS:
        raise EventInvalid(field="options")
    position = max((o.position for o, _ in options), default=-1) + 1
    option = EventOption(
        event_id=event_id, position=position, label_zh=label_zh.strip(),
        label_en=label_en.strip(), ride=pickup_at is not None, pickup_at=pickup_at,
    )  # fmt: skip
    session.add(option)
    await session.flush()
    await record_audit(session, by.id if by else None, "event.option.add", "event", event_id)
    return option


async def rename_option(
    session: AsyncSession,
    *,
    event_id: int,
    option_id: int,
    label_zh: str,
    label_en: str = "",
    pickup_at: datetime | None = None,
    by: Person | None,
    scopes: Iterable[Scope],
    now: datetime | None = None,
) -> int:
    """New words (and pick-up time) for an option; returns how many people were told."""
    now = now or utcnow()
    event = await _locked(session, event_id, scopes)
    _check_label(event, label_zh, label_en)
    option = await _option(session, event_id, option_id)
    before = bilingual_param(option.label_zh, option.label_en)
    new = (label_zh.strip(), label_en.strip(), pickup_at is not None, pickup_at)
    if (option.label_zh, option.label_en, option.ride, option.pickup_at) == new:
        return 0
    option.label_zh, option.label_en, option.ride, option.pickup_at = new
    await session.flush()
    await record_audit(session, by.id if by else None, "event.option.rename", "event", event_id)
    query = select(Registration).where(
        col(Registration.option_id) == option_id, col(Registration.status).in_(ACTIVE)
    )
    holders = list((await session.execute(query)).scalars())
    payload = message_payload(
        N_("events.changed.option"), before=before, after=_option_words(option),
        **await describe_event(session, event),
    )  # fmt: skip
    confirmed = [r for r in holders if r.status == RegStatus.CONFIRMED.value]
    if confirmed:  # their reminders name the pick-up point: planned again, under a new key
        event.revision += 1
    for registration in confirmed:
        await drop_reminders(session, registration)
        await plan_reminders(session, registration, event, now)
    told: set[int] = set()
    for registration in holders:
        for person in await people_of(session, registration):
            if person.id in told:
                continue
            told.add(person.id or 0)
            await notify(
                session, person, OutboxKind.STATUS, payload,
                dedupe_key=f"event:{event_id}:changed:{now.isoformat()}:option:{person.id}",
            )  # fmt: skip
    await session.flush()
    return len(told)


async def remove_option(
    session: AsyncSession, *, event_id: int, option_id: int, by: Person | None,
    scopes: Iterable[Scope],
) -> None:  # fmt: skip
    """Remove an option nobody holding a registration chose; ``OptionChosen`` otherwise."""
    event = await _locked(session, event_id, scopes)
    await _option(session, event_id, option_id)
    counts = dict(
        (o.id, n) for o, n in await event_options(session, event_id=event_id, scopes=scopes)
    )
    if counts.get(option_id):
        raise OptionChosen(chosen=counts[option_id])
    if len(counts) <= 1:  # a choice question keeps one answer at least
        raise EventInvalid(field="options")
    await session.execute(  # cancelled or past registrations that chose it lose the answer
        update(Registration).where(col(Registration.option_id) == option_id)
        .values(option_id=None).execution_options(synchronize_session=False)
    )  # fmt: skip
    await session.execute(
        delete(EventOption).where(col(EventOption.id) == option_id)
        .execution_options(synchronize_session=False)
    )  # fmt: skip
    await record_audit(
        session, by.id if by else None, "event.option.remove", "event", event.id, option=option_id
    )
