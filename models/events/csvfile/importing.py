"""Import events.csv: every row is checked first (its cells, then what it may change on the
event as it is now) and any problem raises ``CatalogueRejected`` listing them all, so the
caller's transaction stores nothing. Rows are matched by ``code``: a new code creates the event
(``create_event``), a known one is changed through the model's own paths, so registrants are
told what changed (``edit_event``), publishing and cancelling are ``publish_event`` and
``cancel_event``, and freed places are offered to the waiting line. The same file imported
twice changes nothing the second time."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from models.core.audit import record_audit
from models.core.authz import Role, Scope
from models.core.base import TOWNS_TZ, utcnow
from models.core.capacity import set_limit
from models.core.csvfile import (
    CatalogueRejected,
    CsvError,
    ImportReport,
    Table,
    normalise,
    read_table,
)
from models.core.places import Community, Town, Venue
from models.events.csvfile.checks import blockers, options_of, town_holding
from models.events.csvfile.columns import QUOTA, event_columns, looks_like_events
from models.events.csvfile.rows import EventRow, Known, parse_event_rows
from models.events.managing import (
    EDITABLE,
    EventDraft,
    cancel_event,
    create_event,
    draft_of,
    edit_event,
    publish_event,
)
from models.events.places import QUOTA_PLACES, quotas_of, set_held_back
from models.events.rules import NoRoom
from models.events.tables import Event, EventOption, EventQuota, EventStatus
from models.events.waitlist import offer_freed_places

# The operator at the command line may change any event (like an admin of both towns).
OPERATOR = frozenset({Scope(Role.ADMIN, None)})


async def known_codes(session: AsyncSession) -> tuple[Known, list[Town]]:
    """The towns (in order), venues and communities codes may name."""
    towns = list((await session.execute(select(Town).order_by(col(Town.id)))).scalars())
    venues = {v.code: v.id or 0 for v in (await session.execute(select(Venue))).scalars()}
    communities = {c.code: c for c in (await session.execute(select(Community))).scalars()}
    return Known({t.code.casefold(): t for t in towns}, venues, communities), towns


def is_events_file(text: str) -> bool:
    """Whether CSV text is an events.csv file (told by its header)."""
    return looks_like_events(read_table(text).header)


async def _events(session: AsyncSession, table: Table) -> dict[str, Event]:
    codes = sorted({normalise(cells.get("code", "")) for _line, cells in table.rows} - {""})
    query = select(Event).where(col(Event.code).in_(codes))
    return {e.code: e for e in (await session.execute(query)).scalars()}


async def import_events(
    session: AsyncSession, *, text: str, tz: ZoneInfo = TOWNS_TZ, now: datetime | None = None
) -> ImportReport:
    """Create or change the file's events, all or none; raises CatalogueRejected."""
    now = now or utcnow()
    table = read_table(text)
    known, towns = await known_codes(session)
    events = await _events(session, table)
    before = {code: await draft_of(session, event) for code, event in events.items()}
    rows, errors = parse_event_rows(
        table, columns=event_columns(towns), known=known, existing=before, tz=tz
    )
    by_id = {t.id or 0: t for t in towns}
    for row in rows:
        event = events.get(row.draft.code)
        if event is not None:
            errors += await blockers(session, row, event, before[row.draft.code], by_id)
    if errors:
        raise CatalogueRejected(errors)
    report = ImportReport("events")
    for row in rows:
        event = events.get(row.draft.code)
        if event is None:
            publish = row.status == EventStatus.PUBLISHED.value
            await create_event(session, draft=row.draft, by=None, scopes=OPERATOR, publish=publish)
            report.created += 1
        elif await _update(session, row, event, before[row.draft.code], by_id, now):
            report.updated += 1
        else:
            report.unchanged += 1
    if report.created or report.updated:
        await record_audit(
            session, None, "events.import", "event", None,
            created=report.created, updated=report.updated,
        )  # fmt: skip
    return report


def _refused(row: EventRow, column: str, problem: str) -> CatalogueRejected:
    """A change that no longer fits (someone registered meanwhile): the whole import stops."""
    return CatalogueRejected([CsvError(row.line, column, problem)])


async def _update(
    session: AsyncSession,
    row: EventRow,
    event: Event,
    before: EventDraft,
    towns: dict[int, Town],
    now: datetime,
) -> bool:
    """Apply a checked row to its event; whether anything changed."""
    draft, event_id = row.draft, event.id or 0
    status = row.status or event.status
    if draft == before and status == event.status:
        return False
    if status != event.status and status == EventStatus.CANCELLED.value:
        # First: the registrants are told it is off, not also what changed on it.
        await cancel_event(session, event_id=event_id, by=None, scopes=OPERATOR, now=now)
    if draft.options != before.options:
        await _set_options(session, event_id, draft)
    if dict(draft.quotas) != dict(before.quotas):
        await _set_quotas(session, row, event_id, towns)
    if draft.held_back < event.held_back:
        await _hold_back(session, row, event)
    changes = {name: getattr(draft, name) for name in EDITABLE if name != "held_back"}
    try:
        await edit_event(
            session, event_id=event_id, changes=changes, by=None, scopes=OPERATOR, now=now
        )
    except NoRoom as exc:
        raise _refused(row, "capacity", "fewer places than are taken now") from exc
    if draft.held_back > event.held_back:
        await _hold_back(session, row, event)
    if status != event.status and status == EventStatus.PUBLISHED.value:
        await publish_event(session, event_id=event_id, by=None, scopes=OPERATOR)
    if event.status == EventStatus.PUBLISHED.value:
        await offer_freed_places(session, event_id, now)
    return True


async def _hold_back(session: AsyncSession, row: EventRow, event: Event) -> None:
    if not await set_held_back(session, event.id or 0, event.held_back, row.draft.held_back):
        raise _refused(row, "held_back", "the places are no longer free to hold back")
    await session.refresh(event)


async def _set_options(session: AsyncSession, event_id: int, draft: EventDraft) -> None:
    """The options in the file's order: kept rows changed in place (their ids stay, so the
    answers given stay), new ones added, the rest removed (nobody chose them: checked)."""
    rows = await options_of(session, event_id)
    for position, option in enumerate(draft.options):
        values = {**option.__dict__, "position": position}
        if position < len(rows):
            for name, value in values.items():
                setattr(rows[position], name, value)
        else:
            session.add(EventOption(event_id=event_id, **values))
    for extra in rows[len(draft.options) :]:
        await session.delete(extra)
    await session.flush()


async def _set_quotas(
    session: AsyncSession, row: EventRow, event_id: int, towns: dict[int, Town]
) -> None:
    """Each town's quota: changed through the capacity engine (never below what is held), a
    new one counting what the town's residents already hold, an emptied one removed."""
    current = {q.town_id: q for q in await quotas_of(session, event_id)}
    for town_id, quota in sorted(row.draft.quotas.items()):
        found = current.get(town_id)
        if found is None:
            held = await town_holding(session, event_id, town_id)
            session.add(EventQuota(event_id=event_id, town_id=town_id, quota=quota, taken=held))
        elif found.quota != quota:
            if not await set_limit(
                session, QUOTA_PLACES, quota, event_id=event_id, town_id=town_id
            ):
                column = QUOTA + (towns[town_id].code if town_id in towns else str(town_id))
                raise _refused(row, column, "below the places the town's residents hold now")
            await session.refresh(found)
    for town_id, gone in current.items():
        if town_id not in row.draft.quotas:
            await session.delete(gone)
    await session.flush()
