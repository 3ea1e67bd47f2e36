"""Authorisation matrix: every privileged command and callback × every role.

``MATRIX`` is the data, one row per entry point, kept per domain (rows_roles.py,
rows_broadcasts.py, rows_booking.py); the coverage test below fails until every guarded handler
and every Action has one.

The cast (``populate`` in authz_cast.py) is built once per process into a database snapshot;
every case starts from its own fresh copy of it (tests/databases.py), with its own Application.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, ConversationHandler

from bot.app import build_services
from bot.context import Services
from models.core.authz import PERMISSIONS, Action
from tests.authz.authz_cast import ROLE_OF, ROLES, USER_IDS, forge_tap, populate, snapshot
from tests.authz.authz_rows import Row, fill
from tests.authz.rows_booking import BOOKING_ROWS
from tests.authz.rows_broadcasts import BROADCAST_ROWS
from tests.authz.rows_disputes import DISPUTE_ROWS
from tests.authz.rows_events import EVENT_ROWS
from tests.authz.rows_governance import MEETING_ROWS, STATS_ROWS
from tests.authz.rows_roles import ROLE_ROWS
from tests.authz.rows_roster import ROSTER_ROWS
from tests.authz.rows_suggestions import SUGGESTION_ROWS
from tests.conftest import make_settings
from tests.databases import Databases
from tests.harness import BotHarness

MATRIX: tuple[Row, ...] = (
    *ROLE_ROWS,
    *BROADCAST_ROWS,
    *BOOKING_ROWS,
    *EVENT_ROWS,
    *DISPUTE_ROWS,
    *MEETING_ROWS,
    *STATS_ROWS,
    *ROSTER_ROWS,
    *SUGGESTION_ROWS,
)
# Actions whose commands arrive with later issues; a row replaces the entry when they do.
AWAITING_FEATURE: frozenset[Action] = frozenset()
CAST = "authz-cast"


@pytest.fixture
async def cast(databases: Databases, pinned_now: datetime) -> dict[str, int]:
    """The grant ids of the cast, which ``populate`` puts in a snapshot once per process
    (a second before the run's instant: every case then acts a moment after it was made)."""

    async def build(url: str) -> dict[str, int]:
        services = build_services(make_settings(url))
        try:
            with time_machine.travel(pinned_now - timedelta(seconds=1), tick=True):
                return await populate(services)
        finally:
            await services.engine.dispose()

    grants: dict[str, int] = await databases.snapshot(CAST, build)
    return dict(grants)


@pytest.fixture
async def database_url(tmp_path: Path, databases: Databases, cast: dict[str, int]) -> str:
    """Every case starts from its own copy of the cast's snapshot: none sees another's writes."""
    return await databases.fresh(tmp_path, CAST)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("row", MATRIX, ids=lambda r: r.name)
async def test_matrix(
    harness: BotHarness, services: Services, cast: dict[str, int], row: Row, role: str
) -> None:
    grants = cast
    t = services.i18n.translator("zh_CN")
    user = harness.user(USER_IDS[role])
    await user.send("/help")  # the message forged taps hang on
    before = await snapshot(services)
    payload = fill(row.payload, grants)
    answers_before = len(user.state.callback_answers(user.id))

    if row.kind == "command":
        await user.send(payload)
    else:
        await forge_tap(user, payload)

    after = await snapshot(services)
    answers = user.state.callback_answers(user.id)[answers_before:]
    if row.kind == "callback":
        assert len(answers) == 1, "every tap is answered exactly once"
    if role in row.allowed:
        expected = row.expect_by_role.get(role, row.expect)(t)
        assert expected in user.last_text()
        if role in row.writes:
            assert after != before and after[2] == before[2] + 1  # one audit row per change
        else:
            assert after == before
        return
    assert after == before, "a refused request changes nothing"
    if role == "unregistered":
        assert user.last_text() == t("error.not_registered")
        return
    has_action = ROLE_OF[role] in PERMISSIONS[row.action]
    refusal = t(row.scope_refusal if has_action else "error.not_allowed")
    if row.kind == "callback":
        assert answers[0]["text"] == refusal and answers[0]["show_alert"]
        assert user.last_text().startswith(t("help.text"))  # the tapped message was left alone
    else:
        assert user.last_text() == refusal


def _walk(handler: BaseHandler) -> list[BaseHandler]:  # type: ignore[type-arg,unused-ignore]
    if isinstance(handler, ConversationHandler):
        nested = [*handler.entry_points, *handler.fallbacks]
        nested += [h for hs in handler.states.values() for h in hs]
        return [h for n in nested for h in _walk(n)]
    return [handler]


def test_every_guarded_handler_and_action_has_rows(harness: BotHarness) -> None:
    assert harness.app is not None
    guarded: list[tuple[BaseHandler, Action]] = []  # type: ignore[type-arg,unused-ignore]
    for group in harness.app.handlers.values():
        for handler in (h for top in group for h in _walk(top)):
            action = getattr(handler.callback, "required_action", None)
            if action is not None:
                guarded.append((handler, action))
    assert guarded, "no guarded handlers found: is @requires still tagging them?"
    commands = {r.payload.lstrip("/").split()[0] for r in MATRIX if r.kind == "command"}
    callbacks = [r.payload for r in MATRIX if r.kind == "callback"]
    for handler, action in guarded:
        if isinstance(handler, CommandHandler):
            assert handler.commands & commands, f"add a matrix row for /{sorted(handler.commands)}"
        elif isinstance(handler, CallbackQueryHandler):
            pattern = handler.pattern
            assert isinstance(pattern, re.Pattern)
            assert any(pattern.match(data) for data in callbacks), f"add a row for {pattern}"
        assert action not in AWAITING_FEATURE, f"{action} is built now: add its matrix rows"
    covered = {row.action for row in MATRIX}
    for action in PERMISSIONS:
        assert action in covered or action in AWAITING_FEATURE, f"no matrix row for {action}"
    assert set(PERMISSIONS) == set(Action)
