"""Each row of events.csv read into the event it describes: the event as it is (or defaults,
for a new code) with the file's cells laid over it, checked by the model's own rules
(``check_draft``). A column left out of the file keeps what the event has."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from models.core.csvfile import (
    ABSENT,
    CsvError,
    RowCells,
    Table,
    TextInvalid,
    check_header,
    parse_int,
)
from models.core.places import Community, Town
from models.events.csvfile.columns import (
    MAX_PARTY,
    MAX_PLACES,
    NEW_EVENT_NEEDS,
    QUOTA,
    TEXT_COLUMNS,
    OptionText,
    parse_audience,
    parse_code,
    parse_language,
    parse_optional_time,
    parse_options,
    parse_question_kind,
    parse_status,
    parse_topic,
    town_parser,
)
from models.events.managing import EventDraft, OptionDraft, check_draft
from models.events.rules import EventInvalid
from models.events.tables import Event, EventStatus, QuestionKind

# What the model's rules name (``EventInvalid.field``), as a column and a reason.
PROBLEMS: dict[str, tuple[str, str]] = {
    "code": ("code", "must not be empty"),
    "missing_language": ("missing_language", "must be zh_CN, en or empty"),
    "name_zh": ("name_zh", "must not be empty (unless missing_language is zh_CN)"),
    "name_en": ("name_en", "must not be empty (unless missing_language is en)"),
    "ends_at": ("ends_at", "must be after starts_at"),
    "capacity": ("capacity", "must be at least 1"),
    "cohost_town_id": ("cohost_town", "must not be the host town"),
    "place_zh": ("place_zh", "a venue_code or a place (place_zh or place_en) is needed"),
    "quotas": (QUOTA + "*", "the town quotas add up to more than the capacity"),
    "held_back": ("held_back", "more places than the capacity"),
    "held_back_until": ("held_back_until", "needed when places are held back"),
    "registration_closes_at": ("registration_closes_at", "must not be after starts_at"),
    "max_party": ("max_party", "must be at least 1"),
    "question_kind": ("question_kind", "must be choice, text or empty"),
    "options": ("options", "a choice question needs at least one option"),
}


@dataclass(frozen=True)
class Known:
    """What codes in the file may name: towns (by code, any case), venues, communities."""

    towns: Mapping[str, Town]
    venues: Mapping[str, int]
    communities: Mapping[str, Community]

    def quota_columns(self) -> dict[str, Town]:
        """``quota_d`` → D town: the quota columns as the header reads them (any case)."""
        return {(QUOTA + code).casefold(): town for code, town in self.towns.items()}


@dataclass
class EventRow:
    """A good row: the event it describes and the status it asks for (None: keep)."""

    line: int
    draft: EventDraft
    status: str | None
    cells: dict[str, str] = field(default_factory=dict)

    def given(self, column: str) -> bool:
        """Whether the column is in the file."""
        return column in self.cells


def _length(column: str) -> int:
    return int(Event.__table__.c[column].type.length)  # type: ignore[attr-defined]


def _quota(raw: str) -> int | None:
    return parse_int(raw, 0, MAX_PLACES) if raw.strip() else None


def _values(row: RowCells, known: Known, tz: ZoneInfo) -> dict[str, Any]:
    """Every cell of the row as the draft's fields (ABSENT: not in the file)."""
    values: dict[str, Any] = {c: row.text(c, _length(c)) for c in TEXT_COLUMNS}
    values["missing_language"] = row.parsed("missing_language", parse_language)
    values["host_town_id"] = row.parsed(
        "host_town", town_parser(known.towns, optional=False), required=True
    )
    values["cohost_town_id"] = row.parsed("cohost_town", town_parser(known.towns, optional=True))
    values["venue_id"] = row.parsed("venue_code", lambda raw: _venue(raw, known))
    for column in ("starts_at", "ends_at"):
        values[column] = row.parsed(column, lambda raw: parse_optional_time(raw, tz), required=True)
    for column in ("held_back_until", "registration_closes_at"):
        values[column] = row.parsed(column, lambda raw: parse_optional_time(raw, tz))
    values["capacity"] = row.integer("capacity", 1, MAX_PLACES)
    values["held_back"] = row.integer("held_back", 0, MAX_PLACES)
    values["max_party"] = row.integer("max_party", 1, MAX_PARTY)
    values["topic"] = row.parsed("topic", parse_topic, required=True)
    values["question_kind"] = row.parsed("question_kind", parse_question_kind)
    audience = row.parsed(
        "audience", lambda raw: parse_audience(raw, known.towns, known.communities)
    )
    if audience is not ABSENT:
        values["audience_town_id"] = audience.town_id
        values["audience_community_id"] = audience.community_id
    return {k: v for k, v in values.items() if v is not ABSENT}


