"""The authz matrix's rows for booking staff: /approvals, /noshows, /checkin and /venues."""

from __future__ import annotations

from datetime import datetime

from bot.i18n import Translator
from bot.timefmt import format_day
from models.booking.calendar import TOWNS_TZ
from models.core.authz import Action
from tests.authz.authz_cast import ADMINS, BROADCASTERS, GLOBAL
from tests.authz.authz_rows import Row, literal, text_of


def checkin_empty(t: Translator) -> str:
    """Expect /checkin's "nothing to check in today"."""
    return t("checkin.empty", day=format_day(datetime.now(TOWNS_TZ).date(), t.language))


BOOKING_ROWS: tuple[Row, ...] = (
    Row(
        "/approvals",
        "command",
        "/approvals",
        Action.VENUE_MANAGE,
        ADMINS,
        text_of("approvals.empty"),
    ),
    Row("ap:home", "callback", "ap:home", Action.VENUE_MANAGE, ADMINS, text_of("home.prompt")),
    Row("ap:ok:forged", "callback", "ap:ok:999999", Action.VENUE_MANAGE, frozenset(), literal("")),
    Row("ap:no:forged", "callback", "ap:no:999999", Action.VENUE_MANAGE, frozenset(), literal("")),
    Row(
        "/noshows",
        "command",
        "/noshows",
        Action.VENUE_MANAGE,
        ADMINS,
        lambda t: t.n("noshows.empty", 90, days=90),
    ),
    Row("/checkin", "command", "/checkin", Action.CHECK_IN, BROADCASTERS, checkin_empty),
    Row("ci:list", "callback", "ci:list:0", Action.CHECK_IN, BROADCASTERS, checkin_empty),
    Row("ci:home", "callback", "ci:home", Action.CHECK_IN, BROADCASTERS, text_of("home.prompt")),
    Row("ci:s:forged", "callback", "ci:s:999999:0", Action.CHECK_IN, frozenset(), literal("")),
    Row("ci:b:forged", "callback", "ci:b:999999:0", Action.CHECK_IN, frozenset(), literal("")),
    # /venues: demo ids are stable (seeding order): centres d=1, q=2; d-canteen=2, q-hall=5.
    Row(
        "/venues",
        "command",
        "/venues",
        Action.VENUE_MANAGE,
        ADMINS,
        text_of("venues_admin.list.centres"),
        expect_by_role={"town_admin_d": literal("🏢 D镇社区党群服务中心")},  # one centre
    ),
    Row(
        "va:list",
        "callback",
        "va:list",
        Action.VENUE_MANAGE,
        ADMINS,
        text_of("venues_admin.list.centres"),
        expect_by_role={"town_admin_d": literal("🏢 D镇社区党群服务中心")},
    ),
    Row("va:c:D", "callback", "va:c:1", Action.VENUE_MANAGE, ADMINS, literal("🏢 D镇社区党群")),
    Row("va:c:Q", "callback", "va:c:2", Action.VENUE_MANAGE, GLOBAL, literal("🏢 Q镇党群")),
    Row("va:v:D", "callback", "va:v:2", Action.VENUE_MANAGE, ADMINS, literal("🏢 长者助餐点")),
    Row("va:v:Q", "callback", "va:v:5", Action.VENUE_MANAGE, GLOBAL, literal("🏢 多功能大厅")),
    Row(
        "va:t:D",
        "callback",
        "va:t:2:appr",
        Action.VENUE_MANAGE,
        ADMINS,
        literal("✅ 已保存：「需要管理员审批」现在是「是」。"),
        writes=ADMINS,
    ),
    Row(
        "va:t:Q",
        "callback",
        "va:t:5:other",
        Action.VENUE_MANAGE,
        GLOBAL,
        literal("✅ 已保存：「另一个镇的居民可以预约」"),
        writes=GLOBAL,
    ),
    Row("va:n:D", "callback", "va:n:2:cap", Action.VENUE_MANAGE, ADMINS, literal("（现在是 40）")),
    Row("va:n:Q", "callback", "va:n:5:cap", Action.VENUE_MANAGE, GLOBAL, literal("（现在是 1）")),
    Row("va:tx:D", "callback", "va:tx:2:az", Action.VENUE_MANAGE, ADMINS, literal("地址（中文）")),
    Row("va:home", "callback", "va:home", Action.VENUE_MANAGE, ADMINS, text_of("home.prompt")),
    Row(
        "va:so:forged",
        "callback",
        "va:so:99999999:1",
        Action.VENUE_MANAGE,
        frozenset(),
        literal(""),
        scope_refusal="error.not_found",
    ),
    Row(
        "va:v:huge",
        "callback",
        "va:v:99999999999999999999",
        Action.VENUE_MANAGE,
        frozenset(),
        literal(""),
        scope_refusal="error.not_found",
    ),
)
