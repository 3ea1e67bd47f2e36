"""Seeded data for the joint meeting's tests: ratings with hand-computed figures, cases for the
agenda (with names and phone numbers in them that must never reach it), committee members.

All times are relative to the test's pinned instant ``now``: "current" ratings are 1–30 days
old, "previous" ones 90 days old (inside the period before for any two-month span), and one
is 200 days old (in neither).

The hand-computed figures (current / previous):

=================  ==========  ==========  ========  =========
item               current     sum/count   average   previous
=================  ==========  ==========  ========  =========
venue d-canteen    2, 3, 3     8 / 3       2.67 low  4, 4 → 4.0
venue d-health     2, 2        4 / 2       2.0       —  (too few to be low)
venue q-hall       5, 4        9 / 2       4.5       —
event 边界联谊会(D)  5, 5, 4, 4  18 / 4      4.5       —
event 知青讲座(Q)    1, 2, 3     6 / 3       2.0 low   3 → 3.0
cases led by D     3, 2, 4     9 / 3       3.0 low   —
cases led by Q     5           5 / 1       5.0       —
town D             —           39 / 12     3.25      8 / 2 → 4.0
town Q             —           20 / 6      3.33      3 / 1 → 3.0
=================  ==========  ==========  ========  =========
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from itertools import count

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from bot.context import Services
from models.booking import Booking, BookingFeedback, Slot
from models.core.authz import Role, grant_role
from models.core.base import TOWNS_TZ
from models.core.places import Town, Venue
from models.disputes import DisputeCase
from models.events import Event, EventRating, Registration
from tests.factories import make_person

NAMES = ("李大爷", "王阿姨", "张奶奶")
PHONES = ("13912345678", "13812345678", "13712345678")
COMMENT = "饭菜太咸了，李大爷说的"  # a comment: shown in /ratings, never in the agenda
_codes = count(1)


@dataclass
class Seeded:
    """Ids by key: towns ``D``/``Q``, venues by code, events ``e_d``/``e_q``, residents."""

    towns: dict[str, int] = field(default_factory=dict)
    venues: dict[str, int] = field(default_factory=dict)
    events: dict[str, int] = field(default_factory=dict)
    residents: list[int] = field(default_factory=list)


def ago(now: datetime, days: float) -> datetime:
    """``days`` before ``now``."""
    return now - timedelta(days=days)


async def _ids(session: AsyncSession, model: type[Town] | type[Venue]) -> dict[str, int]:
    rows = (await session.execute(select(model.code, model.id))).all()  # type: ignore[call-overload]
    return {code: row_id for code, row_id in rows}


async def _venue_ratings(
    session: AsyncSession,
    venue_id: int,
    person: int,
    given: list[tuple[int, datetime, str | None, str | None]],
) -> None:
    for rating, at, comment, voice in given:
        slot = Slot(
            venue_id=venue_id,
            starts_at=at - timedelta(hours=2),
            ends_at=at - timedelta(hours=1),
            capacity=1,
        )
        session.add(slot)
        await session.flush()
        booking = Booking(
            slot_id=slot.id or 0, person_id=person, status="attended", code=f"gm-b{next(_codes)}"
        )
        session.add(booking)
        await session.flush()
        session.add(
            BookingFeedback(
                booking_id=booking.id or 0,
                person_id=person,
                rating=rating,
                comment=comment,
                voice_file_id=voice,
                created_at=at,
                updated_at=at,
            )
        )


async def _event(
    session: AsyncSession, code: str, zh: str, en: str, town: int, now: datetime
) -> int:
    event = Event(
        code=code,
        name_zh=zh,
        name_en=en,
        host_town_id=town,
        starts_at=ago(now, 100),
        ends_at=ago(now, 100) + timedelta(hours=2),
        capacity=50,
    )
    session.add(event)
    await session.flush()
    return event.id or 0


async def _event_ratings(
    session: AsyncSession, event_id: int, people: list[int], given: list[tuple[int, datetime]]
) -> None:
    for n, (rating, at) in enumerate(given):
        person = people[n % len(people)]
        reg = Registration(
            event_id=event_id, person_id=person, status="attended", code=f"gm-r{next(_codes)}"
        )
        session.add(reg)
        await session.flush()
        session.add(
            EventRating(
                registration_id=reg.id or 0,
                event_id=event_id,
                person_id=person,
                rating=rating,
                created_at=at,
            )
        )


def case(
    number: str,
    lead: int,
    category: str,
    status: str,
    *,
    reporter: int | None = None,
    rating: int | None = None,
    answered: datetime | None = None,
    level: int = 0,
    expected: date | None = None,
) -> DisputeCase:
    """A case row, its description naming the reporter with a phone number."""
    return DisputeCase(
        number=number,
        town_id=lead,
        lead_town_id=lead,
        category=category,
        parties="same_community",
        reporter_id=reporter,
        status=status,
        rating=rating,
        followup_answered_at=answered,
        escalation_level=level,
        expected_on=expected,
        description=f"{NAMES[0]}和邻居吵架，电话{PHONES[0]}",
    )


async def seed_ratings(services: Services, now: datetime) -> Seeded:
    """The ratings of the table above."""
    seeded = Seeded()
    for n, (name, phone) in enumerate(zip(NAMES, PHONES, strict=True)):
        town, community = ("Q", "q-xinglong") if n == 2 else ("D", "d-changjiang")
        person = await make_person(
            services.sessions, 960001 + n, town, community, name=name, phone=phone
        )
        seeded.residents.append(person.id or 0)
    people = seeded.residents
    async with services.sessions() as session, session.begin():
        seeded.towns = await _ids(session, Town)
        seeded.venues = await _ids(session, Venue)
        d, q = seeded.towns["D"], seeded.towns["Q"]
        voice = "voice-file-1"
        await _venue_ratings(
            session,
            seeded.venues["d-canteen"],
            people[0],
            [
                (2, ago(now, 1), COMMENT, None),
                (3, ago(now, 2), None, voice),
                (3, ago(now, 3), None, None),
                (4, ago(now, 90), "以前很好", None),
                (4, ago(now, 91), None, None),
                (1, ago(now, 200), "太久以前", None),
                (1, now + timedelta(hours=1), None, None),
            ],
        )
        await _venue_ratings(
            session,
            seeded.venues["d-health"],
            people[1],
            [(2, ago(now, 5), None, None), (2, ago(now, 6), None, None)],
        )
        await _venue_ratings(
            session,
            seeded.venues["q-hall"],
            people[2],
            [(5, ago(now, 10), "很好", None), (4, ago(now, 30), None, None)],
        )
        e_d = await _event(session, "gm-border", "边界联谊会", "Border gathering", d, now)
        e_q = await _event(session, "gm-zhiqing", "知青讲座", "Zhiqing talk", q, now)
        seeded.events = {"e_d": e_d, "e_q": e_q}
        await _event_ratings(
            session,
            e_d,
            people,
            [(5, ago(now, 4)), (5, ago(now, 4)), (4, ago(now, 4)), (4, ago(now, 4))],
        )
        await _event_ratings(
            session,
            e_q,
            people,
            [(1, ago(now, 7)), (2, ago(now, 7)), (3, ago(now, 7)), (3, ago(now, 95))],
        )
        for n, rating in enumerate((3, 2, 4)):
            session.add(
                case(
                    f"D-GM-{n}",
                    d,
                    "noise",
                    "resolved",
                    reporter=people[0],
                    rating=rating,
                    answered=ago(now, 8 + n),
                )
            )
        session.add(
            case(
                "Q-GM-0",
                q,
                "family",
                "resolved",
                reporter=people[2],
                rating=5,
                answered=ago(now, 9),
            )
        )
    return seeded


async def seed_agenda_cases(services: Services, seeded: Seeded, now: datetime) -> None:
    """Open cases for the agenda: D noise escalated ×2, D property overdue ×1, Q money escalated
    and overdue ×1; and three that must not count (on time, closed, not escalated)."""
    d, q = seeded.towns["D"], seeded.towns["Q"]
    today = now.astimezone(TOWNS_TZ).date()
    people = seeded.residents
    async with services.sessions() as session, session.begin():
        session.add_all(
            [
                case("D-AG-1", d, "noise", "new", reporter=people[0], level=1),
                case("D-AG-2", d, "noise", "accepted", reporter=people[1], level=2),
                case(
                    "D-AG-3",
                    d,
                    "property",
                    "in_mediation",
                    reporter=people[0],
                    expected=today - timedelta(days=1),
                ),
                case(
                    "Q-AG-1",
                    q,
                    "money",
                    "new",
                    reporter=people[2],
                    level=3,
                    expected=today - timedelta(days=3),
                ),
                case(
                    "D-AG-4",
                    d,
                    "noise",
                    "in_mediation",
                    reporter=people[0],
                    expected=today + timedelta(days=1),
                ),
                case("D-AG-5", d, "family", "resolved", reporter=people[0], level=3),
                case("D-AG-6", d, "noise", "new", reporter=people[1]),
            ]
        )


async def make_member(
    services: Services,
    user_id: int,
    role: Role,
    town: str = "D",
    *,
    name: str = "委员",
    language: str = "zh_CN",
) -> int:
    """A person holding ``role`` (committee, secretary, admin …) in ``town``; their id."""
    community = "q-xinglong" if town == "Q" else "d-changjiang"
    person = await make_person(
        services.sessions, user_id, town, community, language=language, name=name
    )
    async with services.sessions() as session, session.begin():
        town_id = (
            await session.execute(select(col(Town.id)).where(col(Town.code) == town))
        ).scalar_one()
        await grant_role(session, person.id or 0, role, town_id)
    return person.id or 0
