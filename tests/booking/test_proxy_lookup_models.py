"""The proxy's phone lookup below the handlers: many lookups at the same moment still get only
``per_hour`` answers, and the name the proxy sees follows the resident's standing consent."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import timedelta

from sqlalchemy import func, select
from sqlmodel import col

from bot.context import Services
from models.booking import (
    LOOKUP_WINDOW,
    TooManyLookups,
    grant_consent,
    name_for_proxy,
    resident_by_phone,
    revoke_consent,
)
from models.core.audit import AuditLog
from models.core.base import utcnow
from models.core.people import find_person
from tests.factories import make_person

PROXY, RESIDENT = 9401, 9402
PHONE = "13912345678"
AT_ONCE = 30


async def test_lookups_at_the_same_moment_get_only_the_hours_share(services: Services) -> None:
    await make_person(services.sessions, PROXY, name="小张")
    await make_person(services.sessions, RESIDENT, phone=PHONE)
    gate = services.write_gate or contextlib.nullcontext()  # as the bot: SQLite writers queue
    now = utcnow()

    async def look() -> bool:
        async with gate, services.sessions() as session, session.begin():
            proxy = await find_person(session, PROXY)
            assert proxy is not None
            found = await resident_by_phone(session, person=proxy, phone=PHONE, per_hour=5, now=now)
        assert found.resident is not None or isinstance(found.refused, TooManyLookups)
        return found.resident is not None

    answered = await asyncio.gather(*(look() for _ in range(AT_ONCE)))
    assert sum(answered) == 5
    async with services.sessions() as session:
        query = select(col(AuditLog.action), func.count()).group_by(col(AuditLog.action))
        counts = {action: n for action, n in (await session.execute(query)).all()}
    assert counts == {"proxy.lookup": 5, "proxy.lookup_refused": AT_ONCE - 5}

    # The window rolls (the lookups were audited a moment after ``now``): half a minute before
    # they are an hour old, "1 minute" more; a moment after, one more lookup.
    soon, later = (
        now + timedelta(minutes=59, seconds=30),
        now + LOOKUP_WINDOW + timedelta(seconds=5),
    )
    async with services.sessions() as session, session.begin():
        proxy = await find_person(session, PROXY)
        assert proxy is not None
        refused = await resident_by_phone(session, person=proxy, phone=PHONE, per_hour=5, now=soon)
        assert isinstance(refused.refused, TooManyLookups)
        assert refused.refused.params == {"minutes": 1}
        again = await resident_by_phone(session, person=proxy, phone=PHONE, per_hour=5, now=later)
        assert again.resident is not None


async def test_the_full_name_only_while_standing_consent_is_on_record(services: Services) -> None:
    await make_person(services.sessions, PROXY, name="小张")
    await make_person(services.sessions, RESIDENT, name="王阿姨")
    async with services.sessions() as session, session.begin():
        proxy, resident = await find_person(session, PROXY), await find_person(session, RESIDENT)
        assert proxy is not None and proxy.id is not None and resident is not None
        assert await name_for_proxy(session, resident, proxy.id) == "王*姨"
        await grant_consent(session, resident, proxy.id)
        assert await name_for_proxy(session, resident, proxy.id) == "王阿姨"
        await revoke_consent(session, resident, proxy.id)
        assert await name_for_proxy(session, resident, proxy.id) == "王*姨"
