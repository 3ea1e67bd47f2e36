"""Ratings aggregated in SQL against the hand-computed table in meeting_support.py."""

from __future__ import annotations

from datetime import datetime

from bot.context import Services
from models.governance import RatedKind, ratings_report
from tests.governance.meeting_support import COMMENT, seed_ratings


def _row(item: object) -> tuple[object, ...]:
    return (
        item.subject.value,  # type: ignore[attr-defined]
        item.name_zh,  # type: ignore[attr-defined]
        item.count,  # type: ignore[attr-defined]
        item.average,  # type: ignore[attr-defined]
        item.previous_average,  # type: ignore[attr-defined]
        item.trend,  # type: ignore[attr-defined]
        item.low,  # type: ignore[attr-defined]
    )


async def test_figures_trends_and_low_rated_first(services: Services, pinned_now: datetime) -> None:
    seeded = await seed_ratings(services, pinned_now)
    async with services.sessions() as session:
        report = await ratings_report(session, end=pinned_now)
    assert [_row(item) for item in report.items] == [
        ("event", "知青讲座", 3, 2.0, 3.0, -1.0, True),
        ("venue", "长者助餐点", 3, 2.67, 4.0, -1.33, True),
        ("cases", "崇明区D镇", 3, 3.0, None, None, True),
        ("venue", "健康体检", 2, 2.0, None, None, False),
        ("event", "边界联谊会", 4, 4.5, None, None, False),
        ("venue", "多功能大厅", 2, 4.5, None, None, False),
        ("cases", "启东市Q镇", 1, 5.0, None, None, False),
    ]
    assert [_row(t) for t in report.towns] == [
        ("town", "崇明区D镇", 12, 3.25, 4.0, -0.75, False),
        ("town", "启东市Q镇", 6, 3.33, 3.0, 0.33, False),
    ]
    assert [item.item_id for item in report.low] == [
        seeded.events["e_q"],
        seeded.venues["d-canteen"],
        seeded.towns["D"],
    ]
    canteen = report.items[1]
    assert [(c.rating, c.text, c.voice) for c in canteen.comments] == [
        (2, COMMENT, False),
        (3, None, True),
    ]


async def test_one_town_only(services: Services, pinned_now: datetime) -> None:
    seeded = await seed_ratings(services, pinned_now)
    async with services.sessions() as session:
        report = await ratings_report(session, end=pinned_now, towns=frozenset({seeded.towns["Q"]}))
    assert [(i.subject, i.name_zh) for i in report.items] == [
        (RatedKind.EVENT, "知青讲座"),
        (RatedKind.VENUE, "多功能大厅"),
        (RatedKind.CASES, "启东市Q镇"),
    ]
    assert [t.item_id for t in report.towns] == [seeded.towns["Q"]]
