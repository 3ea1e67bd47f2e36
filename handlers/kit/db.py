"""The one way handlers reach the database: a model use case in a transaction of its own.

``await run(context, use_case, *args, **kwargs)`` calls ``use_case(session, *args, **kwargs)``
with the update's session (``TongxinContext.session``) inside ``session.begin()``: committed
when it returns, rolled back when it raises. The session outlives the transaction, so rows it
loaded (the person, first of all) stay usable and are found again without a query.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Concatenate, ParamSpec, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from bot.context import TongxinContext

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
    if session.in_transaction():  # a read left open by an earlier step of this update
        await session.commit()
    async with session.begin():
        return await use_case(session, *args, **kwargs)
