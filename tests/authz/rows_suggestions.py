"""The authz matrix's rows for suggestions (意见建议): an admin's queue (/suggestions) and its
buttons. A forged suggestion id is refused to everyone (admins: "not found", as a suggestion of
another town would be) and changes nothing."""

from __future__ import annotations

from models.core.authz import Action
from tests.authz.authz_cast import ADMINS
from tests.authz.authz_rows import Row, literal, text_of

FORGED = "999999"


def _forged(action: str) -> Row:
    return Row(
        f"sg:{action}:forged",
        "callback",
        f"sg:{action}:{FORGED}",
        Action.SUGGESTION_HANDLE,
        ADMINS,
        literal(""),
    )


SUGGESTION_ROWS: tuple[Row, ...] = (
    Row(
        "/suggestions",
        "command",
        "/suggestions",
        Action.SUGGESTION_HANDLE,
        ADMINS,
        text_of("suggest_admin.queue.empty"),
    ),
    Row(
        "sg:list",
        "callback",
        "sg:list:0",
        Action.SUGGESTION_HANDLE,
        ADMINS,
        text_of("suggest_admin.queue.empty"),
    ),
    Row("sg:home", "callback", "sg:home", Action.SUGGESTION_HANDLE, ADMINS, text_of("home.prompt")),
    *(_forged(action) for action in ("open", "rep", "yes", "no")),
)
