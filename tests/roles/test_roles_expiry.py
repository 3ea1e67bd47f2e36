"""An invite's expiry in words: the day counted from today, the date, the time of day."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.context import Services
from handlers.roles.expiry import expiry_in_words

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 12, 2, 9, 0, tzinfo=SHANGHAI)  # a Wednesday morning


@pytest.mark.parametrize(
    ("later", "zh", "en"),
    [
        (
            timedelta(hours=6),
            "今天（12月2日，星期三）下午3:00",
            "today (Wednesday 2 December) at 3:00 pm",
        ),
        (timedelta(days=1), "明天（12月3日，星期四）上午9:00", "tomorrow (Thursday 3 December)"),
        (timedelta(days=2, hours=3), "后天（12月4日，星期五）下午12:00", "the day after tomorrow"),
        (
            timedelta(days=3),
            "3天后（12月5日，星期六）上午9:00",
            "in 3 days (Saturday 5 December) at 9:00 am",
        ),
        (timedelta(days=30, hours=-9), "30天后（1月1日，星期五）上午12:00", "in 30 days"),
    ],
)
def test_expiry_in_words(services: Services, later: timedelta, zh: str, en: str) -> None:
    moment = NOW + later
    for language, words in (("zh_CN", zh), ("en", en)):
        text = expiry_in_words(services.i18n.translator(language), moment, NOW, SHANGHAI)
        assert words in text, text


def test_expiry_counts_local_days_not_utc_ones(services: Services) -> None:
    t = services.i18n.translator("zh_CN")
    late = datetime(2026, 12, 2, 23, 30, tzinfo=SHANGHAI)  # 15:30 UTC, still "today" in UTC
    moment = late + timedelta(hours=1)  # 00:30 local, the next day
    assert expiry_in_words(t, moment, late, SHANGHAI).startswith("明天")


def test_english_counts_one_day_and_many(services: Services) -> None:
    t = services.i18n.translator("en")
    assert t.n("roles.day.in_days", 1, n=1) == "in 1 day"
    assert t.n("roles.day.in_days", 4, n=4) == "in 4 days"
    assert services.i18n.translator("zh_CN").n("roles.day.in_days", 1, n=1) == "1天后"
