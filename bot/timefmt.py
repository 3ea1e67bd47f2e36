"""Dates and times as residents read them, in their language and in the towns' time zone."""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime, format_time

# Whole patterns per language (not glued fragments): what an elderly reader expects to see.
_WHEN = {"zh_CN": "M月d日 EEEE HH:mm", "en": "EEEE d MMMM, HH:mm"}
_DAY = {"zh_CN": "M月d日 EEEE", "en": "EEEE d MMMM"}
_SHORT_DAY = {"zh_CN": "M月d日 EEE", "en": "EEE d MMM"}
_LOCALE = {"zh_CN": "zh_Hans_CN", "en": "en_GB"}


def _locale(language: str) -> str:
    return _LOCALE.get(language, _LOCALE["zh_CN"])


# Babel parses the locale and the pattern on every call; a morning's screens show the same few
# hundred slot times again and again, so each text is made once (equal instants, equal text).
@lru_cache(maxsize=4096)
def format_when(moment: datetime, language: str, tz: ZoneInfo) -> str:
    """A moment as a date with weekday and a 24-hour time: ``11月28日 星期六 09:00``."""
    pattern = _WHEN.get(language, _WHEN["zh_CN"])
    return format_datetime(moment.astimezone(tz), pattern, tzinfo=tz, locale=_locale(language))


@lru_cache(maxsize=1024)
def format_day(day: date, language: str, *, short: bool = False) -> str:
    """A calendar day with its weekday: ``11月28日 星期六`` (short: ``11月28日 周六``)."""
    patterns = _SHORT_DAY if short else _DAY
    return format_date(day, patterns.get(language, patterns["zh_CN"]), locale=_locale(language))


@lru_cache(maxsize=1024)
def format_clock(moment: datetime, tz: ZoneInfo) -> str:
    """The local time of day, 24-hour: ``09:00``."""
    return format_time(moment.astimezone(tz), "HH:mm", tzinfo=tz, locale="en_GB")


def format_span(starts: datetime, ends: datetime, language: str, tz: ZoneInfo) -> str:
    """A slot: ``11月28日 星期六 09:00–10:00``."""
    return f"{format_when(starts, language, tz)}–{format_clock(ends, tz)}"


def resolve_params(params: dict[str, Any], language: str, tz: ZoneInfo) -> dict[str, Any]:
    """Structured message parameters made plain for one language and time zone.

    ``{"dt": "<ISO time>"}`` becomes ``format_when`` (with ``"until"``: ``format_span``);
    ``{"zh_CN": …, "en": …}`` picks a language.
    """
    resolved: dict[str, Any] = {}
    for name, value in params.items():
        if isinstance(value, dict) and "until" in value:
            starts, ends = (datetime.fromisoformat(str(value[k])) for k in ("dt", "until"))
            value = format_span(starts, ends, language, tz)
        elif isinstance(value, dict) and "dt" in value:
            value = format_when(datetime.fromisoformat(str(value["dt"])), language, tz)
        elif isinstance(value, dict):
            value = value.get(language) or value.get("zh_CN") or next(iter(value.values()), "")
        resolved[name] = value
    return resolved
