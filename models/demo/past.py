"""The demo history's joint events, disputes and suggestions (``models.demo.history`` seeds
the rest)."""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from models.core.base import TOWNS_TZ
from models.core.people import Person
from models.disputes import CaseStatus, Category, DisputeCase, Parties
from models.events import Event, EventRating, EventStatus, Registration, RegStatus
from models.governance import Subject, SuggestionDraft, send_suggestion

# (code, name_zh, name_en, host town, co-host town, months back, day of month)
PAST_EVENTS = (
    ("hist-health-talk", "两镇健康讲座", "Health talk for both towns", "D", "Q", 5, 12),
    ("hist-river-walk", "江边健步走", "Riverside walk", "Q", None, 4, 18),
    ("hist-mid-autumn", "中秋联欢会", "Mid-Autumn gathering", "D", "Q", 3, 16),
    ("hist-job-fair", "两镇创业指导会", "Entrepreneurship guidance day", "Q", "D", 2, 20),
    ("hist-tea-chat", "邻里茶话会", "Neighbours' tea", "Q", None, 1, 9),
)
EVENT_COMMENTS = ("活动很热闹，认识了对岸的新朋友。", "希望下次多安排座位。", "交通接送很方便。")
CASE_CATEGORIES = (Category.NOISE, Category.SHARED_SPACE, Category.PROPERTY, Category.CROSS_BORDER)


def _at(start: datetime, months_back: int, day: int, hour: int) -> datetime:
    local = start.astimezone(TOWNS_TZ)
    year, month = local.year, local.month + (6 - months_back)
    while month > 12:
        year, month = year + 1, month - 12
    return datetime.combine(datetime(year, month, day).date(), time(hour), TOWNS_TZ)


async def past_events(
    session: AsyncSession,
    rng: random.Random,
    ids: dict[str, int],
    residents: dict[str, list[int]],
    start: datetime,
    now: datetime,
) -> int:
    """Five joint events of the past months, with who came and what they thought of it."""
    count = 0
    for code, name_zh, name_en, host, cohost, back, day in PAST_EVENTS:
        starts = _at(start, back, day, 14)
        if starts >= now:
            continue
        event = Event(
            code=code,
            status=EventStatus.PUBLISHED.value,
            name_zh=name_zh,
            name_en=name_en,
            host_town_id=ids[host],
            cohost_town_id=ids[cohost] if cohost else None,
            place_zh="党群服务中心",
            place_en="the Party-Mass Service Centre",
            starts_at=starts,
            ends_at=starts + timedelta(hours=2),
            capacity=40,
            created_at=starts - timedelta(days=14),
            closed_at=starts + timedelta(hours=3),
        )
        session.add(event)
        await session.flush()
        people = rng.sample(residents["D"], 12) + rng.sample(residents["Q"], 12)
        registrations = []
        for number, person in enumerate(people):
            came = rng.random() < 0.85
            registrations.append(
                Registration(
                    event_id=int(event.id or 0),
                    person_id=person,
                    town_id=ids["D"] if person in residents["D"] else ids["Q"],
                    status=(RegStatus.ATTENDED if came else RegStatus.NO_SHOW).value,
                    code=f"hist-{code[5:9]}{number:03d}",
                    created_at=starts - timedelta(days=rng.randint(2, 10)),
                    checked_in_at=starts if came else None,
                )
            )
        session.add_all(registrations)
        await session.flush()
        event.taken = sum(1 for r in registrations if r.status == RegStatus.ATTENDED.value)
        session.add_all(
            [
                EventRating(
                    registration_id=int(r.id or 0),
                    event_id=int(event.id or 0),
                    person_id=r.person_id,
                    rating=rng.choice((3, 4, 5, 5)),
                    comment=rng.choice(EVENT_COMMENTS) if rng.random() < 0.3 else None,
                    created_at=event.ends_at,
                )
                for r in registrations
                if r.status == RegStatus.ATTENDED.value and rng.random() < 0.6
            ]
        )
        count += len(registrations)
    await session.flush()
    return count


async def past_cases(
    session: AsyncSession,
    rng: random.Random,
    ids: dict[str, int],
    residents: dict[str, list[int]],
    start: datetime,
    now: datetime,
) -> int:
    """Disputes of the past months: most resolved (a few jointly), two open, one escalated."""
    cases = []
    for number in range(1, 19):
        town = "D" if number % 2 else "Q"
        reported = start + timedelta(days=number * 9, hours=rng.randint(1, 8))
        if reported >= now - timedelta(days=2):
            break
        joint = number % 5 == 0
        open_case = number in (16, 17)
        days_to_close = rng.randint(2, 20)
        cases.append(
            DisputeCase(
                number=f"{town}-H{number:03d}",
                town_id=ids[town],
                lead_town_id=ids[town],
                joint=joint,
                category=(Category.CROSS_BORDER if joint else rng.choice(CASE_CATEGORIES)).value,
                parties=(Parties.OTHER_TOWN if joint else Parties.SAME_COMMUNITY).value,
                reporter_id=rng.choice(residents[town]),
                reporter_town_id=ids[town],
                description="（演示）邻里纠纷，已隐去细节。",
                status=(CaseStatus.NEW if number == 17 else CaseStatus.IN_MEDIATION)
                if open_case
                else CaseStatus.RESOLVED,
                # Settled history: fully escalated already, nudged, followed up, so the demo's
                # jobs have nothing left to send about it.
                escalation_level=3 if number == 17 else 0,
                routed_at=reported,
                realerted_at=reported if number == 17 else None,
                head_alerted_at=reported if number == 17 else None,
                admins_alerted_at=reported if number == 17 else None,
                nudged_at=now,
                accepted_at=None if number == 17 else reported + timedelta(hours=3),
                closed_at=None if open_case else reported + timedelta(days=days_to_close),
                solved=None if open_case else rng.random() < 0.85,
                rating=None if open_case else rng.choice((3, 4, 5)),
                followup_sent_at=None
                if open_case
                else reported + timedelta(days=days_to_close + 7),
                followup_answered_at=None
                if open_case
                else reported + timedelta(days=days_to_close + 8),
                created_at=reported,
                last_update_at=reported + timedelta(days=1),
            )
        )
    session.add_all(cases)
    await session.flush()
    return len(cases)


# (resident's town, venue code or None for the bot, days ago, words): what the demo's residents
# suggested lately, so the admins' queue and the meeting's agenda have something to show.
PAST_SUGGESTIONS = (
    ("Q", "q-canteen", 20, "助餐食堂的菜偏咸，老人吃不惯，希望少放点盐。"),
    ("D", "q-canteen", 12, "希望Q镇食堂多做一些软烂的菜。"),
    ("Q", "q-canteen", 5, "食堂排队时间太长，能不能多开一个窗口？"),
    ("D", "d-health", 9, "体检能不能增加周六上午的时段？"),
    ("Q", None, 3, "小助手的字再大一点就更好了。"),
)


async def past_suggestions(
    session: AsyncSession, ids: dict[str, int], residents: dict[str, list[int]], now: datetime
) -> int:
    """A few recent suggestions (open), numbered as residents' own would be."""
    for number, (town, venue, days, words) in enumerate(PAST_SUGGESTIONS):
        person = await session.get(Person, residents[town][number])
        assert person is not None
        subject = Subject.VENUE if venue else Subject.BOT
        draft = SuggestionDraft(subject, ids[venue] if venue else None, text=words)
        await send_suggestion(session, person=person, draft=draft, now=now - timedelta(days=days))
    return len(PAST_SUGGESTIONS)
