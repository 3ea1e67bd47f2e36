"""Helpers for the events staff tests: an organiser's inline screens, stored events and rows,
and an event today with people signed up (the door)."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from sqlalchemy import func
from sqlmodel import col, select

from bot.context import Services
from models.core.outbox import OutboxMessage
from models.core.places import Town
from models.events import (
    Event,
    EventDraft,
    EventOption,
    EventQuota,
    OptionDraft,
    Registration,
    create_event,
    register,
)
from tests.events.events_support import ADMIN, people, person, towns
from tests.harness import Message, SimUser

HOUR = timedelta(hours=1)


def inline_data(message: Message) -> list[str]:
    """The callback data of a message's inline buttons, in order."""
    markup = message.get("reply_markup") or {}
    return [b["callback_data"] for row in markup.get("inline_keyboard") or [] for b in row]


def inline_labels(message: Message) -> list[str]:
    """The labels of a message's inline buttons, in order."""
    markup = message.get("reply_markup") or {}
    return [b["text"] for row in markup.get("inline_keyboard") or [] for b in row]


def last(user: SimUser) -> Message:
    """The bot's latest message to the user."""
    message = user.state.last_message(user.id)
    assert message is not None
    return message


def now_of(user: SimUser, message: Message) -> Message:
    """The message as it reads now (after edits)."""
    return next(m for m in user.state.messages(user.id) if m["message_id"] == message["message_id"])


async def events(services: Services) -> list[Event]:
    """Every stored event, oldest first."""
    async with services.sessions() as session:
        return list((await session.execute(select(Event).order_by(col(Event.id)))).scalars())


async def event_of(services: Services, event_id: int) -> Event:
    """One event as stored now."""
    async with services.sessions() as session:
        found = await session.get(Event, event_id)
    assert found is not None
    return found


async def quotas(services: Services, event_id: int) -> dict[int, int]:
    """The event's town quotas."""
    async with services.sessions() as session:
        rows = await session.execute(select(EventQuota).where(col(EventQuota.event_id) == event_id))
        return {q.town_id: q.quota for q in rows.scalars()}


async def options(services: Services, event_id: int) -> list[EventOption]:
    """The event's question options in order."""
    async with services.sessions() as session:
        rows = await session.execute(
            select(EventOption)
            .where(col(EventOption.event_id) == event_id)
            .order_by(col(EventOption.position))
        )
        return list(rows.scalars())


async def outbox(services: Services, prefix: str) -> list[OutboxMessage]:
    """Outbox rows whose dedupe key starts with ``prefix``."""
    async with services.sessions() as session:
        rows = await session.execute(
            select(OutboxMessage).where(col(OutboxMessage.dedupe_key).startswith(prefix))
        )
        return list(rows.scalars())


async def registration(services: Services, registration_id: int) -> Registration:
    """A registration as stored now."""
    async with services.sessions() as session:
        found = await session.get(Registration, registration_id)
    assert found is not None
    return found


async def count(services: Services, model: type) -> int:
    """Rows of a table."""
    async with services.sessions() as session:
        return int((await session.execute(select(func.count()).select_from(model))).scalar_one())


async def names_of_towns(services: Services, lang: str) -> dict[int, str]:
    """Town names by id, in ``lang``."""
    async with services.sessions() as session:
        return {t.id or 0: t.name(lang) for t in (await session.execute(select(Town))).scalars()}


async def event_today(
    services: Services, *, host: str = "D", cohost: str | None = "Q", capacity: int = 10
) -> int:
    """A published event starting at local noon today, with a ride question."""
    ids, tz = await towns(services.sessions), services.settings.tz
    noon = datetime.combine(datetime.now(tz).date(), time(12), tz)
    draft = EventDraft(
        code=f"door-{host}-{cohost}", name_zh="边界联谊会", name_en="Border gathering",
        host_town_id=ids[host], cohost_town_id=ids[cohost] if cohost else None,
        starts_at=noon, ends_at=noon + timedelta(hours=2), capacity=capacity, place_zh="界河公园",
        max_party=3, question_kind="choice",
        options=(
            OptionDraft("长江新村站", "Changjiang stop", ride=True, pickup_at=noon - HOUR),
            OptionDraft("不需要接送", "No ride"),
        ),
    )  # fmt: skip
    async with services.sessions() as session, session.begin():
        event = await create_event(session, draft=draft, by=None, scopes=ADMIN, publish=True)
        return event.id or 0


async def sign_up(services: Services, event_id: int, first_tg: int, *, ride: bool) -> list[int]:
    """Two D-town residents signed up (before the start), the first with a companion."""
    tz = services.settings.tz
    before = datetime.combine(datetime.now(tz).date(), time(12), tz) - timedelta(hours=13)
    residents = await people(services.sessions, "D", first_tg, 2)
    made = []
    async with services.sessions() as session, session.begin():
        first = await person(session, residents[0])
        first.phone = "+8613800001111"
        options = (
            await session.execute(
                select(EventOption).where(col(EventOption.event_id) == event_id)
                .order_by(col(EventOption.position))
            )
        ).scalars().all()  # fmt: skip
        for n, resident in enumerate(residents):
            done = await register(
                session, person=await person(session, resident), event_id=event_id,
                party_size=2 if n == 0 else 1,
                option_id=options[0 if ride and n == 0 else 1].id, now=before,
            )  # fmt: skip
            made.append(done.registration.id or 0)
    return made
