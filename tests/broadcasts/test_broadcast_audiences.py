"""Who a notice reaches: audience counts, the fan-out to exactly the audience, refused notices."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlmodel import col

from bot.context import Services
from models.broadcasts import (
    AUDIENCES,
    Broadcast,
    BroadcastStatus,
    EmptyAudience,
    NoticeInvalid,
    count_audience,
    history_page,
    start_due_broadcasts,
)
from models.core.authz import Role, scopes_of
from models.core.base import utcnow
from models.core.errors import NotAllowed, NotFound
from models.core.outbox import OutboxKind, OutboxStatus
from models.core.places import Town
from tests.broadcasts.broadcast_support import (
    audit_actions,
    bulk_people,
    create,
    outbox_rows,
    staff,
)
from tests.factories import make_person


async def test_audience_counts_for_every_kind(services: Services) -> None:
    await bulk_people(services, 10, muted={"health": 5}, start=1000)  # D 长江: 2 mute health
    await bulk_people(services, 5, community="d-hongmei", start=2000)
    await bulk_people(
        services, 7, town="Q", community="q-xinglong", unreachable=1, not_onboarded=1, start=3000
    )  # Q: 5 reachable and onboarded
    expected = {
        ("all", None, "events"): (20, 0),
        ("all", None, "health"): (18, 2),
        ("town", "D", "events"): (15, 0),
        ("town", "Q", "health"): (5, 0),
        ("community", "d-changjiang", "health"): (8, 2),
        ("community", "d-hongmei", "events"): (5, 0),
        ("community", "q-kenqu", "events"): (0, 0),
        ("topic", "health", "events"): (18, 0),  # who did not mute health
        ("topic", "health", "health"): (18, 0),  # muted ones are not addressed at all
    }
    assert set(AUDIENCES) == {"all", "town", "community", "topic"}
    async with services.sessions() as session:
        both = [t for t in (await session.execute(select(col(Town.id)))).scalars() if t]
        for (kind, value, topic), (recipients, skipped) in expected.items():
            counted = await count_audience(session, kind, value, topic, towns=both)
            assert (counted.recipients, counted.skipped_opt_out) == (recipients, skipped), kind
        for kind, value in (("town", "X"), ("community", "nowhere"), ("topic", "x"), ("ev", "1")):
            with pytest.raises(NotFound):
                await count_audience(session, kind, value, "events", towns=both)


async def test_broadcast_to_1000_recipients_reaches_exactly_the_audience(
    services: Services,
) -> None:
    d_ids = await bulk_people(
        services, 1030, muted={"events": 10, "health": 7}, unreachable=20, not_onboarded=10
    )
    q_ids = await bulk_people(services, 50, town="Q", community="q-xinglong", start=700_000)
    author, scopes = await staff(services, 8001, Role.VOLUNTEER)
    # addressed in D: indexes 30..1029 (1,000 people) plus the author; every 10th muted events
    addressed = [pid for i, pid in enumerate(d_ids) if i >= 30]
    wanted = {pid for pid in addressed if d_ids.index(pid) % 10 != 0} | {author.id}
    broadcast = await create(services, author, scopes, audience_kind="town", audience_value="D")
    assert broadcast.status == BroadcastStatus.SCHEDULED.value
    assert broadcast.recipients == len(wanted) and broadcast.skipped_opt_out == 100

    async with services.sessions() as session, session.begin():
        started = await start_due_broadcasts(session, utcnow() + timedelta(seconds=1))
    assert started == [broadcast.id]
    rows = await outbox_rows(services, broadcast.id or 0)
    assert {r.person_id for r in rows} == wanted and len(rows) == len(wanted) == 901
    assert not {r.person_id for r in rows} & set(q_ids)
    row = rows[0]
    assert row.kind == OutboxKind.BROADCAST.value and row.status == OutboxStatus.PENDING.value
    assert row.dedupe_key == f"bc:{broadcast.id}:{row.person_id}" and row.chat_id
    assert row.payload == {"msgid": "broadcast.notice", "params": {"text": broadcast.text}}
    assert row.topic == "events"

    async with services.sessions() as session, session.begin():
        assert await start_due_broadcasts(session, utcnow()) == []  # never twice
        stored = await session.get(Broadcast, broadcast.id)
        assert stored is not None and stored.status == BroadcastStatus.SENDING.value
        assert (stored.recipients, stored.skipped_opt_out) == (901, 100)
    assert len(await outbox_rows(services, broadcast.id or 0)) == 901
    assert await audit_actions(services, broadcast.id or 0) == [
        "broadcast.create",
        "broadcast.start",
    ]


async def test_create_refuses_bad_notices_and_foreign_audiences(services: Services) -> None:
    await bulk_people(services, 2)
    author, scopes = await staff(services, 8001, Role.VOLUNTEER)
    with pytest.raises(NoticeInvalid):
        await create(services, author, scopes, text="   ")
    with pytest.raises(NoticeInvalid):
        await create(services, author, scopes, text="字" * 3501)
    with pytest.raises(NoticeInvalid):
        await create(services, author, scopes, text="字" * 901, photo_file_id="AgAC")
    with pytest.raises(EmptyAudience):
        await create(
            services, author, scopes, audience_kind="community", audience_value="d-dongfeng"
        )
    with pytest.raises(NotAllowed):  # a D volunteer cannot address Q town
        await create(services, author, scopes, audience_kind="town", audience_value="Q")
    with pytest.raises(NotFound):
        await create(services, author, scopes, topic="gossip")
    resident = await make_person(services.sessions, 8100)
    async with services.sessions() as session:
        resident_scopes = await scopes_of(session, resident, [])
    with pytest.raises(NotAllowed):
        await create(services, resident, resident_scopes)
    async with services.sessions() as session:
        assert (await session.execute(select(func.count()).select_from(Broadcast))).scalar() == 0
        assert await history_page(session, person=author) == []
