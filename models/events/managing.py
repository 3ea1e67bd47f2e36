"""Admins create, copy, edit, publish and cancel events.

An event is managed by admins and organisers of its host town (``Action.EVENT_MANAGE``).
Editing returns what changed; a change of time or place raises the event's ``revision``, so
reminders are planned again under new keys and the old ones cancelled (never sent), and every
registrant and proxy is told through the outbox once per change. Cancelling tells each of
them exactly once.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from models.core.audit import record_audit
from models.core.authz import Action, Scope, can
from models.core.base import N_, row_id, utcnow
from models.core.capacity import set_limit
from models.core.errors import NotAllowed
from models.core.outbox import OutboxKind, cancel_by_key_prefix, message_payload, notify
from models.core.people import Person
from models.events.notices import describe_event, drop_reminders, people_of, plan_reminders
from models.events.places import EVENT_PLACES
from models.events.rules import EventInvalid, NoRoom
from models.events.tables import (
    ACTIVE,
    Event,
    EventOption,
    EventQuota,
    EventStatus,
    QuestionKind,
    Registration,
    RegStatus,
)
from models.events.waitlist import offer_freed_places

LANGUAGES = ("zh_CN", "en")
TIME_FIELDS = ("starts_at", "ends_at")
PLACE_FIELDS = ("venue_id", "place_zh", "place_en", "directions_zh", "directions_en")


@dataclass(frozen=True)
class OptionDraft:
    """One answer to a choice question (a pick-up point with its time, when ``ride``)."""

    label_zh: str
    label_en: str = ""
    ride: bool = False
    pickup_at: datetime | None = None


@dataclass(frozen=True)
class EventDraft:
    """Everything an admin sets for an event (CSV rows and the creation conversation)."""

    code: str
    name_zh: str
    name_en: str
    host_town_id: int
    starts_at: datetime
    ends_at: datetime
    capacity: int
    description_zh: str = ""
    description_en: str = ""
    missing_language: str | None = None
    poster_file_id: str | None = None
    topic: str = "events"
    cohost_town_id: int | None = None
    venue_id: int | None = None
    place_zh: str = ""
    place_en: str = ""
    directions_zh: str = ""
    directions_en: str = ""
    accessibility_zh: str = ""
    accessibility_en: str = ""
    bring_zh: str = ""
    bring_en: str = ""
    held_back: int = 0
    held_back_until: datetime | None = None
    registration_closes_at: datetime | None = None
    audience_town_id: int | None = None
    audience_community_id: int | None = None
    max_party: int = 1
    question_kind: str | None = None
    question_zh: str = ""
    question_en: str = ""
    quotas: Mapping[int, int] = field(default_factory=dict)  # town id → places
    options: tuple[OptionDraft, ...] = ()


EVENT_FIELDS = tuple(f.name for f in fields(EventDraft) if f.name not in ("quotas", "options"))
EDITABLE = tuple(name for name in EVENT_FIELDS if name not in ("code", "host_town_id"))


@dataclass(frozen=True)
class EventEdited:
    """An edited event and the names of the fields that changed (for the notices)."""

    event: Event
    changed: tuple[str, ...]


def check_draft(draft: EventDraft) -> None:
    """Refuse details that do not hold together; ``field`` names the first wrong one."""
    problems = [
        ("code", not draft.code.strip()),
        ("missing_language", draft.missing_language not in (None, *LANGUAGES)),
        ("name_zh", not draft.name_zh.strip() and draft.missing_language != "zh_CN"),
        ("name_en", not draft.name_en.strip() and draft.missing_language != "en"),
        ("ends_at", draft.ends_at <= draft.starts_at),
        ("capacity", draft.capacity < 1),
        ("cohost_town_id", draft.cohost_town_id == draft.host_town_id),
        ("place_zh", draft.venue_id is None and not (draft.place_zh or draft.place_en).strip()),
        ("quotas", any(q < 0 for q in draft.quotas.values())),
        ("quotas", sum(draft.quotas.values()) > draft.capacity),
        ("held_back", not 0 <= draft.held_back <= draft.capacity),
        ("held_back_until", draft.held_back > 0 and draft.held_back_until is None),
        (
            "registration_closes_at",
            draft.registration_closes_at is not None
            and draft.registration_closes_at > draft.starts_at,
        ),
        ("max_party", draft.max_party < 1),
        ("question_kind", draft.question_kind not in (None, *[k.value for k in QuestionKind])),
        ("options", draft.question_kind == QuestionKind.CHOICE.value and not draft.options),
    ]
    for name, wrong in problems:
        if wrong:
            raise EventInvalid(field=name)


def _id(person: Person | None) -> int | None:
    return person.id if person is not None else None


def may_manage(scopes: Iterable[Scope], town_id: int) -> bool:
    """Whether the scopes let a person manage events hosted by the town."""
    return can(scopes, Action.EVENT_MANAGE, town_id)


async def managed_event(session: AsyncSession, event_id: int, scopes: Iterable[Scope]) -> Event:
    """An event the person may manage; ``NotAllowed`` for another town's (forged ids too)."""
    event = await session.get(Event, event_id, populate_existing=True)
    if event is None or not may_manage(scopes, event.host_town_id):
        raise NotAllowed()
    return event


