"""Which events each list shows: my town's (hosted or co-hosted by it) and the other town's
(hosted by it alone, with or without a co-host that is not mine). The events share a topic of
their own, so whatever else the database holds never pushes them off the page."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.context import Services
from models.core.base import utcnow
from models.events import EventDraft, Listing, create_event, upcoming_events
from tests.events.events_support import ADMIN, people, person, towns

TOPIC = "listing-test"


async def _event(services: Services, code: str, host: str, cohost: str | None) -> None:
    ids = await towns(services.sessions)
    starts = utcnow() + timedelta(days=2)
    draft = EventDraft(
        code=code,
        name_zh=f"活动{code}",
        name_en=f"Event {code}",
        host_town_id=ids[host],
        cohost_town_id=ids[cohost] if cohost else None,
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        capacity=20,
        topic=TOPIC,
        place_zh="文化站",
        place_en="Culture station",
    )
    async with services.sessions() as session, session.begin():
        await create_event(session, draft=draft, by=None, scopes=ADMIN, publish=True)


@pytest.mark.parametrize(
    ("listing", "expected"),
    [
        (Listing.MY_TOWN, {"d-only", "d-with-q"}),
        (Listing.OTHER_TOWN, {"q-only"}),
        (Listing.ALL, {"d-only", "d-with-q", "q-only"}),
    ],
)
async def test_my_town_and_the_other_town(
    services: Services, listing: Listing, expected: set[str]
) -> None:
    await _event(services, "d-only", "D", None)
    await _event(services, "d-with-q", "D", "Q")
    await _event(services, "q-only", "Q", None)
    [resident_id] = await people(services.sessions, "D", 880_000, 1)
    async with services.sessions() as session:
        resident = await person(session, resident_id)
        page = await upcoming_events(session, person=resident, listing=listing, topic=TOPIC)
    assert {line.event.code for line in page.lines} == expected
