"""Helpers for the events.csv tests: a good file on days ahead of the pinned clock, import and
export through the model, an event by its code."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlmodel import col, select

from bot.context import Services
from models.core.base import TOWNS_TZ
from models.events import Event, export_events, export_registrations, import_events

HEADER = (
    "code,status,name_zh,name_en,missing_language,host_town,cohost_town,venue_code,place_zh,"
    "place_en,starts_at,ends_at,capacity,quota_D,quota_Q,held_back,held_back_until,"
    "registration_closes_at,audience,topic,max_party,question_kind,question_zh,question_en,"
    "options"
)


def days(now: datetime) -> tuple[date, date]:
    """Two local days ahead of the pinned clock (whatever its time, month or year)."""
    today = now.astimezone(TOWNS_TZ).date()
    return today + timedelta(days=12), today + timedelta(days=15)


def good_file(now: datetime) -> str:
    """A published event with quotas, held-back places and a ride question; a draft."""
    day, later = days(now)
    border = (
        f"border-x,published,界河联谊会,Border gathering,,Q,D,,界河公园,Border River Park,"
        f"{day} 09:00,{day} 12:00,60,25,25,10,{day - timedelta(days=3)} 09:00,"
        f"{day - timedelta(days=1)} 18:00,all,events,2,choice,是否需要接送,Need a ride?,"
        '"长江新村站 / Changjiang stop 08:00 | 不需要接送 / No ride"'
    )
    tea = (
        f"tea-talk,,茶话会,,en,D,,d-activity,,,{later} 14:00,{later} 16:00,20,,,0,,,"
        "community:d-hongmei,culture,1,text,饮食要求,,"
    )
    return "\n".join((HEADER, border, tea)) + "\n"


async def run_import(services: Services, text: str) -> str:
    """Import events.csv text in one transaction; the report's line."""
    async with services.sessions() as session, session.begin():
        report = await import_events(session, text=text, tz=services.settings.tz)
    return report.summary()


async def export(services: Services, kind: str = "events") -> str:
    """events.csv or registrations.csv text."""
    write = export_events if kind == "events" else export_registrations
    async with services.sessions() as session:
        return await write(session, tz=services.settings.tz)


async def event_by_code(services: Services, code: str) -> Event:
    """The stored event with this code."""
    async with services.sessions() as session:
        query = select(Event).where(col(Event.code) == code)
        return (await session.execute(query)).scalar_one()
