"""Demo joint events, made through the events model's own use cases (``create_event``).

The border friendship gathering is a real joint event: 40 places shared 20/20 by the two
towns, up to 3 people a registration, and the question 是否需要接送 whose answers are pick-up
points (with their times) and 不用，自己去. Q town hosts it alone, in its hall: D town takes
part through its quota, and the closing report (to Q's admins) counts D's residents as "from
the other town" (with D as co-host that line would count nobody).

Seeding is idempotent: an event whose code exists is left alone (an admin may have changed it
since), except that an event seeded before the demo had these details (no description in
either language) gets them, through ``edit_event`` and its missing quotas and options.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from models.core.authz import Role, Scope
from models.events import (
    HOLDING,
    Event,
    EventDraft,
    EventOption,
    EventQuota,
    OptionDraft,
    QuestionKind,
    Registration,
    create_event,
    edit_event,
    quotas_of,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
# The demo's seeding acts as the operator at the command line does (an admin of both towns).
SEEDER = frozenset({Scope(Role.ADMIN, None)})
# What an event seeded before the demo had details gets (never its time, place or names).
DETAILS = (
    "description_zh", "description_en", "directions_zh", "directions_en", "accessibility_zh",
    "accessibility_en", "bring_zh", "bring_en", "cohost_town_id", "capacity", "max_party",
    "question_kind", "question_zh", "question_en",
)  # fmt: skip


@dataclass(frozen=True)
class Pickup:
    """A pick-up point of the ride question: its words and the local time of the pick-up."""

    label_zh: str
    label_en: str
    at: time | None  # None: not a ride (e.g. 不用，自己去)


@dataclass(frozen=True)
class DemoEvent:
    """One demo event; the day is counted from the day the demo database is first seeded."""

    code: str
    host: str  # town code
    venue: str  # venue code
    name_zh: str
    name_en: str
    topic: str
    days: int  # from the seeding day
    hour: int
    hours: int
    about: tuple[str, str] = ("", "")  # description (zh, en)
    directions: tuple[str, str] = ("", "")
    access: tuple[str, str] = ("", "")
    bring: tuple[str, str] = ("", "")
    cohost: str | None = None
    capacity: int = 50
    quotas: tuple[tuple[str, int], ...] = ()  # (town code, places)
    max_party: int = 1
    question: tuple[str, str] | None = None  # a choice question (zh, en)
    options: tuple[Pickup, ...] = ()


EVENTS = [
    DemoEvent(
        "border-friendship", "Q", "q-hall",
        "两镇交界老年联谊会", "Border friendship gathering for seniors", "events", 10, 9, 3,
        about=(
            "D镇和Q镇的老人一起喝茶、聊天、唱老歌，有沪剧和江海小调表演，还有免费量血压。"
            "两镇居民都欢迎，可以带家人一起来。",
            "Seniors of D town and Q town meet for tea, a chat and old songs, with Shanghai "
            "opera and Jianghai folk tunes, and a free blood-pressure check. Residents of both "
            "towns are welcome, and family may come along.",
        ),
        directions=(
            "在Q镇党群服务中心（新馆）一楼大厅。需要接送的，请在报名时选上车点；"
            "自己去的，乘公交启东 8 路到兴隆路站，中心正门进。",
            "In the hall on the ground floor of the Q town centre (new building). If you need "
            "a ride, choose a pick-up point when you sign up; otherwise take bus Qidong 8 to "
            "Xinglong Road and use the main entrance.",
        ),
        access=(
            "一楼，无台阶，有无障碍卫生间；现场可借轮椅。",
            "Ground floor, step-free, accessible toilet; wheelchairs to borrow on site.",
        ),
        bring=(
            "身份证或社保卡、水杯、平时吃的药。",
            "Your ID or social security card, a cup, and the medicines you usually take.",
        ),
        capacity=40, quotas=(("D", 20), ("Q", 20)), max_party=3,
        question=("是否需要接送？", "Do you need a ride?"),
        options=(
            Pickup("长江新村社区门口上车（8:00）", "Changjiang Xincun gate (8:00)", time(8)),
            Pickup("红梅社区门口上车（8:15）", "Hongmei Community gate (8:15)", time(8, 15)),
            Pickup("海滨社区门口上车（8:30）", "Haibin Community gate (8:30)", time(8, 30)),
            Pickup("不用，自己去", "No, I will make my own way", None),
        ),
    ),
    DemoEvent(
        "mid-autumn", "D", "d-activity",
        "中秋“同心”游园会", "Mid-Autumn 'Tongxin' garden party", "events", 20, 14, 2,
        about=(
            "猜灯谜、做月饼、听评弹，两镇邻居一起过节。",
            "Lantern riddles, making mooncakes and storytelling: the two towns celebrate "
            "together.",
        ),
    ),
    DemoEvent(
        "zhiqing-exhibition", "Q", "q-hall",
        "知青文化与垦拓精神展", "Exhibition: educated youth and land reclamation", "culture",
        30, 9, 6,
        about=(
            "老照片、老物件和老知青讲述当年围垦的故事。",
            "Old photographs, objects and former educated youth telling how the land was "
            "reclaimed.",
        ),
    ),
]  # fmt: skip


def _draft(spec: DemoEvent, ids: dict[str, int], starts_at: datetime) -> EventDraft:
    """The event's details as the events model takes them (pick-ups on the event's day)."""
    day = starts_at.astimezone(SHANGHAI).date()
    return EventDraft(
        code=spec.code,
        name_zh=spec.name_zh,
        name_en=spec.name_en,
        host_town_id=ids[spec.host],
        cohost_town_id=ids[spec.cohost] if spec.cohost else None,
        venue_id=ids[spec.venue],
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=spec.hours),
        capacity=spec.capacity,
        topic=spec.topic,
        description_zh=spec.about[0],
        description_en=spec.about[1],
        directions_zh=spec.directions[0],
        directions_en=spec.directions[1],
        accessibility_zh=spec.access[0],
        accessibility_en=spec.access[1],
        bring_zh=spec.bring[0],
        bring_en=spec.bring[1],
        max_party=spec.max_party,
        question_kind=QuestionKind.CHOICE.value if spec.question else None,
        question_zh=spec.question[0] if spec.question else "",
        question_en=spec.question[1] if spec.question else "",
        quotas={ids[town]: places for town, places in spec.quotas},
        options=tuple(
            OptionDraft(
                o.label_zh,
                o.label_en,
                ride=o.at is not None,
                pickup_at=datetime.combine(day, o.at, SHANGHAI) if o.at else None,
            )
            for o in spec.options
        ),
    )


async def seed_events(session: AsyncSession, ids: dict[str, int], base: date) -> dict[str, int]:
    """The demo events (published), created when missing; returns their ids by code."""
    out: dict[str, int] = {}
    for spec in EVENTS:
        query = select(Event).where(col(Event.code) == spec.code)
        event = (await session.execute(query)).scalar_one_or_none()
        if event is None:
            starts = datetime.combine(base + timedelta(days=spec.days), time(spec.hour), SHANGHAI)
            draft = _draft(spec, ids, starts)
            event = await create_event(session, draft=draft, by=None, scopes=SEEDER, publish=True)
        elif not (event.description_zh or event.description_en):
            await _add_details(session, event, _draft(spec, ids, event.starts_at))
        out[spec.code] = int(event.id or 0)
    return out


async def _add_details(session: AsyncSession, event: Event, draft: EventDraft) -> None:
    """Give an event seeded before the demo had details its details, quotas and options
    (its time stays: people may have registered for it). Options and quotas come first, so
    the edited event holds together (a choice question needs its options)."""
    event_id = int(event.id or 0)
    has_options = await session.execute(
        select(EventOption.id).where(col(EventOption.event_id) == event_id).limit(1)
    )
    if has_options.first() is None:  # so nobody has chosen one
        for position, option in enumerate(draft.options):
            session.add(EventOption(event_id=event_id, position=position, **option.__dict__))
    if not await quotas_of(session, event_id):
        for town_id, quota in draft.quotas.items():
            held = await _held(session, event_id, town_id)
            session.add(
                EventQuota(event_id=event_id, town_id=town_id, quota=max(quota, held), taken=held)
            )
    await session.flush()
    quotas = sum(q.quota for q in await quotas_of(session, event_id))
    draft = replace(draft, capacity=max(draft.capacity, event.taken, quotas))
    changes = {name: getattr(draft, name) for name in DETAILS}
    await edit_event(session, event_id=event_id, changes=changes, by=None, scopes=SEEDER)


async def _held(session: AsyncSession, event_id: int, town_id: int) -> int:
    """Places the town's residents hold at the event (what its quota has taken)."""
    query = select(func.coalesce(func.sum(Registration.party_size), 0)).where(
        col(Registration.event_id) == event_id,
        col(Registration.town_id) == town_id,
        col(Registration.status).in_(HOLDING),
    )
    return int((await session.execute(query)).scalar_one())
