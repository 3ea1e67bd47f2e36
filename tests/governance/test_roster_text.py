"""What an admin types for a secondment, read or refused (no Telegram)."""

from __future__ import annotations

from datetime import date

import pytest

from models.governance import (
    DayInvalid,
    DaysOutOfOrder,
    EndsInThePast,
    HoursInvalid,
    StaffNameInvalid,
    TooLong,
    WeekdaysInvalid,
    check_days,
    read_day,
    read_hours,
    read_name,
    read_weekdays,
    weekdays_of,
)

TODAY = date(2026, 12, 3)  # a Thursday


@pytest.mark.parametrize(
    ("typed", "days"),
    [
        ("周一至周五", [0, 1, 2, 3, 4]),
        ("工作日", [0, 1, 2, 3, 4]),
        ("每天", [0, 1, 2, 3, 4, 5, 6]),
        ("周二、周四", [1, 3]),
        ("每周二和周四", [1, 3]),
        ("星期一到星期三，星期五", [0, 1, 2, 4]),
        ("周六 周日", [5, 6]),
        ("1-5", [0, 1, 2, 3, 4]),
        ("Mon-Fri", [0, 1, 2, 3, 4]),
        ("tue, thu", [1, 3]),
        ("every day", [0, 1, 2, 3, 4, 5, 6]),
    ],
)
def test_weekdays_read(typed: str, days: list[int]) -> None:
    assert weekdays_of(read_weekdays(typed)) == days


@pytest.mark.parametrize("typed", ["", "abc", "周五至周一", "8", "周一 随便", None])
def test_weekdays_refused(typed: str | None) -> None:
    with pytest.raises(WeekdaysInvalid):
        read_weekdays(typed)


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("09:00-17:00", "09:00-17:00"),
        ("9-12", "09:00-12:00"),
        ("9点-12点", "09:00-12:00"),
        ("08:30-11:30, 13:30-17:00", "08:30-11:30 13:30-17:00"),
        ("１３：３０－１７：００", "13:30-17:00"),
    ],
)
def test_hours_read(typed: str, kept: str) -> None:
    assert read_hours(typed) == kept


@pytest.mark.parametrize("typed", ["17:00-09:00", "25-26", "morning", "", "9-12, 11-13"])
def test_hours_refused(typed: str) -> None:
    with pytest.raises(HoursInvalid):
        read_hours(typed)


@pytest.mark.parametrize(
    ("typed", "day"),
    [
        ("2026-12-31", date(2026, 12, 31)),
        ("2027/1/5", date(2027, 1, 5)),
        ("2027年1月5日", date(2027, 1, 5)),
        ("明天", date(2026, 12, 4)),
        ("12月5号", date(2026, 12, 5)),
        ("1月2号", date(2027, 1, 2)),
    ],
)
def test_days_read(typed: str, day: date) -> None:
    assert read_day(typed, TODAY) == day


@pytest.mark.parametrize("typed", ["2026-02-30", "2026年13月1日", "someday", ""])
def test_days_refused(typed: str) -> None:
    with pytest.raises(DayInvalid):
        read_day(typed, TODAY)


def test_day_ranges_and_names() -> None:
    check_days(date(2026, 12, 1), date(2026, 12, 31), TODAY)
    check_days(TODAY, TODAY, TODAY)  # one day, today
    with pytest.raises(DaysOutOfOrder):
        check_days(date(2026, 12, 31), date(2026, 12, 30), TODAY)
    with pytest.raises(EndsInThePast):
        check_days(date(2026, 11, 1), date(2026, 12, 2), TODAY)
    with pytest.raises(TooLong):
        check_days(TODAY, date(2028, 12, 3), TODAY)
    assert read_name("  张　明 ") == "张 明"
    for bad in ("123", "/roster", "张" * 21, "\u200b"):
        with pytest.raises(StaffNameInvalid):
            read_name(bad)
