"""What an admin types for a secondment: name, title, days, weekdays and hours, read or refused.

Days: ``2026-12-31``, ``2026年12月31日``, or the words residents use (今天, 明天, 12月5号, next
monday: ``models.core.phrases``). Weekdays: ``周一至周五``, ``周二、周四``, ``每天``, ``工作日``,
``1-5``, ``mon-fri``, ``tue, thu``. Hours: one or more periods, ``09:00-12:00, 14:00-17:00``
(``models.booking``'s reader). Each reader raises a typed error whose message shows examples.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from models.booking import format_periods, parse_date, parse_periods
from models.core.csvfile import TextInvalid
from models.core.errors import DomainError
from models.core.people import NAME_MAX, normalise_name
from models.core.phrases import find_day
from models.governance.tables.roster import ALL_WEEKDAYS

WORKDAYS = 0b0011111
TITLE_MAX = 32
LONGEST_DAYS = 731  # two years: a longer secondment is surely a typing mistake
HOURS_MAX = 64
_EVERY_DAY = frozenset({"每天", "天天", "每日", "全周", "daily", "everyday", "every day"})
_WORK_DAYS = frozenset({"工作日", "每个工作日", "weekdays", "workdays", "every weekday"})
_ZH_DAY = "一二三四五六日天"
WEEKDAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")  # as CSV files write them
_DAY = re.compile(
    r"(?:周|星期|礼拜)?([一二三四五六日天])|\b([1-7])\b|(?<![a-z])(mon|tue|wed|thu|fri|sat|sun)[a-z]*"
)
_RANGE = re.compile(r"^\s*(?:至|到|-|~|–|—|to|through)\s*$")
_GAP = re.compile(r"^[\s,，、;；/和及与&]*(?:and)?[\s,，、;；/]*$")
_ZH_DATE = re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?$")


class StaffNameInvalid(DomainError):
    """Not a name (no letter, a command, too long)."""

    message_id = "roster.error.name"
    plural = "max"


class TitleInvalid(DomainError):
    """A title that is too long or empty of letters."""

    message_id = "roster.error.title"
    plural = "max"


class DaysOutOfOrder(DomainError):
    """The last day comes before the first."""

    message_id = "roster.error.order"


class EndsInThePast(DomainError):
    """The secondment would already be over."""

    message_id = "roster.error.past"


class TooLong(DomainError):
    """More than two years."""

    message_id = "roster.error.too_long"


class DayInvalid(DomainError):
    """Not a day the bot can read."""

    message_id = "roster.error.day"


class WeekdaysInvalid(DomainError):
    """Not weekdays the bot can read."""

    message_id = "roster.error.weekdays"


class HoursInvalid(DomainError):
    """Not hours of duty the bot can read."""

    message_id = "roster.error.hours"


def _plain(text: str | None) -> str:
    return unicodedata.normalize("NFKC", text or "").strip().casefold()


def read_day(text: str | None, today: date) -> date:
    """The day typed: a date, or words seen from ``today``."""
    said = _plain(text)
    try:
        return parse_date(said)
    except TextInvalid:
        pass
    found = _ZH_DATE.match(said)
    if found:
        try:
            return date(*(int(part) for part in found.groups()))
        except ValueError as exc:
            raise DayInvalid() from exc
    day = find_day(said, today) if said else None
    if day is None:
        raise DayInvalid()
    return day


def _number(match: re.Match[str]) -> int:
    zh, digit, en = match.groups()
    if zh:
        return min(_ZH_DAY.index(zh), 6)  # 日 and 天 are both Sunday
    if digit:
        return int(digit) - 1
    return WEEKDAY_NAMES.index(en)


def read_weekdays(text: str | None) -> int:
    """The weekdays typed, as a mask (bit 0 is Monday)."""
    said = _plain(text)
    if said in _EVERY_DAY:
        return ALL_WEEKDAYS
    said = re.sub(r"^(?:每周|每个星期|每星期|every)\s*", "", said)
    if said in _EVERY_DAY:
        return ALL_WEEKDAYS
    if said in _WORK_DAYS:
        return WORKDAYS
    found = list(_DAY.finditer(said))
    if not found:
        raise WeekdaysInvalid()
    mask, end, previous = 0, 0, None
    for match in found:
        between = said[end : match.start()]
        day = _number(match)
        if previous is not None and _RANGE.match(between):
            if day < previous:
                raise WeekdaysInvalid()
            for inner in range(previous, day + 1):
                mask |= 1 << inner
        elif _GAP.match(between):
            mask |= 1 << day
        else:
            raise WeekdaysInvalid()
        previous, end = day, match.end()
    if not _GAP.match(said[end:]):
        raise WeekdaysInvalid()
    return mask


def read_hours(text: str | None) -> str:
    """The hours typed, kept as ``09:00-12:00 14:00-17:00``."""
    said = _plain(text).replace("点", ":00").replace("：", ":")
    try:
        periods = parse_periods(said)
    except TextInvalid as exc:
        raise HoursInvalid() from exc
    kept = format_periods(periods)
    if not periods or len(kept) > HOURS_MAX:
        raise HoursInvalid()
    return kept


def weekdays_of(mask: int) -> list[int]:
    """The weekdays of a mask, Monday first (0 is Monday)."""
    return [day for day in range(7) if mask >> day & 1]


def read_name(text: str | None) -> str:
    """The staff member's name as kept, or ``StaffNameInvalid``."""
    name = normalise_name(text or "")
    has_letter = any(unicodedata.category(ch).startswith("L") for ch in name)
    if not has_letter or name.startswith("/") or len(name) > NAME_MAX:
        raise StaffNameInvalid(max=NAME_MAX)
    return name


def read_title(text: str | None) -> str:
    """The staff member's title (社区副书记) as kept, or ``TitleInvalid``."""
    title = normalise_name(text or "")
    has_letter = any(unicodedata.category(ch).startswith("L") for ch in title)
    if not has_letter or title.startswith("/") or len(title) > TITLE_MAX:
        raise TitleInvalid(max=TITLE_MAX)
    return title


def check_days(first_day: date, last_day: date, today: date) -> None:
    """Refuse days in the wrong order, already over, or more than two years apart."""
    if last_day < first_day:
        raise DaysOutOfOrder()
    if last_day < today:
        raise EndsInThePast()
    if (last_day - first_day).days >= LONGEST_DAYS:
        raise TooLong()
