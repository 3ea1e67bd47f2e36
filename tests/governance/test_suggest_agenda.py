"""The joint meeting's suggestions on seeded rows: exactly the expected topics (open now or
received in the period), most-suggested first, with counts and reference numbers and nothing
personal; and the period's figures."""

from __future__ import annotations

from dataclasses import fields as dataclass_fields
from datetime import UTC, datetime, timedelta

from sqlmodel import col, select

from bot.context import Services
from models.core.authz import Role, Scope
from models.core.people import Person
from models.core.places import Town, Venue
from models.events import Event
from models.governance import (
    Subject,
    Suggestion,
    SuggestionCounts,
    SuggestionDraft,
    SuggestionTopic,
    agenda_suggestions,
    decide_suggestion,
    send_suggestion,
    suggestion_counts,
)
from models.settings import erase_person
from tests.factories import make_person

SINCE = datetime(2026, 9, 1, tzinfo=UTC)
UNTIL = SINCE + timedelta(days=61)
BEFORE, DURING, AFTER = SINCE - timedelta(days=10), SINCE + timedelta(days=5), UNTIL + timedelta(1)
EVERYWHERE = {Scope(Role.ADMIN, None)}
SECRET_WORDS = "我家住在长江路88号，电话13912345678"


async def _ids(services: Services) -> dict[str, int]:
    async with services.sessions() as session:
        venues = {v.code: v.id or 0 for v in (await session.execute(select(Venue))).scalars()}
        towns = {t.code: t.id or 0 for t in (await session.execute(select(Town))).scalars()}
        event = (await session.execute(select(Event).order_by(col(Event.id)))).scalars().first()
    assert event is not None
    return {**venues, **towns, "event": event.id or 0, "event_town": event.host_town_id}


async def _send(
    services: Services,
    person: Person,
    subject: Subject,
    subject_id: int | None,
    at: datetime,
    decide: tuple[bool, datetime] | None = None,
) -> str:
    async with services.sessions() as session, session.begin():
        draft = SuggestionDraft(subject, subject_id, text=SECRET_WORDS)
        receipt = await send_suggestion(session, person=person, draft=draft, now=at)
        if decide is not None:
            adopted, when = decide
            await decide_suggestion(
                session,
                person=person,
                scopes=EVERYWHERE,
                suggestion_id=receipt.suggestion_id,
                adopted=adopted,
                text="已处理",
                now=when,
            )
    return receipt.number


async def test_agenda_topics_and_counts_on_seeded_rows(services: Services) -> None:
    ids = await _ids(services)
    resident = await make_person(services.sessions, 7301, "D", name="李大爷", phone="13912345678")
    late = DURING + timedelta(days=1)
    canteen = [
        await _send(services, resident, Subject.VENUE, ids["q-canteen"], BEFORE),
        await _send(services, resident, Subject.VENUE, ids["q-canteen"], DURING),
        await _send(services, resident, Subject.VENUE, ids["q-canteen"], DURING, (True, late)),
    ]
    event = [
        await _send(services, resident, Subject.EVENT, ids["event"], DURING),
        await _send(services, resident, Subject.EVENT, ids["event"], late, (False, late)),
    ]
    await _send(services, resident, Subject.BOT, None, BEFORE, (True, BEFORE))  # settled before
    bot = await _send(services, resident, Subject.BOT, None, DURING)
    await _send(services, resident, Subject.VENUE, ids["d-canteen"], AFTER)  # after the period
    await _send(services, resident, Subject.VENUE, ids["d-health"], BEFORE, (False, DURING))

    async with services.sessions() as session:
        topics = await agenda_suggestions(session, since=SINCE, until=UNTIL)
        d_only = await agenda_suggestions(session, since=SINCE, until=UNTIL, town_id=ids["D"])
        counts = await suggestion_counts(session, since=SINCE, until=UNTIL)
        d_counts = await suggestion_counts(session, since=SINCE, until=UNTIL, town_id=ids["D"])

    shape = [(t.subject, t.subject_id, t.town_id, t.count, t.open, t.received) for t in topics]
    assert shape == [
        (Subject.VENUE, ids["q-canteen"], ids["Q"], 3, 2, 2),
        (Subject.EVENT, ids["event"], ids["event_town"], 2, 1, 2),
        (Subject.BOT, None, ids["D"], 1, 1, 1),
    ]
    assert [t.numbers for t in topics] == [canteen, event, [bot]]
    assert topics[0].name_zh == "助餐食堂" and topics[2].name_zh == ""
    assert [t.subject for t in d_only] == [t.subject for t in topics if t.town_id == ids["D"]]
    for secret in ("李大爷", "13912345678", SECRET_WORDS, "长江路"):
        assert secret not in repr(topics)
    assert {
        f.name for f in dataclass_fields(SuggestionTopic)
    } == {  # nothing that could name a person
        "subject",
        "subject_id",
        "town_id",
        "name_zh",
        "name_en",
        "count",
        "open",
        "received",
        "numbers",
    }
    assert counts == SuggestionCounts(received=5, adopted=1, not_adopted=2, open=4)
    d_event = 1 if ids["event_town"] == ids["D"] else 0
    assert d_counts == SuggestionCounts(
        received=1 + 2 * d_event,
        adopted=0,
        not_adopted=1 + d_event,
        open=1 + d_event,
    )


async def test_erasure_keeps_the_suggestion_without_its_words_or_its_sender(
    services: Services,
) -> None:
    resident = await make_person(services.sessions, 7302, "Q", "q-xinglong", name="张奶奶")
    number = await _send(services, resident, Subject.BOT, None, DURING)
    async with services.sessions() as session, session.begin():
        person = await session.get(Person, resident.id)
        assert person is not None
        await erase_person(session, person)
    async with services.sessions() as session:
        [row] = (await session.execute(select(Suggestion))).scalars().all()
        topics = await agenda_suggestions(session, since=SINCE, until=UNTIL)
    assert row.number == number and row.person_id is None and row.text == ""
    assert [t.numbers for t in topics] == [[number]]
