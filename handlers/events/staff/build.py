"""From the creation conversation's answers to the model's ``EventDraft``, and the restatement
shown before the organiser confirms."""

from __future__ import annotations

import secrets
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.context import TongxinContext
from bot.timefmt import format_span
from handlers.events.staff.steps import NONE, OTHER, Draft, choices_of, day_of
from models.events import EventDraft, OptionDraft


def _at(d: Draft, clock: str, tz: ZoneInfo) -> datetime:
    return datetime.combine(day_of(d), time.fromisoformat(clock), tz)


def new_code(starts_at: datetime) -> str:
    """A unique event code: its day and a few random letters (``ev-20260503-a1b2c3``)."""
    return f"ev-{starts_at:%Y%m%d}-{secrets.token_hex(3)}"


def build_draft(d: Draft, tz: ZoneInfo, code: str | None = None) -> EventDraft:
    """The event the answers describe."""
    starts, ends = _at(d, str(d["start"]), tz), _at(d, str(d["end"]), tz)
    zh, en = d.get("langs") in ("both", "zh_CN"), d.get("langs") in ("both", "en")
    audience = str(d.get("audience", "all"))
    question = d.get("question", NONE)
    held_back = int(d.get("held_back") or 0)
    deadline = int(d.get("deadline") or 0)
    options = tuple(
        OptionDraft(
            label_zh=zh_label,
            label_en=en_label,
            ride=bool(pickup),
            pickup_at=_at(d, pickup, tz) if pickup else None,
        )
        for zh_label, en_label, pickup in (d.get("options") or [])
    )
    venue = d.get("venue")
    return EventDraft(
        code=code or new_code(starts),
        name_zh=d.get("name_zh", "") if zh else "",
        name_en=d.get("name_en", "") if en else "",
        description_zh=d.get("description_zh", "") if zh else "",
        description_en=d.get("description_en", "") if en else "",
        missing_language=None if zh and en else ("en" if zh else "zh_CN"),
        poster_file_id=d.get("poster"),
        topic=str(d.get("topic", "events")),
        host_town_id=int(d["host"]),
        cohost_town_id=d.get("cohost"),
        venue_id=None if venue in (None, OTHER) else int(venue),
        place_zh=d.get("place", "") if venue == OTHER else "",
        directions_zh=d.get("directions", "") if venue == OTHER else "",
        starts_at=starts,
        ends_at=ends,
        capacity=int(d["capacity"]),
        held_back=held_back,
        held_back_until=starts - timedelta(days=int(d["release"])) if held_back else None,
        registration_closes_at=starts - timedelta(hours=deadline) if deadline else None,
        audience_town_id=int(audience.split(":")[1]) if audience.startswith("town:") else None,
        audience_community_id=int(d["community"]) if audience == "community" else None,
        max_party=int(d.get("party") or 1),
        question_kind=None if question == NONE else str(question),
        question_zh=d.get("question_zh", "") if question != NONE else "",
        question_en=d.get("question_en", "") if question != NONE else "",
        quotas={int(t): q for t, q in (d.get("quotas") or {}).items() if q >= 0},
        options=options if question == "choice" else (),
    )


async def summary(context: TongxinContext, d: Draft) -> str:
    """Everything the organiser chose, restated before they confirm."""
    t, lang, tz = context.t, context.lang, context.services.settings.tz
    draft = build_draft(d, tz, code="-")
    found = await choices_of(context)
    towns = {x.id: x.name(lang) for x in found.towns}
    venues = {v.id: v.name(lang) for v, _town in found.venues}
    communities = {c.id: c.name(lang) for c in found.communities}
    missing = t("events_staff.missing")
    hosts = towns.get(draft.host_town_id, "")
    if draft.cohost_town_id:
        hosts = t("events_staff.summary.hosts", host=hosts, cohost=towns.get(draft.cohost_town_id))
    quota_lines = [
        t("events_staff.summary.quota", town=towns.get(town_id, ""), n=quota)
        for town_id, quota in draft.quotas.items()
    ]
    audience = t("events_staff.opt.everyone")
    if draft.audience_town_id:
        audience = t("events_staff.opt.town_only", town=towns.get(draft.audience_town_id, ""))
    elif draft.audience_community_id:
        audience = communities.get(draft.audience_community_id, "")
    words: dict[str, Any] = {
        "name_zh": draft.name_zh or missing,
        "name_en": draft.name_en or missing,
        "hosts": hosts,
        "place": venues.get(draft.venue_id, "") if draft.venue_id else draft.place_zh,
        "when": format_span(draft.starts_at, draft.ends_at, lang, tz),
        "capacity": draft.capacity,
        "quotas": "\n".join(quota_lines) or t("events_staff.summary.no_quotas"),
        "held_back": draft.held_back,
        "audience": audience,
        "topic": t(f"topic.{draft.topic}"),
        "party": draft.max_party,
        "question": draft.question_zh or draft.question_en or t("events_staff.summary.no_question"),
        "poster": t("events_staff.summary.poster") if draft.poster_file_id else "-",
    }
    return t("events_staff.summary", **words)
