"""Helpers for the /venues tests: the admins, the card and its buttons, what the screens change."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlmodel import col

from bot.context import Services
from models.booking.calendar import Blackout, OpeningHours
from models.booking.slots import Slot
from models.core.audit import AuditLog
from models.core.authz import Role, grant_role
from models.core.places import Town, Venue
from tests.conftest import ADMIN_ID
from tests.factories import make_person
from tests.harness import BotHarness, Message, SimUser

Q_ADMIN, RESIDENT, VOLUNTEER = 8301, 8302, 8303


def current(user: SimUser) -> Message:
    """The bot's latest message as it looks now (after edits)."""
    message = user.state.last_message(user.id)
    assert message is not None
    return message


def button_data(message: Message) -> list[str]:
    """The callback data of the message's inline buttons, in order."""
    rows = message.get("reply_markup", {}).get("inline_keyboard", [])
    return [b["callback_data"] for row in rows for b in row if "callback_data" in b]


async def tap(user: SimUser, data: str) -> None:
    """Tap a real button (it must be on the latest message carrying it)."""
    await user._act(user.state.tap(user.id, None, data))


async def open_card(user: SimUser, place: Venue) -> None:
    """/venues, the venue's centre, the venue."""
    await user.send("/venues")
    if f"va:c:{place.centre_id}" in button_data(current(user)):
        await tap(user, f"va:c:{place.centre_id}")
    await tap(user, f"va:v:{place.id}")


async def venue(services: Services, code: str) -> Venue:
    """A demo venue by its code."""
    async with services.sessions() as session:
        return (await session.execute(select(Venue).where(col(Venue.code) == code))).scalar_one()


async def fetch(services: Services, model: type, row_id: int | None) -> Any:
    """A row as the database holds it now (None: it is gone)."""
    assert row_id is not None
    async with services.sessions() as session:
        return await session.get(model, row_id)


async def audit_actions(services: Services) -> list[str]:
    """Every audit action, in order."""
    async with services.sessions() as session:
        query = select(col(AuditLog.action)).order_by(col(AuditLog.id))
        return list((await session.execute(query)).scalars())


async def counts(services: Services) -> tuple[int, ...]:
    """What the admin screens change: audit rows, closed days, opening hours, slots."""
    async with services.sessions() as session:

        async def count(model: type) -> int:
            return int(
                (await session.execute(select(func.count()).select_from(model))).scalar_one()
            )

        return (
            await count(AuditLog),
            await count(Blackout),
            await count(OpeningHours),
            await count(Slot),
        )


async def global_admin(harness: BotHarness, services: Services, language: str) -> SimUser:
    """The global admin (ADMIN_ID), registered, reading ``language``."""
    await make_person(services.sessions, ADMIN_ID, name="总管理员", language=language)
    return harness.user(ADMIN_ID, language_code="en" if language == "en" else "zh-hans")


async def q_admin(harness: BotHarness, services: Services) -> SimUser:
    """An admin of Q town."""
    person = await make_person(
        services.sessions, Q_ADMIN, town_code="Q", community_code="q-xinglong", name="Q管理员"
    )
    assert person.id is not None
    async with services.sessions() as session, session.begin():
        town = (await session.execute(select(Town).where(col(Town.code) == "Q"))).scalar_one()
        await grant_role(session, person.id, Role.ADMIN, town.id)
    return harness.user(Q_ADMIN)
