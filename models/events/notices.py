"""What an event sends on its own, all outbox rows in the caller's transaction, rendered in the
recipient's language when sent: the receipt for someone registered by a proxy, reminders
(1 day and 2 hours before), offers, change and cancellation notices, rating requests and the
closing report. A message that asks is a question (``models.core.questions``).

Keys: ``event:<event>:…`` for notices, ``reminder:event:<registration>:r<revision>:<1d|2h>:…``
for reminders, so an edited time plans new rows and the old ones are cancelled by prefix.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from models.booking import town_admins
from models.core.base import N_
from models.core.catalogue import centre_of
from models.core.outbox import (
    OutboxKind,
    bilingual_param,
    message_param,
    message_payload,
    notify,
    qr_param,
    when_param,
)
from models.core.people import Person
from models.core.places import Venue
from models.core.questions import QUESTION, question
from models.core.reminders import cancel_reminders, remind_all, reminder
from models.events.tables import Event, EventOption, Registration

REMINDERS = (("1d", timedelta(days=1)), ("2h", timedelta(hours=2)))
REMINDER_QUESTION = "events.reminder"  # question kinds, answered by the events conversations
OFFER_QUESTION = "events.offer"
RATING_QUESTION = "events.rating"
STARS = (
    (5, N_("events.rating.stars.5")),
    (4, N_("events.rating.stars.4")),
    (3, N_("events.rating.stars.3")),
    (2, N_("events.rating.stars.2")),
    (1, N_("events.rating.stars.1")),
)
CHECKIN_LINK = "ev_"  # /start ev_<registration code>: the receipt's check-in QR code


async def describe_event(session: AsyncSession, event: Event) -> dict[str, Any]:
    """What, where and when, as structured message parameters."""
    where = bilingual_param(event.place_zh, event.place_en)
    if event.venue_id is not None:
        venue = await session.get(Venue, event.venue_id)
        centre = await centre_of(session, venue.centre_id) if venue else None
        if venue is not None and centre is not None:
            where = bilingual_param(
                f"{centre.name_zh} {venue.name_zh}", f"{centre.name_en} {venue.name_en}"
            )
    return {
        "event": bilingual_param(event.name_zh, event.name_en),
        "when": when_param(event.starts_at),
        "where": where,
        "directions": bilingual_param(event.directions_zh or "—", event.directions_en),
    }


async def people_of(session: AsyncSession, registration: Registration) -> list[Person]:
    """The registered person and, for a proxy registration, the proxy: each once."""
    ids = [registration.person_id]
    if registration.booked_by_id:
        ids.append(registration.booked_by_id)
    people = [await session.get(Person, pid) for pid in dict.fromkeys(ids)]
    return [p for p in people if p is not None]


async def tell(
    session: AsyncSession,
    registration: Registration,
    key: str,
    message_id: str,
    *,
    urgent: bool = True,
    **params: Any,
) -> int:
    """A status message about a registration to the person and their proxy (each once per
    ``key``); returns how many were enqueued."""
    sent = 0
    for person in await people_of(session, registration):
        sent += await notify(
            session,
            person,
            OutboxKind.STATUS,
            message_payload(message_id, **params),
            dedupe_key=f"event:{registration.event_id}:reg:{registration.id}:{key}:{person.id}",
            urgent=urgent,
        )
    return sent


async def send_receipt(session: AsyncSession, registration: Registration, event: Event) -> None:
    """The receipt with its check-in QR code, to a person a proxy registered (the person who
    registered themselves gets it as the reply on screen)."""
    resident = await session.get(Person, registration.person_id)
    if resident is None or registration.booked_by_id in (None, registration.person_id):
        return
    payload = message_payload(
        N_("events.receipt"),
        plural="party",
        party=registration.party_size,
        **await describe_event(session, event),
    )
    payload["qr"] = qr_param(CHECKIN_LINK + registration.code, N_("events.receipt.qr"))
    await notify(
        session,
        resident,
        OutboxKind.STATUS,
        payload,
        dedupe_key=f"event:{event.id}:reg:{registration.id}:receipt:{resident.id}",
        urgent=True,
    )


def reminder_question(registration_id: int) -> dict[str, Any]:
    """The day-before reminder's question: 1 coming (the safe answer first), 2 cancel."""
    return question(
        REMINDER_QUESTION,
        registration_id,
        ("yes", N_("events.choice.coming"), N_("events.words.coming")),
        ("no", N_("events.choice.cancel_it")),  # cancelling: only its own words pick it
    )