async def create_event(
    session: AsyncSession,
    *,
    draft: EventDraft,
    by: Person | None,
    scopes: Iterable[Scope],
    publish: bool = False,
) -> Event:
    """Create an event (a draft unless ``publish``) with its quotas and question options."""
    if not may_manage(scopes, draft.host_town_id):
        raise NotAllowed()
    check_draft(draft)
    values = {name: getattr(draft, name) for name in EVENT_FIELDS}
    status = EventStatus.PUBLISHED if publish else EventStatus.DRAFT
    event = Event(**values, status=status.value, taken=draft.held_back, created_by_id=_id(by))
    session.add(event)
    await session.flush()
    event_id = row_id(event)
    for town_id, quota in draft.quotas.items():
        session.add(EventQuota(event_id=event_id, town_id=town_id, quota=quota))
    for position, option in enumerate(draft.options):
        session.add(EventOption(event_id=event_id, position=position, **option.__dict__))
    await session.flush()
    await record_audit(session, _id(by), "event.create", "event", event.id, code=draft.code)
    return event


async def draft_of(session: AsyncSession, event: Event) -> EventDraft:
    """An event's details as a draft (to copy it)."""
    quotas = (
        await session.execute(select(EventQuota).where(col(EventQuota.event_id) == event.id))
    ).scalars()
    options = (
        await session.execute(
            select(EventOption)
            .where(col(EventOption.event_id) == event.id)
            .order_by(col(EventOption.position))
        )
    ).scalars()
    return EventDraft(
        **{name: getattr(event, name) for name in EVENT_FIELDS},
        quotas={q.town_id: q.quota for q in quotas},
        options=tuple(OptionDraft(o.label_zh, o.label_en, o.ride, o.pickup_at) for o in options),
    )


async def copy_event(
    session: AsyncSession,
    *,
    event_id: int,
    code: str,
    starts_at: datetime,
    ends_at: datetime,
    by: Person | None,
    scopes: Iterable[Scope],
) -> Event:
    """A new draft with the event's details, quotas and options, at another time (pick-up
    times, held-back release and sign-up close move with it)."""
    event = await managed_event(session, event_id, scopes)
    shift = starts_at - event.starts_at
    original = await draft_of(session, event)
    draft = replace(
        original,
        options=tuple(
            replace(option, pickup_at=option.pickup_at and option.pickup_at + shift)
            for option in original.options
        ),
        code=code,
        starts_at=starts_at,
        ends_at=ends_at,
        held_back_until=event.held_back_until and event.held_back_until + shift,
        registration_closes_at=event.registration_closes_at
        and event.registration_closes_at + shift,
    )
    return await create_event(session, draft=draft, by=by, scopes=scopes)


async def publish_event(
    session: AsyncSession, *, event_id: int, by: Person | None, scopes: Iterable[Scope]
) -> Event:
    """Open a draft to registration."""
    event = await managed_event(session, event_id, scopes)
    if event.status != EventStatus.DRAFT.value:
        raise EventInvalid(field="status")
    event.status = EventStatus.PUBLISHED.value
    await session.flush()
    await record_audit(session, _id(by), "event.publish", "event", event.id)
    return event


async def _registrations(session: AsyncSession, event_id: int) -> list[Registration]:
    query = (
        select(Registration)
        .where(col(Registration.event_id) == event_id, col(Registration.status).in_(ACTIVE))
        .order_by(col(Registration.id))
    )
    return list((await session.execute(query)).scalars())


