"""/stats through the real Application: an admin picks last month, reads the summary (the
hand-computed figures of tests/governance/test_stats_figures.py, seeded in last month), gets
the three charts and the CSV; a town admin sees their town with both towns' totals; a resident
is refused politely. Nothing a person is called or reached by appears in any of it."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest

from bot.context import Services
from models.core.authz import Role, grant_role
from models.core.base import TOWNS_TZ, utcnow
from models.governance import add_months
from tests.conftest import ADMIN_ID
from tests.factories import make_person
from tests.governance.stats_support import NAMES, PHONES, seed_march
from tests.harness import BotHarness, Message

TEXTS = {
    "zh_CN": {
        "ask": "看哪个时段",
        "last": "上月",
        "bookings": "预约：6（其中跨镇：3）",
        "registrations": "报名：4（其中跨镇：2）",
        "index": "跨社区参与指数：62.5%（到场：80.0%）",
        "repeat": "多次跨镇参与的居民人数：1",
        "cases": "调解案件：新收 4，调解成功 3，两镇联合 2",
        "median": "调解成功用时中位数（小时）：60.0",
        "unreachable": "联系不上的居民人数：2",
        "csv": "CSV",
        "other": "换个时段",
        "back": "返回",
    },
    "en": {
        "ask": "Which period",
        "last": "Last month",
        "bookings": "Bookings: 6 (across towns: 3)",
        "registrations": "Registrations: 4 (across towns: 2)",
        "index": "Cross-community participation index: 62.5% (attendances: 80.0%)",
        "repeat": "Residents taking part across towns more than once: 1",
        "cases": "Cases: opened 4, resolved 3, joint 2",
        "median": "Median time to resolution (hours): 60.0",
        "unreachable": "Residents the bot cannot reach: 2",
        "csv": "CSV",
        "other": "Another period",
        "back": "Back",
    },
}


def last_month() -> date:
    """The 1st of last month where the towns are."""
    return add_months(utcnow().astimezone(TOWNS_TZ).date().replace(day=1), -1)


def texts(messages: list[Message]) -> str:
    """Every text and caption the bot sent."""
    return "\n".join(str(m.get("text") or m.get("caption") or "") for m in messages)


def no_personal_data(said: str) -> None:
    """None of the fixture's names or phone numbers."""
    assert not [w for w in (*NAMES.values(), *PHONES.values()) if w in said]


@pytest.mark.parametrize("language", ["zh_CN", "en"])
async def test_an_admin_sees_last_months_figures_charts_and_csv(
    harness: BotHarness, services: Services, language: str
) -> None:
    words = TEXTS[language]
    await seed_march(services.sessions, last_month())
    await make_person(services.sessions, ADMIN_ID, language=language, name="管理员")
    admin = harness.user(ADMIN_ID)
    said = await admin.send("/stats")
    assert words["ask"] in texts(said)
    said = await admin.choose(words["last"])
    summary = texts(said)
    for key in ("bookings", "registrations", "index", "repeat", "cases", "median", "unreachable"):
        assert words[key] in summary, key
    photos = [m for m in said if m["kind"] == "photo"]
    assert len(photos) == 3
    for photo in photos:
        png = harness.state.file_by_id(photo["file"]["file_id"])
        assert png is not None and png.data.startswith(b"\x89PNG")
    no_personal_data(summary)
    said = await admin.choose(words["csv"])
    documents = [m for m in said if m["kind"] == "document"]
    assert len(documents) == 1
    stored = harness.state.file_by_id(documents[0]["file"]["file_id"])
    assert stored is not None
    content = stored.data.decode("utf-8-sig")
    rows = {(r["scope"], r["metric"]): r["value"] for r in csv.DictReader(io.StringIO(content))}
    assert rows[("all", "bookings")] == "6"
    assert rows[("all", "participation_index")] == "0.6250"
    assert rows[("all", "median_hours_to_resolution")] == "60.0"
    no_personal_data(content)
    said = await admin.choose(words["other"])
    assert words["ask"] in texts(said)
    said = await admin.choose(words["back"])
    assert words["ask"] not in texts(said) and admin.buttons()  # the main menu


async def test_a_town_admin_sees_their_town_and_both_towns_totals_after_a_restart(
    harness: BotHarness, services: Services
) -> None:
    fixture = await seed_march(services.sessions, last_month())
    person = await make_person(services.sessions, 7301, town_code="Q", community_code="q-xinglong")
    async with services.sessions() as session, session.begin():
        await grant_role(session, person.id or 0, Role.ADMIN, fixture.towns["Q"])
    admin = harness.user(7301)
    await admin.send("/stats")
    said = texts(await admin.send("随便看看"))  # not a period: asked again, nothing shown
    assert "请从下面选一个时段" in said and "预约：" not in said
    await harness.flush_persistence()
    await harness.restart()  # the screen survives a restart
    summary = texts(await admin.send("2"))  # 2 = 上月, typed
    # Q hosts bookings 5, 6, 7 (cross: 5) and registrations r4, r8 (cross: r4); Q's cases are
    # c2 (joint, resolved in 60 h) and c5; q2 is Q's one unreachable resident.
    assert "启东市Q镇" in summary
    assert "预约：3（其中跨镇：1）" in summary and "报名：2（其中跨镇：1）" in summary
    assert "跨社区参与指数：66.7%" in summary
    assert "调解案件：新收 2，调解成功 1，两镇联合 1" in summary
    assert "联系不上的居民人数：1" in summary
    assert "两镇合计：预约 6，报名 4，跨社区参与指数 62.5%" in summary


async def test_a_resident_is_refused_politely(harness: BotHarness, services: Services) -> None:
    await make_person(services.sessions, 7302)
    said = await harness.user(7302).send("/stats")
    assert texts(said) == services.i18n.translator("zh_CN")("error.not_allowed")
