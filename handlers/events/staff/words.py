"""Reading what staff type: a time of day ("14:00", "下午两点半", "2pm"), a day with a time
("明天 14:00", "5月3日 9点"), a whole number, and the registration question's options."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, time

from models.core.phrases import digits, find_day

_TIME = re.compile(
    r"(上午|早上|早晨|中午|下午|晚上|傍晚)?\s*(\d{1,2})\s*(?:[:：.]\s*(\d{2})|[点點时]\s*(半|\d{1,2})?\s*分?)"
    r"\s*(am|pm)?|(\d{1,2})\s*(am|pm)",
    re.IGNORECASE,
)
_AFTERNOON = ("下午", "晚上", "傍晚", "pm")
_NUMBER = re.compile(r"^\s*(\d{1,6})\s*(?:个|人|位|名|places?|people)?\s*$", re.IGNORECASE)
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")


def find_time(text: str | None) -> time | None:
    """The time of day the text names, or None."""
    if not text:
        return None
    said = digits(text.strip().replace("两点", "2点"))
    found = _TIME.search(said)
    if found is None:
        return None
    period, hour, minute, after_dot, ampm, bare_hour, bare_ampm = found.groups()
    if bare_hour is not None:
        hour, ampm, minutes = bare_hour, bare_ampm, 0
    else:
        minutes = (
            int(minute or 0) if after_dot is None else (30 if after_dot == "半" else int(after_dot))
        )
    hours = int(hour)
    marker = (period or "") + (ampm or "").lower()
    if any(word in marker for word in _AFTERNOON) and hours < 12:
        hours += 12
    if marker == "中午" and hours < 6:
        hours += 12
    if not (0 <= hours <= 23 and 0 <= minutes <= 59):
        return None
    return time(hours, minutes)


def find_number(text: str | None) -> int | None:
    """A whole number typed alone ("30", "三十", "30人"), or None."""
    if not text:
        return None
    found = _NUMBER.match(digits(text.strip()))
    return int(found.group(1)) if found else None


def find_day_time(text: str | None, today: date) -> tuple[date, time] | None:
    """A day and a time in one answer ("明天 14:00", "2026-05-03 9:30")."""
    if not text:
        return None
    iso = _ISO_DATE.search(text)
    day = None
    rest = text
    if iso:
        try:
            day = date(int(iso.group(1)), int(iso.group(2)), int(iso.group(3)))
        except ValueError:
            return None
        rest = text[: iso.start()] + text[iso.end() :]
    else:
        day = find_day(text, today)
        rest = re.sub(r"\d{1,2}\s*月\s*\d{1,2}\s*[日号]", " ", text)
    moment = find_time(rest)
    if day is None or moment is None:
        return None
    return day, moment


def find_date(text: str | None, today: date) -> date | None:
    """A day: words ("明天", "下周六", "5月3日") or ``2026-05-03``."""
    if not text:
        return None
    iso = _ISO_DATE.search(text)
    if iso:
        try:
            return date(int(iso.group(1)), int(iso.group(2)), int(iso.group(3)))
        except ValueError:
            return None
    return find_day(text, today)


@dataclass(frozen=True)
class TypedOption:
    """One typed answer of a choice question: ``中文 / English HH:MM`` (a time: a pick-up)."""

    label_zh: str
    label_en: str
    pickup: time | None


_PICKUP = re.compile(r"\s+(\d{1,2}[:：]\d{2})\s*$")


def read_options(text: str | None) -> list[TypedOption] | None:
    """One option a line; a line ending in a time is a pick-up point at that time."""
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    if not lines or len(lines) > 8:
        return None
    options = []
    for line in lines:
        found = _PICKUP.search(line)
        pickup = find_time(found.group(1)) if found else None
        label = line[: found.start()] if found else line
        zh, _, en = label.partition("/")
        if not zh.strip() or len(zh.strip()) > 64 or len(en.strip()) > 64:
            return None
        options.append(TypedOption(zh.strip(), en.strip(), pickup))
    return options
