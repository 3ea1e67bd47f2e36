"""Places as counters: a row holding ``taken`` of a limit, changed only by conditional updates.

A booking slot, an event and an event's per-town quota are each such a row. ``taken`` only
ever changes by ``UPDATE … SET taken = taken + n WHERE <key> AND taken + n <= <limit>``
(never read-then-write), and each table backs it with a CHECK, so concurrent takers can never
exceed the limit: on PostgreSQL the row lock serialises them and READ COMMITTED re-checks the
condition after the wait; on SQLite the write lock does the same.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import bindparam, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key
from sqlalchemy.sql.dml import Update
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import SQLModel


@dataclass(frozen=True)
class Counter:
    """Which table counts places, its ``taken`` and limit columns, and when it is open."""

    model: type[SQLModel]
    taken: str = "taken"
    limit: str = "capacity"
    # Conditions a row must meet to be taken from (e.g. a slot not closed); never for giving back.
    open_when: tuple[ColumnElement[bool], ...] = ()

    def column(self, name: str) -> Any:
        """One of the table's columns."""
        return getattr(self.model, name)

    def keyed(self, key: Mapping[str, object]) -> list[ColumnElement[bool]]:
        """The conditions naming one row (``{"id": 3}``, ``{"event_id": 1, "town_id": 2}``)."""
        return [self.column(name) == value for name, value in key.items()]


@dataclass(frozen=True)
class Claim:
    """``places`` to take from one counter row."""

    counter: Counter
    places: int
    key: Mapping[str, object] = field(default_factory=dict)


def _sync(session: AsyncSession, counter: Counter, key: Mapping[str, object], taken: int) -> None:
    """Give a loaded row the count the database now has, without reading it again."""
    if set(key) != {"id"}:
        return
    loaded = session.identity_map.get(identity_key(counter.model, key["id"]))
    if loaded is not None:
        set_committed_value(loaded, counter.taken, taken)


# Each counter's take statement, by the names of its key, built once with bind parameters: a
# booking confirm and every registration run it, and building it cost more than running it.
# Keyed by the counter's id: counters are module constants, and comparing two of them would
# compare their SQL conditions.
_TAKES: dict[tuple[int, tuple[str, ...]], Update] = {}


def _take_statement(counter: Counter, names: tuple[str, ...]) -> Update:
    statement = _TAKES.get((id(counter), names))
    if statement is None:
        taken, limit = counter.column(counter.taken), counter.column(counter.limit)
        places: Any = bindparam("places")
        statement = (
            update(counter.model)
            .where(
                *[counter.column(name) == bindparam(f"key_{name}") for name in names],
                *counter.open_when,
                taken + places <= limit,
            )
            .values({counter.taken: taken + places})
            .returning(taken)
            .execution_options(synchronize_session=False)
        )
        _TAKES[(id(counter), names)] = statement
    return statement


async def take(session: AsyncSession, counter: Counter, places: int, **key: object) -> bool:
    """Hold ``places`` in the open row named by ``key`` if they are free; False otherwise."""
    statement = _take_statement(counter, tuple(key))
    params = {"places": places, **{f"key_{name}": value for name, value in key.items()}}
    result = await session.execute(statement, params)
    now_taken = result.scalar_one_or_none()
    if now_taken is None:
        return False
    _sync(session, counter, key, now_taken)
    return True


async def give_back(session: AsyncSession, counter: Counter, places: int, **key: object) -> bool:
    """Give back ``places`` held in the row named by ``key``; False when it held fewer."""
    taken = counter.column(counter.taken)
    result = await session.execute(
        update(counter.model)
        .where(*counter.keyed(key), taken >= places)
        .values({counter.taken: taken - places})
        .returning(taken)
        .execution_options(synchronize_session=False)
    )
    now_taken = result.scalar_one_or_none()
    if now_taken is None:
        return False
    _sync(session, counter, key, now_taken)
    return True


async def set_limit(session: AsyncSession, counter: Counter, limit: int, **key: object) -> bool:
    """Change a row's limit; False (nothing changed) when more than ``limit`` are taken."""
    result = await session.execute(
        update(counter.model)
        .where(*counter.keyed(key), counter.column(counter.taken) <= limit)
        .values({counter.limit: limit})
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def take_all(session: AsyncSession, claims: Sequence[Claim]) -> Claim | None:
    """Take every claim, in order, or none: the claim that could not be taken (the ones before
    it given back), or None when all were taken.

    Callers list counters in one fixed order (the event before its town's quota), so two
    transactions never wait for each other's rows in opposite orders.
    """
    done: list[Claim] = []
    for claim in claims:
        if not await take(session, claim.counter, claim.places, **claim.key):
            for held in reversed(done):
                await give_back(session, held.counter, held.places, **held.key)
            return claim
        done.append(claim)
    return None


async def give_back_all(session: AsyncSession, claims: Sequence[Claim]) -> None:
    """Give back every claim."""
    for claim in claims:
        await give_back(session, claim.counter, claim.places, **claim.key)
