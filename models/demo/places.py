"""Demo data from the source article: both towns, their communities, centres, venues, events
(the events themselves are ``models.demo.events``).

Loading is idempotent: rows are matched by their ``code`` and created only when missing.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import SQLModel, col, select

from models.core.places import Community, ServiceCentre, Town, Venue, VenueKind
from models.demo.booking import seed_booking
from models.demo.events import seed_events

T = TypeVar("T", bound=SQLModel)
SHANGHAI = ZoneInfo("Asia/Shanghai")

TOWNS = [
    {"code": "D", "name_zh": "崇明区D镇", "name_en": "D town (Chongming, Shanghai)"},
    {"code": "Q", "name_zh": "启东市Q镇", "name_en": "Q town (Qidong, Jiangsu)"},
]
COMMUNITIES = [
    ("D", "d-changjiang", "长江新村社区", "Changjiang Xincun Community"),
    ("D", "d-hongmei", "红梅社区", "Hongmei Community"),
    ("D", "d-dongfeng", "东风村", "Dongfeng Village"),
    ("Q", "q-xinglong", "兴隆社区", "Xinglong Community"),
    ("Q", "q-haibin", "海滨社区", "Haibin Community"),
    ("Q", "q-kenqu", "垦区新村", "Kenqu New Village"),
]
CENTRES = [
    (
        "D",
        "d-centre",
        "D镇社区党群服务中心",
        "D town Party-Mass Service Centre",
        "上海市崇明区D镇长江路88号",
        "88 Changjiang Road, D town, Chongming District, Shanghai",
        "021-5961 2345",
    ),
    (
        "Q",
        "q-centre",
        "Q镇党群服务中心（新馆）",
        "Q town Party-Mass Service Centre (new building)",
        "江苏省启东市Q镇兴隆路1号",
        "1 Xinglong Road, Q town, Qidong, Jiangsu",
        "0513-8321 6789",
    ),
]
# (centre, code, kind, name_zh, name_en, capacity, accessibility_zh, accessibility_en)
VENUES = [
    (
        "d-centre",
        "d-activity",
        VenueKind.ACTIVITY_ROOM,
        "多功能活动室",
        "Multi-purpose activity room",
        1,
        "一楼，无台阶",
        "Ground floor, step-free",
    ),
    (
        "d-centre",
        "d-canteen",
        VenueKind.CANTEEN,
        "长者助餐点",
        "Seniors' canteen",
        40,
        "一楼，有扶手",
        "Ground floor, handrails",
    ),
    (
        "d-centre",
        "d-health",
        VenueKind.HEALTH_CHECK,
        "健康体检",
        "Health check-up",
        20,
        "二楼，有电梯",
        "First floor, lift available",
    ),
    (
        "d-centre",
        "d-mediation",
        VenueKind.MEDIATION_ROOM,
        "矛盾调解室",
        "Mediation room",
        1,
        "一楼",
        "Ground floor",
    ),
    (
        "q-centre",
        "q-hall",
        VenueKind.HALL,
        "多功能大厅",
        "Multi-function hall",
        1,
        "一楼，无台阶，有无障碍卫生间",
        "Ground floor, step-free, accessible toilet",
    ),
    (
        "q-centre",
        "q-activity",
        VenueKind.ACTIVITY_ROOM,
        "多功能活动室",
        "Multi-purpose activity room",
        1,
        "二楼，有电梯",
        "First floor, lift available",
    ),
    (
        "q-centre",
        "q-canteen",
        VenueKind.CANTEEN,
        "助餐食堂",
        "Community canteen",
        40,
        "一楼",
        "Ground floor",
    ),
    (
        "q-centre",
        "q-health",
        VenueKind.HEALTH_CHECK,
        "健康体检",
        "Health check-up",
        20,
        "一楼",
        "Ground floor",
    ),
    (
        "q-centre",
        "q-mediation",
        VenueKind.MEDIATION_ROOM,
        "矛盾调解室",
        "Mediation room",
        1,
        "一楼",
        "Ground floor",
    ),
    (
        "q-centre",
        "q-enterprise",
        VenueKind.ENTERPRISE_GUIDANCE,
        "创业指导",
        "Entrepreneurship guidance",
        5,
        "二楼，有电梯",
        "First floor, lift available",
    ),
]


async def _ensure(session: AsyncSession, model: type[T], code: str, **values: Any) -> int:
    """The id of the row with ``code``, created with ``values`` when missing."""
    row = (await session.execute(select(model).where(model.code == code))).scalar_one_or_none()  # type: ignore[attr-defined]
    if row is None:
        row = model(code=code, **values)
        session.add(row)
        await session.flush()
    return int(row.id)  # type: ignore[attr-defined]


async def seed_places(session: AsyncSession, today: datetime | None = None) -> dict[str, int]:
    """Towns, communities, centres, venues and joint events; returns ids by code."""
    ids: dict[str, int] = {}
    for town in TOWNS:
        row_id = await _ensure(
            session, Town, town["code"], name_zh=town["name_zh"], name_en=town["name_en"]
        )
        ids[town["code"]] = row_id
    for order, (town_code, code, zh, en) in enumerate(COMMUNITIES):
        row_id = await _ensure(
            session,
            Community,
            code,
            town_id=ids[town_code],
            name_zh=zh,
            name_en=en,
            sort_order=order,
        )
        ids[code] = row_id
    for town_code, code, zh, en, addr_zh, addr_en, phone in CENTRES:
        row_id = await _ensure(
            session,
            ServiceCentre,
            code,
            town_id=ids[town_code],
            name_zh=zh,
            name_en=en,
            address_zh=addr_zh,
            address_en=addr_en,
            phone=phone,
        )
        ids[code] = row_id
        # A demo database made before centres had phones (migration 0010) gets them too.
        await session.execute(
            update(ServiceCentre)
            .where(col(ServiceCentre.id) == row_id, col(ServiceCentre.phone) == "")
            .values(phone=phone)
        )
    for centre, code, kind, zh, en, capacity, acc_zh, acc_en in VENUES:
        row_id = await _ensure(
            session,
            Venue,
            code,
            centre_id=ids[centre],
            kind=kind.value,
            name_zh=zh,
            name_en=en,
            capacity=capacity,
            accessibility_zh=acc_zh,
            accessibility_en=acc_en,
        )
        ids[code] = row_id
    base = (today or datetime.now(SHANGHAI)).astimezone(SHANGHAI).date()
    await seed_booking(session, {code: ids[code] for _c, code, *_ in VENUES}, base)
    ids |= await seed_events(session, ids, base)
    return ids
