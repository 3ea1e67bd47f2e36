"""The periods /stats and the digest report on: calendar months, quarters and years in the towns'
time zone (Asia/Shanghai), as half-open UTC ranges ``[start, end)``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from enum import StrEnum

from models.core.base import TOWNS_TZ


class PeriodKind(StrEnum):
    """The periods an admin chooses from (``governance_stats.period.<value>`` names each)."""

    THIS_MONTH = "this_month"
    LAST_MONTH = "last_month"
    THIS_QUARTER = "this_quarter"
    THIS_YEAR = "this_year"


@dataclass(frozen=True)
class Period:
    """Local days ``first`` to ``last`` (inclusive), and the same as UTC instants [start, end)."""

    first: date
    last: date

    @property
    def start(self) -> datetime:
        """The first day's local midnight, in UTC."""
        return local_midnight(self.first)

    @property
    def end(self) -> datetime:
        """The local midnight after the last day, in UTC (excluded)."""
        return local_midnight(date.fromordinal(self.last.toordinal() + 1))


def local_midnight(day: date) -> datetime:
    """Midnight starting ``day`` in the towns' time zone, as an aware UTC datetime."""
    return datetime.combine(day, time(), TOWNS_TZ).astimezone(UTC)


def add_months(first: date, months: int) -> date:
    """The 1st of the month ``months`` after (or before) ``first``'s month."""
    index = first.year * 12 + first.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def month_period(first: date) -> Period:
    """The whole calendar month starting ``first`` (a 1st)."""
    after = add_months(first, 1)
    return Period(first, date.fromordinal(after.toordinal() - 1))


def period_of(kind: PeriodKind, today: date) -> Period:
    """The period ``kind`` as seen on the local day ``today`` (whole months, quarters, years)."""
    month = today.replace(day=1)
    match kind:
        case PeriodKind.THIS_MONTH:
            return month_period(month)
        case PeriodKind.LAST_MONTH:
            return month_period(add_months(month, -1))
        case PeriodKind.THIS_QUARTER:
            first = date(today.year, (today.month - 1) // 3 * 3 + 1, 1)
            return Period(first, month_period(add_months(first, 2)).last)
    return Period(date(today.year, 1, 1), date(today.year, 12, 31))


def trend_months(period: Period, count: int = 12) -> list[date]:
    """The 1sts of the ``count`` months ending with the period's last month (the trend line)."""
    last = period.last.replace(day=1)
    return [add_months(last, n) for n in range(1 - count, 1)]
