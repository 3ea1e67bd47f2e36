"""Text forms of a venue's calendar, shared by the admin screens and the CSV files.

Periods: ``09:00-12:00, 14:00-17:00`` (or ``休息`` / ``closed``). Weekly hours:
``mon-fri 09:00-12:00 14:00-17:00; sat 09:00-12:00``. Blackouts:
``2026-12-25..2026-12-27 元旦检修|maintenance; 2027-01-01 元旦|New Year``. Every parser raises
``TextInvalid`` with an English reason (shown to operators by the CLI; the bot shows its own
translated hint).
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from datetime import date, time, timedelta

from models.core.csvfile import TextInvalid, normalise

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
CLOSED_WORDS = frozenset({"休息", "关闭", "不开放", "闭馆", "closed", "close", "none", "-"})
MAX_BLACKOUT_DAYS = 366
Period = tuple[time, time]
_PERIOD = re.compile(r"^(\d{1,2})(?::(\d{2}))?\s*[-~至到]\s*(\d{1,2})(?::(\d{2}))?$")
_DATE = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$")


@dataclass(frozen=True)
class BlackoutText:
    """One parsed blackout: an inclusive day range and its reason in both languages."""

    first_day: date
    last_day: date
    reason_zh: str
    reason_en: str


def _clock(hour: str, minute: str | None) -> time:
    h, m = int(hour), int(minute or 0)
    if h > 23 or m > 59:
        raise TextInvalid(f"{hour}:{minute or '00'} is not a time of day")
    return time(h, m)


def parse_periods(text: str) -> list[Period]:
    """Opening periods of one day, sorted; an empty list for ``closed`` / ``休息``."""
    value = normalise(text)
    if value.casefold() in CLOSED_WORDS:
        return []
    periods: list[Period] = []
    for part in re.split(r"[,;、\s]+", re.sub(r"\s*([-~至到])\s*", r"\1", value)):
        if not part:
            continue
        found = _PERIOD.match(part)
        if not found:
            raise TextInvalid(f"{part!r} is not a period like 09:00-12:00")
        opens, closes = _clock(*found.group(1, 2)), _clock(*found.group(3, 4))
        if opens >= closes:
            raise TextInvalid(f"{part!r} closes before it opens")
        periods.append((opens, closes))
    if not periods:
        raise TextInvalid("no opening period given")
    periods.sort()
    for (_a, closes), (opens, _b) in itertools.pairwise(periods):
        if opens < closes:
            raise TextInvalid("two periods overlap")
    return periods


def format_periods(periods: list[Period]) -> str:
    """``09:00-12:00 14:00-17:00``."""
    return " ".join(f"{a:%H:%M}-{b:%H:%M}" for a, b in periods)


def _days(spec: str) -> list[int]:
    spec = spec.casefold()
    if spec in ("daily", "every", "everyday", "mon-sun"):
        return list(range(7))
    days: list[int] = []
    for item in spec.split(","):
        ends = item.split("-")
        if len(ends) > 2 or any(end not in WEEKDAYS for end in ends):
            raise TextInvalid(f"{item!r} is not a weekday like mon, mon-fri or tue,thu")
        first, last = WEEKDAYS.index(ends[0]), WEEKDAYS.index(ends[-1])
        if last < first:
            raise TextInvalid(f"{item!r} runs backwards")
        days.extend(range(first, last + 1))
    return days


def parse_week(text: str) -> dict[int, list[Period]]:
    """Weekly hours: weekday (0 = Monday) → periods; days not named are closed."""
    week: dict[int, list[Period]] = {day: [] for day in range(7)}
    for segment in normalise(text).split(";"):
        segment = segment.strip()
        if not segment:
            continue
        spec, _, rest = segment.partition(" ")
        if not rest.strip():
            raise TextInvalid(f"{segment!r} has no opening period after the days")
        periods = parse_periods(rest)
        for day in _days(spec):
            week[day] = parse_periods(format_periods(week[day] + periods)) if week[day] else periods
    return week


def format_week(week: dict[int, list[Period]]) -> str:
    """The canonical weekly-hours text; days with the same periods share one segment."""
    groups: dict[tuple[Period, ...], list[int]] = {}
    for day in range(7):
        if week.get(day):
            groups.setdefault(tuple(week[day]), []).append(day)
    segments = []
    for periods, days in groups.items():
        runs: list[list[int]] = []
        for day in days:
            if runs and runs[-1][-1] == day - 1:
                runs[-1].append(day)
            else:
                runs.append([day])
        spec = ",".join(
            WEEKDAYS[r[0]] if len(r) == 1 else f"{WEEKDAYS[r[0]]}-{WEEKDAYS[r[-1]]}" for r in runs
        )
        segments.append(f"{spec} {format_periods(list(periods))}")
    return "; ".join(segments)


def parse_date(text: str) -> date:
    """``2026-12-25`` (also ``2026/12/25``)."""
    found = _DATE.match(normalise(text))
    if not found:
        raise TextInvalid(f"{text!r} is not a date like 2026-12-25")
    try:
        return date(*(int(part) for part in found.groups()))
    except ValueError as exc:
        raise TextInvalid(f"{text!r} is not a real date") from exc


def parse_blackout(text: str) -> BlackoutText:
    """``2026-12-25 reason``, ``2026-12-25 2026-12-27 reason`` or ``2026-12-25..2026-12-27
    原因|reason``."""
    words = normalise(text).replace("..", " ").split(None, 2)
    if not words:
        raise TextInvalid("a date like 2026-12-25 is needed")
    first = last = parse_date(words[0])
    rest = words[1:]
    if rest and _DATE.match(rest[0]):
        last = parse_date(rest[0])
        rest = rest[1:]
    reason = " ".join(rest).strip()
    if last < first:
        raise TextInvalid("the last day is before the first day")
    if (last - first) > timedelta(days=MAX_BLACKOUT_DAYS):
        raise TextInvalid(f"longer than {MAX_BLACKOUT_DAYS} days")
    zh, bar, en = reason.partition("|")
    zh, en = zh.strip(), (en.strip() if bar else zh.strip())
    if not zh or not en:
        raise TextInvalid("a reason is needed after the dates")
    if len(zh) > 128 or len(en) > 128:
        raise TextInvalid("the reason is longer than 128 characters")
    return BlackoutText(first, last, zh, en)


def parse_blackouts(text: str) -> list[BlackoutText]:
    """Blackouts separated by ``;``."""
    return [parse_blackout(part) for part in normalise(text).split(";") if part.strip()]


def format_blackout(item: BlackoutText) -> str:
    """``2026-12-25..2026-12-27 元旦检修|maintenance`` (one reason when both are the same)."""
    days = f"{item.first_day:%Y-%m-%d}"
    if item.last_day != item.first_day:
        days += f"..{item.last_day:%Y-%m-%d}"
    reason = (
        item.reason_zh if item.reason_zh == item.reason_en else f"{item.reason_zh}|{item.reason_en}"
    )
    return f"{days} {reason}"
