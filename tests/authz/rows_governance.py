"""The authz matrix's rows for governance: /stats, for admins (a town admin sees their town)."""

from __future__ import annotations

from models.core.authz import Action
from tests.authz.authz_cast import ADMINS
from tests.authz.authz_rows import Row, text_of

GOVERNANCE_ROWS: tuple[Row, ...] = (
    Row(
        "/stats",
        "command",
        "/stats",
        Action.STATS_VIEW,
        ADMINS,
        text_of("governance_stats.ask_period"),
    ),
)
