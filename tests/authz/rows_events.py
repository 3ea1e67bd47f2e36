"""The authz matrix's rows for the events staff side: /eventadmin, the ``evm:`` taps (the list,
➕ new, forged ids, the quota and answer screens) and the door's ``evd:`` taps."""

from __future__ import annotations

from models.core.authz import Action
from tests.authz.authz_cast import ADMINS, BROADCASTERS
from tests.authz.authz_rows import Row, literal, text_of

NOBODY: frozenset[str] = frozenset()

EVENT_ROWS: tuple[Row, ...] = (
    Row("/eventadmin", "command", "/eventadmin", Action.EVENT_MANAGE, ADMINS, literal("🎪")),
    Row("evm:list", "callback", "evm:list:0", Action.EVENT_MANAGE, ADMINS, literal("🎪")),
    Row("evm:home", "callback", "evm:home", Action.EVENT_MANAGE, ADMINS, text_of("home.prompt")),
    Row(
        "evm:new",
        "callback",
        "evm:new",
        Action.EVENT_MANAGE,
        ADMINS,
        text_of("events_staff.ask.langs"),
    ),
    Row("evm:e:forged", "callback", "evm:e:999999", Action.EVENT_MANAGE, NOBODY, literal("")),
    Row("evm:xx:forged", "callback", "evm:xx:999999", Action.EVENT_MANAGE, NOBODY, literal("")),
    Row(
        "evm:f:forged",
        "callback",
        "evm:f:999999:capacity",
        Action.EVENT_MANAGE,
        NOBODY,
        literal(""),
    ),
    # Quotas and the question's answers: the shares screens and their typed questions.
    Row("evm:q:forged", "callback", "evm:q:999999", Action.EVENT_MANAGE, NOBODY, literal("")),
    Row("evm:qt:forged", "callback", "evm:qt:999999:1", Action.EVENT_MANAGE, NOBODY, literal("")),
    Row("evm:qn:forged", "callback", "evm:qn:999999:1", Action.EVENT_MANAGE, NOBODY, literal("")),
    Row("evm:oa:forged", "callback", "evm:oa:999999", Action.EVENT_MANAGE, NOBODY, literal("")),
    Row("evm:or:forged", "callback", "evm:or:999999:1", Action.EVENT_MANAGE, NOBODY, literal("")),
    Row("evm:oxx:forged", "callback", "evm:oxx:999999:1", Action.EVENT_MANAGE, NOBODY, literal("")),
    Row("evd:home", "callback", "evd:home", Action.CHECK_IN, BROADCASTERS, text_of("home.prompt")),
    Row(
        "evd:e:forged",
        "callback",
        "evd:e:999999:0",
        Action.CHECK_IN,
        NOBODY,
        literal(""),
        scope_refusal="events.error.not_found",
    ),
    Row("evd:r:forged", "callback", "evd:r:999999:0", Action.CHECK_IN, NOBODY, literal("")),
)