async def edit_event(
    session: AsyncSession,
    *,
    event_id: int,
    changes: Mapping[str, object],
    by: Person | None,
    scopes: Iterable[Scope],
    now: datetime | None = None,
) -> EventEdited:
    """Change an event's details; returns what changed. Registrants and proxies are told; a
    new time or place plans the reminders again (the old ones are cancelled)."""
    now = now or utcnow()
    event = await managed_event(session, event_id, scopes)
    unknown = [name for name in changes if name not in EDITABLE]
    if unknown:
        raise EventInvalid(field=unknown[0])
    changed = tuple(n for n in EDITABLE if n in changes and getattr(event, n) != changes[n])
    if not changed:
        return EventEdited(event, ())
    edited: dict[str, Any] = {n: changes[n] for n in changed}
    check_draft(replace(await draft_of(session, event), **edited))
    if "capacity" in changed:
        capacity = int(changes["capacity"])  # type: ignore[call-overload]
        if not await set_limit(session, EVENT_PLACES, capacity, id=event_id):
            raise NoRoom()
        await session.refresh(event)
    old_start = event.starts_at
    for name in changed:
        if name != "capacity":
            setattr(event, name, changes[name])
    moved = any(n in TIME_FIELDS or n in PLACE_FIELDS for n in changed)
    if moved:
        event.revision += 1
    event.updated_at = now
    await session.flush()
    await record_audit(session, _id(by), "event.edit", "event", event.id, fields=list(changed))
    if event.status == EventStatus.PUBLISHED.value:
        await _tell_changes(session, event, changed, old_start, moved, now)
        if "capacity" in changed:  # more places: the line is offered them at once
            await offer_freed_places(session, event_id, now)
    return EventEdited(event, changed)


async def _tell_changes(
    session: AsyncSession,
    event: Event,
    changed: tuple[str, ...],
    old_start: datetime,
    moved: bool,
    now: datetime,
) -> None:
    params = await describe_event(session, event)
    notices = []
    if any(n in TIME_FIELDS for n in changed):
        notices.append(("time", message_payload(N_("events.changed.time"), **params)))
    if any(n in PLACE_FIELDS for n in changed):
        notices.append(("place", message_payload(N_("events.changed.place"), **params)))
    if any(n not in TIME_FIELDS and n not in PLACE_FIELDS for n in changed):
        notices.append(("details", message_payload(N_("events.changed.details"), **params)))
    stamp = f"{event.id}:{now.isoformat()}"
    for registration in await _registrations(session, event.id or 0):
        if moved and registration.status == RegStatus.CONFIRMED.value:
            await drop_reminders(session, registration)
            await plan_reminders(session, registration, event, now)
        for person in await people_of(session, registration):
            for name, payload in notices:
                await notify(
                    session, person, OutboxKind.STATUS, payload,
                    dedupe_key=f"event:{event.id}:changed:{stamp}:{name}:{person.id}",
                )  # fmt: skip
    del old_start  # the notices name the new time; the old one is in the audit log


async def cancel_event(
    session: AsyncSession,
    *,
    event_id: int,
    by: Person | None,
    scopes: Iterable[Scope],
    now: datetime | None = None,
) -> int:
    """Cancel an event: every registration ends, their reminders and pending offers are
    dropped, and each registrant and proxy is told exactly once. Returns how many were told."""
    now = now or utcnow()
    event = await managed_event(session, event_id, scopes)
    result = await session.execute(
        update(Event)
        .where(col(Event.id) == event_id, col(Event.status) != EventStatus.CANCELLED.value)
        .values(status=EventStatus.CANCELLED.value, cancelled_at=now, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    if not result.rowcount:  # type: ignore[attr-defined]
        return 0  # cancelled already (a double tap): nobody is told twice
    await session.refresh(event)
    payload = message_payload(N_("events.cancelled"), **await describe_event(session, event))
    told: set[int] = set()
    for registration in await _registrations(session, event_id):
        registration.status = RegStatus.CANCELLED.value
        registration.updated_at = now
        await drop_reminders(session, registration)
        for person in await people_of(session, registration):
            if person.id in told:
                continue
            told.add(person.id or 0)
            await notify(
                session, person, OutboxKind.STATUS, payload,
                dedupe_key=f"event:{event_id}:cancelled:{person.id}", urgent=True,
            )  # fmt: skip
    await cancel_by_key_prefix(session, f"event:{event_id}:reg:", reason="event cancelled")
    await session.flush()
    await record_audit(session, _id(by), "event.cancel", "event", event_id)
    return len(told)
