"""How the events screens word an event: the day as words (今天 / 明天 / 本周六), places left
as words ("还有 12 个名额"), a list label, the details and the receipt."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from babel.dates import format_date

from bot.context import TongxinContext
from bot.i18n import N_
from bot.timefmt import format_clock, format_day, resolve_params
from handlers.kit import today
from models.events import Event, EventDetails, Registration, RegStatus

_LOCALE = {"zh_CN": "zh_Hans_CN", "en": "en_GB"}
TOPICS = {  # the topics staff pick from; another one is shown as they wrote it
    "events": N_("events_resident.topic.events"),
    "culture": N_("events_resident.topic.culture"),
    "festival": N_("events_resident.topic.festival"),
    "history": N_("events_resident.topic.history"),
    "health": N_("events_resident.topic.health"),
    "learning": N_("events_resident.topic.learning"),
}


def day_words(context: TongxinContext, day: date) -> str:
    """今天 / 明天 / 后天 / 本周六 / 下周二, else the date with its weekday."""
    t, lang, now = context.t, context.lang, today(context)
    ahead = (day - now).days
    short = format_day(day, lang, short=True)
    weekday = format_date(day, "EEE", locale=_LOCALE.get(lang, _LOCALE["zh_CN"]))
    monday = now - timedelta(days=now.weekday())
    if ahead == 0:
        return t("events_resident.day.today")
    if ahead == 1:
        return t("events_resident.day.tomorrow")
    if ahead == 2:
        return t("events_resident.day.after_tomorrow")
    if ahead > 0 and day < monday + timedelta(days=7):
        return t("events_resident.day.this_week", weekday=weekday)
    if day < monday + timedelta(days=14):
        return t("events_resident.day.next_week", weekday=weekday, date=short)
    return short


def when_words(context: TongxinContext, event: Event) -> str:
    """The event's day in words and its hours: 本周六 09:00–12:00."""
    tz = context.services.settings.tz
    day = day_words(context, event.starts_at.astimezone(tz).date())
    return context.t(
        "events_resident.when",
        day=day,
        start=format_clock(event.starts_at, tz),
        end=format_clock(event.ends_at, tz),
    )


def places_words(context: TongxinContext, left_for_town: int) -> str:
    """还有 12 个名额, or full (people can line up)."""
    if left_for_town <= 0:
        return context.t("events_resident.places.full")
    return context.t.n("events_resident.places.left", left_for_town, left=left_for_town)


def event_name(context: TongxinContext, event: Event) -> str:
    """The event's title in the person's language (the other one when it was not given)."""
    return event.name(context.lang)


def topic_label(context: TongxinContext, topic: str) -> str:
    """A topic in words (a topic staff invented is shown as they wrote it)."""
    msgid = TOPICS.get(topic)
    return context.t(msgid) if msgid is not None else topic


def line_label(context: TongxinContext, event: Event, left_for_town: int) -> str:
    """One event on a list: when, what, places left."""
    return context.t(
        "events_resident.line",
        when=when_words(context, event),
        name=event_name(context, event),
        places=places_words(context, left_for_town),
    )


def described(context: TongxinContext, details: EventDetails) -> dict[str, Any]:
    """What, when, where and directions as plain words for the person."""
    return resolve_params(details.described, context.lang, context.services.settings.tz)


def _pick(context: TongxinContext, zh: str, en: str) -> str:
    return (en or zh) if context.lang == "en" else (zh or en)


def details_text(context: TongxinContext, details: EventDetails) -> str:
    """What, when, where, how to get there, accessibility, places for the person's town, what
    to bring, and the person's own registration if any."""
    event, words = details.event, described(context, details)
    text = context.t(
        "events_resident.details",
        name=event_name(context, event),
        about=_pick(context, event.description_zh, event.description_en) or "—",
        when=when_words(context, event),
        where=words["where"] or "—",
        directions=_pick(context, event.directions_zh, event.directions_en) or "—",
        access=_pick(context, event.accessibility_zh, event.accessibility_en) or "—",
        bring=_pick(context, event.bring_zh, event.bring_en) or "—",
        places=places_words(context, details.left_for_town),
        most=event.max_party,
    )
    mine = details.mine
    if mine is None:
        return text
    return f"{text}\n\n{status_words(context, mine, details.position)}"


def status_words(context: TongxinContext, registration: Registration, position: int | None) -> str:
    """Where the person's registration stands, in words."""
    t, party = context.t, registration.party_size
    if registration.status == RegStatus.WAITLISTED.value:
        return t.n("events_resident.status.waiting", party, party=party, position=position or 1)
    if registration.status == RegStatus.OFFERED.value:
        return t.n("events_resident.status.offered", party, party=party)
    if registration.status == RegStatus.ATTENDED.value:
        return t("events_resident.status.attended")
    if registration.status == RegStatus.NO_SHOW.value:
        return t("events_resident.status.no_show")
    if registration.status == RegStatus.CANCELLED.value:
        return t("events_resident.status.cancelled")
    return t.n("events_resident.status.confirmed", party, party=party)
