"""The towns a broadcast reaches: its audience's towns within the author's scope.

A town-limited author reaches only their own town's residents, whatever the audience; only an
author whose grants cover both towns reaches both. The reach is fixed when the broadcast is
created (``BroadcastTown`` rows), counted in the preview, and the only towns the fan-out sends
to. Each town of the reach listed in TONGXIN_BROADCAST_APPROVAL_TOWNS waits for its approval.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from models.broadcasts.audiences import audience_towns
from models.broadcasts.tables import BroadcastTown, TownApproval
from models.core.authz import Action, Scope, towns_allowed
from models.core.catalogue import list_towns
from models.core.errors import NotAllowed


async def audience_reach(
    session: AsyncSession, *, scopes: Iterable[Scope], kind: str, value: str | None
) -> frozenset[int]:
    """The audience's towns the author may address; NotAllowed when there are none."""
    towns = await audience_towns(session, kind, value)
    reach = towns_allowed(scopes, Action.BROADCAST, towns)
    if not reach:
        raise NotAllowed()
    return reach


async def towns_to_approve(
    session: AsyncSession, reach: Collection[int], approval_towns: Collection[str]
) -> frozenset[int]:
    """The towns of ``reach`` whose code is in ``approval_towns`` (case-insensitive)."""
    codes = {code.upper() for code in approval_towns}
    return frozenset(
        t.id
        for t in await list_towns(session)
        if t.id is not None and t.id in reach and t.code.upper() in codes
    )


def reach_rows(
    broadcast_id: int, reach: Collection[int], waiting: Collection[int]
) -> list[BroadcastTown]:
    """One row per town reached, waiting for approval where the town requires it."""
    return [
        BroadcastTown(
            broadcast_id=broadcast_id,
            town_id=town_id,
            approval=(
                TownApproval.WAITING if town_id in waiting else TownApproval.NOT_NEEDED
            ).value,
        )
        for town_id in sorted(reach)
    ]


async def reached_towns(session: AsyncSession, broadcast_id: int) -> frozenset[int]:
    """The towns a stored broadcast reaches."""
    query = select(col(BroadcastTown.town_id)).where(
        col(BroadcastTown.broadcast_id) == broadcast_id
    )
    return frozenset(int(t) for t in (await session.execute(query)).scalars())


async def town_approvals(session: AsyncSession, broadcast_id: int) -> dict[int, TownApproval]:
    """Each town the broadcast reaches, with where its approval stands."""
    query = select(col(BroadcastTown.town_id), col(BroadcastTown.approval)).where(
        col(BroadcastTown.broadcast_id) == broadcast_id
    )
    rows = (await session.execute(query)).all()
    return {int(town): TownApproval(approval) for town, approval in rows}
