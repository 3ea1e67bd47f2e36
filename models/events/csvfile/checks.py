"""What a row of events.csv may change on an event as it is now: its status only forward, never
its host town, never fewer places than people hold (overall and per town), and never an
answer someone chose (its pick-up time only with the event's time). Each refusal is one
``line N: column X`` problem."""

from __future__ import annotations

from sqlalchemy import func
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from models.core.csvfile import CsvError
from models.core.places import Town
from models.events.csvfile.columns import QUOTA
from models.events.csvfile.rows import EventRow
from models.events.managing import EventDraft, OptionDraft
from models.events.places import quotas_of
from models.events.tables import HOLDING, Event, EventOption, EventStatus, Registration, RegStatus

# Where an event may go from where it is (the same status is always allowed).
MOVES = {
    EventStatus.DRAFT.value: {EventStatus.PUBLISHED.value, EventStatus.CANCELLED.value},
    EventStatus.PUBLISHED.value: {EventStatus.CANCELLED.value},
    EventStatus.CANCELLED.value: set(),
}


async def town_holding(session: AsyncSession, event_id: int, town_id: int) -> int:
    """Places the town's residents hold at the event (confirmed, offered, attended)."""
    query = select(func.coalesce(func.sum(col(Registration.party_size)), 0)).where(
        col(Registration.event_id) == event_id,
        col(Registration.town_id) == town_id,
        col(Registration.status).in_(HOLDING),
    )
    return int((await session.execute(query)).scalar() or 0)


async def options_of(session: AsyncSession, event_id: int) -> list[EventOption]:
    """An event's options in their order."""
    query = (
        select(EventOption)
        .where(col(EventOption.event_id) == event_id)
        .order_by(col(EventOption.position), col(EventOption.id))
    )
    return list((await session.execute(query)).scalars())


async def _chosen(session: AsyncSession, event_id: int) -> dict[int, int]:
    """Option id → registrations (not cancelled) that chose it."""
    query = (
        select(col(Registration.option_id), func.count())
        .where(
            col(Registration.event_id) == event_id,
            col(Registration.option_id).is_not(None),
            col(Registration.status) != RegStatus.CANCELLED.value,
        )
        .group_by(col(Registration.option_id))
    )
    return {int(option or 0): int(n) for option, n in (await session.execute(query)).all()}


def _status(row: EventRow, event: Event, before: EventDraft) -> list[CsvError]:
    wanted = row.status or event.status
    if event.status == EventStatus.CANCELLED.value and (
        wanted != event.status or row.draft != before
    ):
        column = "status" if wanted != event.status else "code"
        return [CsvError(row.line, column, "the event was cancelled: it cannot change")]
    if wanted != event.status and wanted not in MOVES[event.status]:
        return [CsvError(row.line, "status", f"a {event.status} event cannot become {wanted}")]
    return []


def _places(row: EventRow, event: Event) -> list[CsvError]:
    draft, holding = row.draft, event.taken - event.held_back  # registrations and walk-ins
    if holding + draft.held_back <= draft.capacity:
        return []
    if draft.capacity != event.capacity:
        problem = f"{draft.capacity} is below the {holding} places already taken"
        if draft.held_back:
            problem += f" and the {draft.held_back} held back"
        return [CsvError(row.line, "capacity", problem)]
    free = max(draft.capacity - holding, 0)
    return [CsvError(row.line, "held_back", f"only {free} places are free to hold back")]


async def _quotas(
    session: AsyncSession, row: EventRow, event_id: int, towns: dict[int, Town]
) -> list[CsvError]:
    now = {q.town_id: q.taken for q in await quotas_of(session, event_id)}
    errors = []
    for town_id, quota in sorted(row.draft.quotas.items()):
        if town_id in now:
            held = now[town_id]
        else:
            held = await town_holding(session, event_id, town_id)
        if quota < held:
            code = towns[town_id].code if town_id in towns else str(town_id)
            problem = f"{quota} is below the {held} places {code} residents already hold"
            errors.append(CsvError(row.line, QUOTA + code, problem))
    return errors


def _same(new: OptionDraft, old: EventOption, moved: bool) -> bool:
    """Whether a chosen answer is kept: its labels, and its pick-up time unless the event
    moved (the riders' reminders are then planned again, with the new time)."""
    if (new.label_zh, new.label_en, new.ride) != (old.label_zh, old.label_en, old.ride):
        return False
    return moved or new.pickup_at == old.pickup_at


async def _options(
    session: AsyncSession, row: EventRow, event_id: int, before: EventDraft
) -> list[CsvError]:
    chosen = await _chosen(session, event_id)
    moved = row.draft.starts_at != before.starts_at
    errors = []
    for n, option in enumerate(await options_of(session, event_id)):
        times = chosen.get(option.id or 0, 0)
        new = row.draft.options[n] if n < len(row.draft.options) else None
        if times and (new is None or not _same(new, option, moved)):
            problem = (
                f"option {n + 1} ({option.label_zh}) was chosen by {times} registration(s): "
                "it must stay as it is, in its place"
            )
            errors.append(CsvError(row.line, "options", problem))
    return errors


async def blockers(
    session: AsyncSession,
    row: EventRow,
    event: Event,
    before: EventDraft,
    towns: dict[int, Town],
) -> list[CsvError]:
    """Every reason the row cannot be applied to the event as it is now."""
    errors = _status(row, event, before)
    if errors or row.draft == before:
        return errors
    if row.draft.host_town_id != event.host_town_id:
        problem = "an event's host town cannot change (import it under a new code)"
        errors.append(CsvError(row.line, "host_town", problem))
    errors += _places(row, event)
    errors += await _quotas(session, row, event.id or 0, towns)
    errors += await _options(session, row, event.id or 0, before)
    return errors
