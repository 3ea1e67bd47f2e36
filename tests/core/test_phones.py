"""Phone numbers: one normalised key per number, unique among people (by the database, even
when many share one at the same moment), found through its index; names shown masked."""

from __future__ import annotations

import asyncio
import contextlib

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError
from sqlmodel import col

from bot.context import Services
from models.core.base import utcnow
from models.core.people import (
    Person,
    PhoneTaken,
    find_person,
    mask_name,
    phone_key,
    phone_owner,
    update_profile,
)
from tests.factories import make_person

RACERS = 30


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ("13912345678", "13912345678"),
        ("+86 139-1234-5678", "13912345678"),
        ("+8613912345678", "13912345678"),
        ("8613912345678", "13912345678"),
        ("0086 139 1234 5678", "13912345678"),
        ("(021) 5555-1234", "02155551234"),
        ("+44 20 7946 0958", "442079460958"),  # not China's: every digit stays
        ("861391234567", "861391234567"),  # 86 then 10 digits: no mainland mobile, kept
        ("1234", None),
        ("", None),
        (None, None),
    ],
)
def test_phone_key(raw: str | None, key: str | None) -> None:
    assert phone_key(raw) == key


@pytest.mark.parametrize(
    ("name", "masked"),
    [
        ("王阿姨", "王*姨"),
        ("王芳", "王*"),
        ("王", "*"),
        ("欧阳娜娜", "欧**娜"),
        ("Emma", "E***"),
        ("Emma Brown", "E*** B****"),
        ("Mr Li", "M* L*"),
        ("王 阿姨", "* 阿*"),
        ("", None),
        (None, None),
    ],
)
def test_mask_name(name: str | None, masked: str | None) -> None:
    assert mask_name(name) == masked


async def test_one_number_one_person_whatever_its_spelling(services: Services) -> None:
    await make_person(services.sessions, 9101, phone="+86 139 1234 5678")
    second = await make_person(services.sessions, 9102)
    async with services.sessions() as session, session.begin():
        me = await find_person(session, 9102)
        assert me is not None
        with pytest.raises(PhoneTaken):
            await update_profile(session, me, phone="13912345678")
    async with services.sessions() as session, session.begin():
        me = await find_person(session, 9102)
        assert me is not None and me.phone is None and me.phone_key is None
        await update_profile(session, me, phone="13800009102")
        assert me.phone_key == "13800009102"
        await update_profile(session, me, phone="+8613800009102")  # one's own again: fine
        await update_profile(session, me, phone=None)
        assert (me.phone, me.phone_key) == (None, None)
    assert second.id is not None


async def test_the_database_refuses_a_second_person_with_the_key(services: Services) -> None:
    """The partial unique index itself, below update_profile; people without a number are many."""
    await make_person(services.sessions, 9111, phone="13912345678")
    await make_person(services.sessions, 9112)
    await make_person(services.sessions, 9113)  # two without a number: allowed
    with pytest.raises(IntegrityError):
        async with services.sessions() as session, session.begin():
            now = utcnow()
            session.add(Person(tg_user_id=9114, consent_at=now, phone_key="13912345678"))
            await session.flush()


async def test_many_sharing_one_number_at_once_only_one_keeps_it(services: Services) -> None:
    people = [await make_person(services.sessions, 9200 + i) for i in range(RACERS)]
    gate = services.write_gate or contextlib.nullcontext()  # as the bot: SQLite writers queue

    async def share(tg: int) -> bool:
        try:
            async with gate, services.sessions() as session, session.begin():
                me = await find_person(session, tg)
                assert me is not None
                await update_profile(session, me, phone="+8613912345678")
        except PhoneTaken:
            return False
        return True

    kept = await asyncio.gather(*(share(p.tg_user_id or 0) for p in people))
    assert sum(kept) == 1
    async with services.sessions() as session:
        query = select(func.count()).where(col(Person.phone_key) == "13912345678")
        assert (await session.execute(query)).scalar() == 1


async def test_the_lookup_goes_through_the_index(services: Services) -> None:
    await make_person(services.sessions, 9301, phone="13912345678")
    query = select(Person).where(col(Person.phone_key) == "13912345678")
    async with services.sessions() as session, session.begin():
        found = await phone_owner(session, "13912345678")
        assert found is not None and found.tg_user_id == 9301
        dialect = services.engine.dialect
        sql = str(query.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))
        if dialect.name == "postgresql":
            await session.execute(text("SET LOCAL enable_seqscan = off"))  # a tiny table
            plan = (await session.execute(text(f"EXPLAIN {sql}"))).scalars().all()
        else:
            plan = [row[-1] for row in await session.execute(text(f"EXPLAIN QUERY PLAN {sql}"))]
    assert any("uq_person_phone_key" in str(line) for line in plan), plan
