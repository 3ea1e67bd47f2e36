"""/stats figures against the hand-computed March 2026 fixture (tests/governance/stats_support.py).

Bookings counted (slot in March local time, not cancelled or declined): 1, 2, 3, 5, 6, 7 = 6;
  with a town: all but 6 (n1) = 5; cross-town: 2 (q1 at D), 3 (q2 at D), 5 (d2 at Q) = 3;
  attended: 2, 5, 7 = 3, all with a town; cross-town attended: 2, 5 = 2.
  D hosts 1, 2, 3: total 3, known 3, cross 2, attended 1 (2), cross attended 1.
  Q hosts 5, 6, 7: total 3, known 2, cross 1, attended 2 (5, 7), cross attended 1.
Registrations counted (event in March, not cancelled; confirmed/offered/attended/no-show):
  r1, r2, r4, r8 = 4; known: r1, r2, r4 = 3; cross: r1 (q1 at D's E1; the co-host Q is no
  host), r4 (d1 at Q's E2) = 2; attended r1, r4 = 2, both cross.
  D: r1, r2: total 2, known 2, cross 1, attended 1, cross attended 1.
  Q: r4, r8: total 2, known 1, cross 1, attended 1, cross attended 1.
Index = (3 + 2) / (5 + 3) = 5/8 = 0.625; bookings 3/5 = 0.6; registrations 2/3;
  attendances (2 + 2) / (3 + 2) = 4/5 = 0.8. D: (2 + 1) / (3 + 2) = 0.6; Q: (1 + 1) / (2 + 1) = 2/3.
Repeat cross-town participants: q1 has 2 (booking 2, r1), q2 1, d2 1, d1 1 (r4) -> 1.
  Hosted by D: q1 2 (booking 2, r1), q2 1 -> 1. Hosted by Q: d2 1, d1 1 -> 0.
Cases opened in March: c1, c2, c4, c5 = 4 (c6 is 1 April 00:10 local); joint c2, c4 = 2;
  resolved in March: c1 (24 h), c2 (60 h), c3 (opened 28 February, 120 h) = 3; median 60 h.
  D: opened c1, c4 = 2, joint 1, resolved c1, c3 = 2, median (24 + 120) / 2 = 72 h.
  Q: opened c2, c5 = 2, joint 1, resolved c2 = 1, median 60 h.
Unreachable residents: d3 and q2 (u1 never registered) = 2; D 1, Q 1.
"""

from __future__ import annotations

from datetime import date

import pytest

from bot.context import Services
from models.governance import (
    Tally,
    build_report,
    month_period,
    monthly_trend,
    participation,
    trend_months,
    venue_usage,
)
from tests.governance.stats_support import MARCH, seed_march


async def test_both_towns_match_the_hand_computed_figures(services: Services) -> None:
    fixture = await seed_march(services.sessions)
    async with services.sessions() as session:
        got = await participation(session, start=MARCH.start, end=MARCH.end)
    # (total, with a town, cross-town, attended, attended with a town, attended cross-town)
    assert got.bookings == Tally(6, 5, 3, 3, 3, 2)
    assert got.registrations == Tally(4, 3, 2, 2, 2, 2)
    assert got.index == pytest.approx(0.625)
    assert got.booking_index == pytest.approx(0.6)
    assert got.registration_index == pytest.approx(2 / 3)
    assert got.attendance_index == pytest.approx(0.8)
    assert got.repeat_cross_participants == 1
    assert (got.cases_opened, got.cases_joint, got.cases_resolved) == (4, 2, 3)
    assert got.median_resolution_hours == pytest.approx(60)
    assert got.unreachable_residents == 2
    towns = {row.town_id: row for row in got.by_town}
    d, q = towns[fixture.towns["D"]], towns[fixture.towns["Q"]]
    assert d.bookings == Tally(3, 3, 2, 1, 1, 1)
    assert q.bookings == Tally(3, 2, 1, 2, 2, 1)
    assert d.registrations == Tally(2, 2, 1, 1, 1, 1)
    assert q.registrations == Tally(2, 1, 1, 1, 1, 1)
    assert d.index == pytest.approx(0.6)
    assert q.index == pytest.approx(2 / 3)