def _venue(raw: str, known: Known) -> int | None:
    value = raw.strip()
    if not value:
        return None
    if value not in known.venues:
        raise TextInvalid(f"there is no venue {value!r}")
    return known.venues[value]


def _quotas(row: RowCells, known: Known) -> dict[int, int | None]:
    """The quota cells in the file: town id → places (None: the town has no quota)."""
    quotas: dict[int, int | None] = {}
    for column, town in known.quota_columns().items():
        if column not in row.cells:
            continue
        try:
            quotas[town.id or 0] = _quota(row.cells[column])
        except TextInvalid as exc:  # named as exported: quota_D
            row.fail(QUOTA + town.code, str(exc))
    return quotas


def _draft(
    row: RowCells,
    code: str,
    values: dict[str, Any],
    quota_cells: dict[int, int | None],
    base: EventDraft | None,
) -> EventDraft | None:
    """The event the row describes (None when a new event lacks a needed column)."""
    quotas = dict(base.quotas) if base else {}
    for town_id, quota in quota_cells.items():
        if quota is None:
            quotas.pop(town_id, None)
        else:
            quotas[town_id] = quota
    if base is not None:
        kept = {k: _to_minute(v, getattr(base, k)) for k, v in values.items()}
        return replace(base, **kept, quotas=quotas)
    missing = [c for c in NEW_EVENT_NEEDS if c not in row.cells]
    for column in missing:
        row.fail(column, "needed for a new event")
    if missing:
        return None
    return EventDraft(code=code, **values, quotas=quotas)


def _to_minute(value: Any, old: Any) -> Any:
    """The old time when the cell names the same minute (files hold minutes, the database
    may hold seconds): an exported file imported back changes nothing."""
    if isinstance(value, datetime) and isinstance(old, datetime):
        return old if old.replace(second=0, microsecond=0) == value else value
    return value


def _with_options(
    row: RowCells,
    draft: EventDraft,
    options: tuple[OptionText, ...] | Any,
    before: tuple[OptionDraft, ...],
    tz: ZoneInfo,
) -> EventDraft:
    if options is not ABSENT:
        found = [o.resolve(draft.starts_at, tz) for o in options]
        for n, (new, old) in enumerate(zip(found, before, strict=False)):
            found[n] = replace(new, pickup_at=_to_minute(new.pickup_at, old.pickup_at))
        draft = replace(draft, options=tuple(found))
    if draft.options and draft.question_kind != QuestionKind.CHOICE.value:
        column = "options" if "options" in row.cells else "question_kind"
        row.fail(column, "options are only for question_kind choice: empty the options cell")
    return draft


def _check(row: RowCells, draft: EventDraft, quota_header: list[str]) -> None:
    try:
        check_draft(draft)
    except EventInvalid as invalid:
        name = str(invalid.params.get("field", ""))
        column, problem = PROBLEMS.get(name, (name, "does not fit the other columns"))
        if name == "quotas" and quota_header:
            column = quota_header[0]
        row.fail(column, problem)


def parse_event_rows(
    table: Table,
    *,
    columns: tuple[str, ...],
    known: Known,
    existing: Mapping[str, EventDraft],
    tz: ZoneInfo,
) -> tuple[list[EventRow], list[CsvError]]:
    """Check every row (``existing``: the events already known, by code); the good rows, and
    every problem found."""
    known_columns = {c.casefold() for c in columns}
    errors = check_header(table, sorted(known_columns), ("code",))
    by_column = known.quota_columns()
    quota_header = [QUOTA + by_column[c].code for c in table.header if c in by_column]
    rows: list[EventRow] = []
    seen: dict[str, int] = {}
    for line, cells in table.rows:
        before = len(errors)
        row = RowCells(line, cells, errors)
        code = row.parsed("code", parse_code, required=True)
        status = row.parsed("status", parse_status)
        values = _values(row, known, tz)
        quota_cells = _quotas(row, known)
        options = row.parsed("options", lambda raw: parse_options(raw, tz))
        if code is ABSENT:
            continue
        if code in seen:
            row.fail("code", f"{code} is already on line {seen[code]}")
            continue
        seen[code] = line
        base = existing.get(code)
        if base is None and status == EventStatus.CANCELLED.value:
            row.fail("status", "a new event cannot be cancelled")
        if len(errors) > before:
            continue
        draft = _draft(row, code, values, quota_cells, base)
        if draft is None:
            continue
        draft = _with_options(row, draft, options, base.options if base else (), tz)
        _check(row, draft, quota_header)
        if len(errors) == before:
            rows.append(EventRow(line, draft, None if status is ABSENT else status, cells))
    return rows, errors
