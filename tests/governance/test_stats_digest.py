"""The monthly digest: on the 1st (Asia/Shanghai) each admin gets last month's summary through
the outbox, in their language, with the three charts drawn when sent; once only, whatever runs
again; not after the first week; no personal data in the row."""

from __future__ import annotations

import json
from datetime import UTC, datetime, time, timedelta

import time_machine
from sqlmodel import col, select

from bot.context import Services
from jobs.governance.digest import digest_once
from models.core.authz import Role, grant_role
from models.core.base import TOWNS_TZ, utcnow
from models.core.outbox import OutboxMessage
from models.governance import add_months
from tests.conftest import ADMIN_ID
from tests.factories import make_person
from tests.governance.stats_support import NAMES, PHONES, seed_march
from tests.harness import BotHarness


def first_of_month(hour: int, day: int = 1) -> datetime:
    """``day`` of the month the pinned clock is in, at ``hour`` local, as aware UTC."""
    today = utcnow().astimezone(TOWNS_TZ).date()
    return datetime.combine(today.replace(day=day), time(hour), TOWNS_TZ).astimezone(UTC)


async def test_each_admin_gets_last_months_digest_once(
    harness: BotHarness, services: Services, clock: time_machine.Traveller
) -> None:
    dawn = first_of_month(0, 1) + timedelta(minutes=5)
    clock.move_to(dawn)
    month = add_months(dawn.astimezone(TOWNS_TZ).date(), -1)
    fixture = await seed_march(services.sessions, month)
    await make_person(services.sessions, ADMIN_ID, language="en", name="Admin")
    q_admin = await make_person(services.sessions, 7401, town_code="Q", community_code="q-xinglong")
    await make_person(services.sessions, 7402)  # a resident: no digest
    async with services.sessions() as session, session.begin():
        await grant_role(session, q_admin.id or 0, Role.ADMIN, fixture.towns["Q"])

    assert await digest_once(services, dawn) == 2
    assert await digest_once(services, dawn + timedelta(hours=3)) == 0  # once per month
    async with services.sessions() as session:
        query = select(OutboxMessage).order_by(col(OutboxMessage.id))
        rows = (await session.execute(query)).scalars().all()
    digests = [r for r in rows if r.dedupe_key.startswith("gov-digest:")]
    assert len(digests) == 2
    msgids = {r.payload["msgid"] for r in digests}
    assert msgids == {"governance_stats.digest", "governance_stats.digest_town"}
    assert all(r.due_at == first_of_month(9) for r in digests)  # 09:00 local, not at midnight
    said = json.dumps([r.payload for r in digests], ensure_ascii=False)
    assert not [w for w in (*NAMES.values(), *PHONES.values()) if w in said]

    for user in (ADMIN_ID, 7401, 7402):
        harness.user(user)
    clock.move_to(first_of_month(9) + timedelta(minutes=1))
    await harness.drain_outbox()
    english = harness.state.messages(ADMIN_ID)
    text = "\n".join(str(m.get("text") or m.get("caption") or "") for m in english)
    assert f"Monthly participation: both towns ({month.isoformat()}" in text
    assert "Bookings: 6 (across towns: 3)" in text
    assert "Cross-community participation index: 62.5% (attendances: 80.0%)" in text
    assert [m["kind"] for m in english].count("photo") == 3
    chinese = harness.state.messages(7401)
    text = "\n".join(str(m.get("text") or m.get("caption") or "") for m in chinese)
    assert "每月参与情况：启东市Q镇" in text and "预约：3（其中跨镇：1）" in text
    assert "两镇合计：预约 6，报名 4，跨社区参与指数 62.5%" in text
    assert [m["kind"] for m in chinese].count("photo") == 3
    assert harness.state.messages(7402) == []


async def test_no_digest_after_the_first_week(services: Services) -> None:
    await make_person(services.sessions, ADMIN_ID)
    assert await digest_once(services, first_of_month(10, 8)) == 0
    assert await digest_once(services, first_of_month(10, 7)) == 1  # late, still in the week
