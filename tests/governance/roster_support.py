"""Shared set-up for the roster tests: a cast, the towns and centres, secondments put straight
into the table (the arrangement, not the behaviour under test), and inline-button helpers."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlmodel import col

from bot.context import Services
from models.core.audit import AuditLog
from models.core.authz import Role, grant_role
from models.core.base import utcnow
from models.core.places import ServiceCentre, Town
from models.governance import StaffSecondment
from tests.factories import make_person
from tests.harness import Message, SimUser

SHANGHAI = ZoneInfo("Asia/Shanghai")
D_ADMIN, Q_RESIDENT, D_RESIDENT, VOLUNTEER = 7201, 7202, 7203, 7204


def local_today() -> date:
    """Today where the towns are (the tests' pinned clock, read in Asia/Shanghai)."""
    return utcnow().astimezone(SHANGHAI).date()


async def make_cast(services: Services, language: str = "zh_CN") -> None:
    """A D-town admin, a resident of each town, and a D-town volunteer."""
    admin = await make_person(services.sessions, D_ADMIN, name="镇管理员陈", language=language)
    await make_person(
        services.sessions, Q_RESIDENT, "Q", "q-xinglong", name="张奶奶", language=language
    )
    await make_person(services.sessions, D_RESIDENT, name="李大爷", language=language)
    volunteer = await make_person(services.sessions, VOLUNTEER, name="志愿者小李")
    async with services.sessions() as session, session.begin():
        town = (await session.execute(select(Town).where(col(Town.code) == "D"))).scalar_one()
        await grant_role(session, admin.id or 0, Role.ADMIN, town.id)
        await grant_role(session, volunteer.id or 0, Role.VOLUNTEER, town.id)


async def ids(services: Services) -> dict[str, int]:
    """Towns by code ("D", "Q") and centres by code ("d-centre", "q-centre")."""
    async with services.sessions() as session:
        towns = (await session.execute(select(col(Town.code), col(Town.id)))).all()
        centres = (
            await session.execute(select(col(ServiceCentre.code), col(ServiceCentre.id)))
        ).all()
    return {code: id_ or 0 for code, id_ in [*towns, *centres]}


async def second(
    services: Services, *, name: str, first: date, last: date, weekdays: int = 0b1111111,
    centre: str = "q-centre", home: str = "D", hours: str = "09:00-17:00", title: str = "副书记",
) -> int:  # fmt: skip
    """A secondment row (arranged directly); its id."""
    known = await ids(services)
    row = StaffSecondment(
        name=name, title=title, home_town_id=known[home], centre_id=known[centre],
        first_day=first, last_day=last, weekdays=weekdays, hours=hours,
    )  # fmt: skip
    async with services.sessions() as session, session.begin():
        session.add(row)
        await session.flush()
        return row.id or 0


async def secondments(services: Services) -> list[StaffSecondment]:
    """Every secondment row, by id."""
    async with services.sessions() as session:
        query = select(StaffSecondment).order_by(col(StaffSecondment.id))
        return list((await session.execute(query)).scalars())


async def audit_count(services: Services) -> int:
    """Audit rows of the roster."""
    async with services.sessions() as session:
        query = select(func.count()).where(col(AuditLog.action).like("roster.%"))
        return int((await session.execute(query)).scalar_one())


def current(user: SimUser) -> Message:
    """The bot's latest message in the chat, as it looks now (after edits)."""
    message = user.state.last_message(user.id)
    assert message is not None
    return message


def button_data(message: Message) -> list[str]:
    """Callback data of a message's inline buttons."""
    rows = (message.get("reply_markup") or {}).get("inline_keyboard") or []
    return [b["callback_data"] for row in rows for b in row if "callback_data" in b]


def inline_with(user: SimUser, data: str) -> Message:
    """The latest bot message carrying an inline button with ``data``."""
    chat = user.state.get_user_chat(user.id, None)
    for rec in reversed(chat.messages.values()):
        if rec["from_bot"] and not rec["deleted"] and data in button_data(rec):
            return dict(rec)
    raise AssertionError(f"no message with a {data!r} button")
