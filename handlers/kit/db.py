"""The one way handlers reach the database: a model use case in a transaction of its own.

``await run(context, use_case, *args, **kwargs)`` calls ``use_case(session, *args, **kwargs)``
with the update's session (``TongxinContext.session``) in a transaction: committed when it
returns, rolled back when it raises. The person loader reads in the same transaction
(``read_first``), so an update costs one transaction. The session outlives the transaction, so
rows it loaded (the person, first of all) stay usable and are found again without a query.

A rollback expires every row the session holds, and an expired row would try to reload itself
outside any await (an error under asyncio). So after a refused use case the person is read
again at once, and a handler never keeps other rows across a refused use case: it calls one
use case per update and shows what that one returned.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import Concatenate, ParamSpec, TypeVar

from sqlalchemy.exc import InvalidRequestError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.context import TongxinContext

logger = logging.getLogger(__name__)

P = ParamSpec("P")
R = TypeVar("R")


async def run(
    context: TongxinContext,
    use_case: Callable[Concatenate[AsyncSession, P], Awaitable[R]],
    /,
    *args: P.args,
    **kwargs: P.kwargs,
) -> R:
    """Run ``use_case`` with the update's session in one transaction and return its result."""
    session = context.session
    gate = context.services.write_gate
    if gate is not None and gate.busy() and session.in_transaction():
        await session.commit()  # don't hold a pooled connection while waiting our turn
    try:
        async with gate or contextlib.nullcontext():  # SQLite: writers take turns
            if not session.in_transaction():
                await session.begin()
            result = await use_case(session, *args, **kwargs)
            await session.commit()
    except Exception:
        await session.rollback()
        await _reload_person(context, session)
        raise
    return result


async def read_first(
    context: TongxinContext,
    query: Callable[Concatenate[AsyncSession, P], Awaitable[R]],
    /,
    *args: P.args,
    **kwargs: P.kwargs,
) -> R:
    """Read without ending the transaction, so the handler's use case continues it.

    For the person loader: the person and the update's one use case then share one
    transaction (one commit, one connection checkout) instead of two.
    """
    session = context.session
    if not session.in_transaction():
        await session.begin()
    return await query(session, *args, **kwargs)


async def _reload_person(context: TongxinContext, session: AsyncSession) -> None:
    """Read the person again after a rollback (they may have been erased meanwhile)."""
    person = context.person
    if person is None:
        return
    try:
        async with session.begin():
            await session.refresh(person)
    except InvalidRequestError:  # the row is gone: erased by someone else meanwhile
        logger.info("person %s vanished during an update", person.id)
        context.person = None
