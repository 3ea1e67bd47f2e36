"""The authz matrix's rows for governance: the joint meeting's part (/ratings, /agenda,
/meeting and /actions: the cast has no committee member or secretary, only admins are let in)
and /stats."""

from __future__ import annotations

from models.core.authz import Action
from tests.authz.authz_cast import ADMINS
from tests.authz.authz_rows import Row, literal, text_of

MEETING_ROWS: tuple[Row, ...] = (
    Row(
        "/ratings",
        "command",
        "/ratings",
        Action.STATS_VIEW,
        ADMINS,
        text_of("governance.ratings.empty"),
    ),
    Row(
        "/agenda",
        "command",
        "/agenda",
        Action.MEETING_VIEW,
        ADMINS,
        text_of("governance.agenda.file"),
    ),
    Row(
        "/meeting",
        "command",
        "/meeting",
        Action.MEETING_VIEW,
        ADMINS,
        literal("下次联席会议还没有定时间"),
    ),
    Row(
        "/actions",
        "command",
        "/actions",
        Action.MEETING_VIEW,
        ADMINS,
        text_of("governance.action.none"),
    ),
    # Setting the meeting is a choice inside /meeting, offered only with MEETING_MANAGE (a
    # member does not get it: tests/governance/test_meeting_flow.py) and checked again by
    # plan_meeting (tests/governance/test_meeting_schedule.py).
    Row(
        "/meeting (manage)",
        "command",
        "/meeting",
        Action.MEETING_MANAGE,
        ADMINS,
        literal("下次联席会议还没有定时间"),
    ),
)

# /stats, the participation statistics (a town admin sees their town: docs/governance.md).
STATS_ROWS: tuple[Row, ...] = (
    Row(
        "/stats",
        "command",
        "/stats",
        Action.STATS_VIEW,
        ADMINS,
        text_of("governance_stats.ask_period"),
    ),
)
