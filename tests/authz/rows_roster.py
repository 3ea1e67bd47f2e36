"""The authz matrix's rows for the staff exchange roster: /roster and its ``ro:`` taps (the
list, ➕, home, and forged or huge ids, which are "not found" even for admins)."""

from __future__ import annotations

from models.core.authz import Action
from tests.authz.authz_cast import ADMINS
from tests.authz.authz_rows import Row, literal, text_of

ROSTER = Action.ROSTER_MANAGE
EMPTY = text_of("roster.list.empty")


def forged(data: str) -> Row:
    """A tap nobody may make: refused before (others) or by (admins) the use case."""
    return Row(
        data, "callback", data, ROSTER, frozenset(), literal(""), scope_refusal="error.not_found"
    )


ROSTER_ROWS: tuple[Row, ...] = (
    Row("/roster", "command", "/roster", ROSTER, ADMINS, EMPTY),
    Row("ro:list", "callback", "ro:list:0", ROSTER, ADMINS, EMPTY),
    Row("ro:home", "callback", "ro:home", ROSTER, ADMINS, text_of("home.prompt")),
    Row("ro:new", "callback", "ro:new", ROSTER, ADMINS, text_of("roster.ask.name.short")),
    forged("ro:v:999999"),
    forged("ro:end:999999"),
    forged("ro:endok:999999"),
    forged("ro:rm:999999"),
    forged("ro:rmok:99999999999999999999"),
    forged("ro:xx"),
)