@pytest.mark.parametrize(
    ("town", "bookings", "index", "repeat", "cases", "median", "unreachable"),
    [
        ("D", 3, 0.6, 1, (2, 1, 2), 72.0, 1),
        ("Q", 3, 2 / 3, 0, (2, 1, 1), 60.0, 1),
    ],
)
async def test_one_town_counts_what_it_hosts(
    services: Services,
    town: str,
    bookings: int,
    index: float,
    repeat: int,
    cases: tuple[int, int, int],
    median: float,
    unreachable: int,
) -> None:
    fixture = await seed_march(services.sessions)
    async with services.sessions() as session:
        got = await participation(
            session, start=MARCH.start, end=MARCH.end, town_id=fixture.towns[town]
        )
    assert got.bookings.total == bookings
    assert got.registrations.total == 2
    assert got.index == pytest.approx(index)
    assert got.repeat_cross_participants == repeat
    assert (got.cases_opened, got.cases_joint, got.cases_resolved) == cases
    assert got.median_resolution_hours == pytest.approx(median)
    assert got.unreachable_residents == unreachable
    assert [row.town_id for row in got.by_town] == [fixture.towns[town]]


async def test_an_empty_period_has_no_index(services: Services) -> None:
    await seed_march(services.sessions)
    june = month_period(date(2025, 6, 1))
    async with services.sessions() as session:
        got = await participation(session, start=june.start, end=june.end)
    assert got.participations == Tally()
    assert got.index is None and got.median_resolution_hours is None
    assert got.cases_opened == 0 and got.repeat_cross_participants == 0


async def test_trend_and_heat_map_numbers(services: Services) -> None:
    """The golden data behind the charts: the trend's last two months and the heat map."""
    fixture = await seed_march(services.sessions)
    async with services.sessions() as session:
        trend = await monthly_trend(session, months=trend_months(MARCH))
        venues = await venue_usage(session, period=MARCH)
        report = await build_report(session, period=MARCH, town_id=fixture.towns["D"])
    assert [p.month for p in trend][-3:] == [date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1)]
    assert len(trend) == 12 and all(p.bookings == p.registrations == 0 for p in trend[:-2])
    feb, march = trend[-2], trend[-1]
    # February: only r7 (q1 at D's E4, cross); the April booking 8 is after the trend.
    assert (feb.bookings, feb.registrations, feb.known, feb.cross) == (0, 1, 1, 1)
    assert (march.bookings, march.registrations, march.known, march.cross) == (6, 4, 8, 5)
    assert march.index == pytest.approx(0.625)
    # Weekdays, Monday first: VD has sD1 (Mon: 1, 2) and sD2 (Sat: 3); VQ sQ1 (Tue: 5, 6) and
    # sEdge (Sun 00:07 local, Saturday in UTC: 7). Both have 3: the lower id first.
    by_id = {v.venue_id: v.weekdays for v in venues}
    assert by_id == {
        fixture.venues["VD"]: (2, 0, 0, 0, 0, 1, 0),
        fixture.venues["VQ"]: (0, 2, 0, 0, 0, 0, 1),
    }
    assert [v.venue_id for v in venues] == sorted(by_id)
    # A town admin's report: their town, and the two towns' totals beside it.
    assert report.figures.bookings.total == 3 and report.totals is not None
    assert report.totals.bookings.total == 6
    assert [v.venue_id for v in report.venues] == [fixture.venues["VD"]]
    assert report.trend[-1].bookings == 3 and report.trend[-1].registrations == 2


@pytest.mark.parametrize("town", [None, "D", "Q"])
async def test_a_report_of_whole_months_reads_bookings_once_to_the_same_numbers(
    services: Services, town: str | None
) -> None:
    """``build_report`` folds one pass over the bookings (``cube``) for whole months: the same
    figures, trend and heat map as a query each."""
    fixture = await seed_march(services.sessions)
    town_id = fixture.towns[town] if town else None
    async with services.sessions() as session:
        report = await build_report(session, period=MARCH, town_id=town_id)
        figures = await participation(session, start=MARCH.start, end=MARCH.end, town_id=town_id)
        trend = await monthly_trend(session, months=trend_months(MARCH), town_id=town_id)
        venues = await venue_usage(session, period=MARCH, town_id=town_id)
    assert report.figures == figures
    assert report.trend == trend
    assert report.venues == venues
