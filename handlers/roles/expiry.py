"""When an invite expires, in words: ``3天后（12月1日，星期一）下午3:20`` / "in 3 days (…)"."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.i18n import Translator


def expiry_in_words(t: Translator, moment: datetime, now: datetime, tz: ZoneInfo) -> str:
    """``moment`` in local time, its day counted from ``now``'s: today, tomorrow, in 3 days …"""
    local = moment.astimezone(tz)
    days = (local.date() - now.astimezone(tz).date()).days
    named = {0: t("roles.day.today"), 1: t("roles.day.tomorrow"), 2: t("roles.day.after_tomorrow")}
    day = named.get(days) or t.n("roles.day.in_days", days, n=days)
    return t(
        "roles.expiry",
        day=day,
        month=t(f"roles.month.{local.month}"),
        date=local.day,
        weekday=t(f"roles.weekday.{local.weekday()}"),
        period=t("roles.period.am" if local.hour < 12 else "roles.period.pm"),
        hour=local.hour % 12 or 12,
        minute=f"{local.minute:02d}",
    )