async def ride_param(session: AsyncSession, registration: Registration) -> dict[str, Any] | str:
    """The pick-up point and time for a rider, as a message parameter ("" for the others)."""
    if registration.option_id is None:
        return ""
    option = await session.get(EventOption, registration.option_id)
    if option is None or not option.ride:
        return ""
    if option.pickup_at is None:
        return message_param(
            N_("events.reminder.ride"), point=bilingual_param(option.label_zh, option.label_en)
        )
    return message_param(
        N_("events.reminder.ride_at"),
        point=bilingual_param(option.label_zh, option.label_en),
        at=when_param(option.pickup_at),
    )


def reminder_subject(registration: Registration, revision: int) -> str:
    """The reminders' subject for one registration at one revision of its event."""
    return f"event:{registration.id}:r{revision}"


async def plan_reminders(
    session: AsyncSession, registration: Registration, event: Event, now: datetime
) -> None:
    """1-day and 2-hour reminders for the person and their proxy; the first asks 1 / 2."""
    params = await describe_event(session, event)
    params["ride"] = await ride_param(session, registration)
    msgids = {"1d": N_("events.reminder.1d"), "2h": N_("events.reminder.2h")}
    planned = [
        reminder(
            person,
            f"{reminder_subject(registration, event.revision)}:{name}",
            event.starts_at - before,
            msgids[name],
            expires_at=event.starts_at,
            asks=reminder_question(registration.id or 0) if name == "1d" else None,
            **params,
        )
        for name, before in REMINDERS
        if event.starts_at - before > now
        for person in await people_of(session, registration)
    ]
    await remind_all(session, planned)


async def drop_reminders(session: AsyncSession, registration: Registration) -> int:
    """Cancel every pending reminder of a registration, whatever its revision."""
    return await cancel_reminders(session, f"event:{registration.id}")


async def send_offer(session: AsyncSession, registration: Registration, event: Event) -> None:
    """Offer held places to a waiting person: urgent, accept or decline before it lapses."""
    person = await session.get(Person, registration.person_id)
    if person is None or registration.offer_expires_at is None:
        return
    payload = message_payload(
        N_("events.offer"),
        plural="party",
        party=registration.party_size,
        until=when_param(registration.offer_expires_at),
        **await describe_event(session, event),
    )
    payload[QUESTION] = question(  # accepting first
        OFFER_QUESTION,
        registration.id,
        ("acc", N_("events.button.accept"), N_("events.words.accept")),
        ("dec", N_("events.button.decline")),
    )
    await notify(
        session,
        person,
        OutboxKind.WAITLIST_OFFER,
        payload,
        dedupe_key=f"event:{event.id}:reg:{registration.id}:offer:{registration.offered_at}",
        expires_at=registration.offer_expires_at,
        urgent=True,  # a window of hours: held back by quiet hours it would lapse unseen
    )


async def ask_rating(session: AsyncSession, registration: Registration, event: Event) -> bool:
    """Ask an attendee for a 1–5 rating (a question: 1 is the best, never destructive)."""
    person = await session.get(Person, registration.person_id)
    payload = message_payload(N_("events.rating.ask"), **await describe_event(session, event))
    payload[QUESTION] = question(
        RATING_QUESTION,
        registration.id,
        *((str(stars), label) for stars, label in STARS),
    )
    return await notify(
        session,
        person,
        OutboxKind.STATUS,
        payload,
        dedupe_key=f"event:{event.id}:reg:{registration.id}:rating",
    )


async def host_admins(session: AsyncSession, event: Event) -> list[Person]:
    """The admins of the host towns (both, for a co-hosted event), each once."""
    found: dict[int | None, Person] = {}
    for town_id in event.host_towns:
        for admin in await town_admins(session, town_id):
            found[admin.id] = admin
    return list(found.values())
