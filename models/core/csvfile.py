"""CSV plumbing shared by the operators' files (venues, slots, events; docs/catalogue-csv.md):
reading with file line numbers, cell checks that collect every problem as ``line N: column X:
what is wrong``, the plain cell formats (numbers, yes/no, local times), and writing."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

T = TypeVar("T")
TRUE_WORDS = frozenset({"yes", "y", "true", "1", "是", "对"})
FALSE_WORDS = frozenset({"no", "n", "false", "0", "否", "不"})
_WHEN = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})[ T]+(\d{1,2}):(\d{2})$")


class TextInvalid(ValueError):
    """A text field does not follow its format; the message says what is wrong."""


def normalise(text: str) -> str:
    """Full-width digits and punctuation to ASCII, dashes unified, outer spaces trimmed."""
    text = unicodedata.normalize("NFKC", text)
    for dash in ("–", "—", "－", "〜", "～"):
        text = text.replace(dash, "-")
    return text.strip()


def parse_int(text: str, low: int, high: int) -> int:
    """A whole number within [low, high]."""
    value = normalise(text)
    if not re.fullmatch(r"\d{1,9}", value):
        raise TextInvalid(f"a whole number from {low} to {high} is needed")
    number = int(value)
    if not low <= number <= high:
        raise TextInvalid(f"{number} is not between {low} and {high}")
    return number


def parse_bool(text: str) -> bool:
    """yes/no (also true/false, 1/0, 是/否)."""
    value = normalise(text).casefold()
    if value in TRUE_WORDS:
        return True
    if value in FALSE_WORDS:
        return False
    raise TextInvalid("yes or no is needed")


def format_bool(value: bool) -> str:
    """``yes`` or ``no``."""
    return "yes" if value else "no"


def parse_local(raw: str, tz: ZoneInfo) -> datetime:
    """``2026-12-01 09:00`` in the towns' zone, as an aware UTC instant."""
    found = _WHEN.match(normalise(raw))
    if not found:
        raise TextInvalid(f"{raw.strip()!r} is not a local time like 2026-12-01 09:00")
    try:
        year, month, day, hour, minute = (int(part) for part in found.groups())
        local = datetime(year, month, day, hour, minute, tzinfo=tz)
    except ValueError as exc:
        raise TextInvalid(f"{raw.strip()!r} is not a real date and time") from exc
    return local.astimezone(UTC)


def format_local(moment: datetime, tz: ZoneInfo) -> str:
    """An instant as local ``2026-12-01 09:00``."""
    return moment.astimezone(tz).strftime("%Y-%m-%d %H:%M")


class _Absent:
    """The column is not in the file: keep what the database has (or the default)."""

    def __repr__(self) -> str:
        return "ABSENT"


ABSENT: Any = _Absent()


@dataclass(frozen=True, order=True)
class CsvError:
    """One problem in a file; line 1 is the header."""

    line: int
    column: str
    problem: str

    def __str__(self) -> str:
        return f"line {self.line}: column {self.column}: {self.problem}"


class CatalogueRejected(Exception):
    """The file has problems; nothing was imported. ``errors`` lists every one."""

    def __init__(self, errors: Iterable[CsvError]) -> None:
        self.errors = sorted(errors)
        super().__init__("\n".join(str(e) for e in self.errors))


@dataclass
class ImportReport:
    """What an import changed."""

    kind: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    slots_generated: int = 0

    def summary(self) -> str:
        """One line for the operator."""
        text = f"{self.kind}: created {self.created}, updated {self.updated}, "
        text += f"unchanged {self.unchanged}"
        if self.slots_generated:
            text += f" ({self.slots_generated} new slots generated)"
        return text


@dataclass
class Table:
    """A read file: its header and its data rows with the line each starts on."""

    header: list[str]
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)


def read_table(text: str) -> Table:
    """Parse CSV text (a leading BOM is dropped); blank rows are skipped."""
    text = text.removeprefix("\ufeff")
    reader = csv.reader(io.StringIO(text, newline=""))
    table: Table | None = None
    last_line = 0
    for cells in reader:
        start, last_line = last_line + 1, reader.line_num
        if table is None:
            table = Table([normalise(c).casefold() for c in cells])
            continue
        if not any(c.strip() for c in cells):
            continue
        row = {name: cells[i] if i < len(cells) else "" for i, name in enumerate(table.header)}
        if len(cells) > len(table.header) and any(c.strip() for c in cells[len(table.header) :]):
            row["\0extra"] = "1"
        table.rows.append((start, row))
    return table or Table([])


def check_header(
    table: Table, known: Sequence[str], required: Sequence[str], ignored: Sequence[str] = ()
) -> list[CsvError]:
    """Missing required columns, unknown and repeated ones (all on line 1)."""
    errors = [CsvError(1, name, "required column is missing") for name in required]
    errors = [e for e in errors if e.column not in table.header]
    seen: set[str] = set()
    for name in table.header:
        if name in seen:
            errors.append(CsvError(1, name or "(empty)", "column appears twice"))
        elif name not in known and name not in ignored:
            errors.append(CsvError(1, name or "(empty)", "unknown column"))
        seen.add(name)
    return errors


class RowCells:
    """The cells of one row; each getter records a problem instead of raising."""

    def __init__(self, line: int, cells: dict[str, str], errors: list[CsvError]) -> None:
        self.line, self.cells, self.errors = line, cells, errors
        if "\0extra" in cells:
            errors.append(CsvError(line, "-", "more cells than the header has columns"))

    def fail(self, column: str, problem: str) -> None:
        """Record a problem with this row."""
        self.errors.append(CsvError(self.line, column, problem))

    def parsed(self, column: str, parser: Callable[[str], T], *, required: bool = False) -> T:
        """The cell through ``parser``; ABSENT when the column is missing (or fails)."""
        if column not in self.cells:
            return ABSENT  # type: ignore[no-any-return]
        raw = self.cells[column]
        if required and not raw.strip():
            self.fail(column, "must not be empty")
            return ABSENT  # type: ignore[no-any-return]
        try:
            return parser(raw)
        except TextInvalid as exc:
            self.fail(column, str(exc))
            return ABSENT  # type: ignore[no-any-return]

    def text(self, column: str, max_length: int, *, required: bool = False) -> str:
        """A text cell (trimmed), at most ``max_length`` characters."""

        def check(raw: str) -> str:
            value = raw.strip()
            if len(value) > max_length:
                raise TextInvalid(f"longer than {max_length} characters")
            return value

        return self.parsed(column, check, required=required)

    def integer(self, column: str, low: int, high: int) -> int:
        """A whole number within [low, high]."""
        return self.parsed(column, lambda raw: parse_int(raw, low, high), required=True)

    def boolean(self, column: str) -> bool:
        """yes / no."""
        return self.parsed(column, parse_bool, required=True)


def write_table(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """CSV text with a header row."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()
