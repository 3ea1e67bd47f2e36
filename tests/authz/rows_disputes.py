"""The authz matrix's rows for the mediator's side of disputes: /cases, /duty and the case
buttons. A forged case id is refused to everyone; for those who hold the role the refusal is
audited (``dispute.refused``: one audit row), for the others nothing changes.

And /mediation, a town admin's settings: a tap naming the other town (Q; the town admin is D's)
is refused to the D admin and audited (``dispute.settings_refused``); the admin of both towns
may see it (and "all mediators" for a category is a change: audited)."""

from __future__ import annotations

from models.core.authz import Action
from tests.authz.authz_cast import ADMINS
from tests.authz.authz_rows import Row, literal, text_of

HANDLERS = ADMINS | {"mediator"}
FORGED = "999999"
D_ADMIN = frozenset({"town_admin_d"})
TOWN_D, TOWN_Q = "{grant:town_D}", "{grant:town_Q}"


def _forged(data: str) -> Row:
    return Row(
        f"{data}:forged",
        "callback",
        f"{data}:{FORGED}",
        Action.CASE_HANDLE,
        HANDLERS,
        literal(""),
        writes=HANDLERS,
    )


DISPUTE_ROWS: tuple[Row, ...] = (
    Row(
        "/cases",
        "command",
        "/cases",
        Action.CASE_HANDLE,
        HANDLERS,
        text_of("disputes_mediator.counts.title"),
        expect_by_role={"mediator": text_of("disputes_mediator.list.empty")},
    ),
    Row(
        "dm:list",
        "callback",
        "dm:list:0",
        Action.CASE_HANDLE,
        HANDLERS,
        text_of("disputes_mediator.counts.title"),
        expect_by_role={"mediator": text_of("disputes_mediator.list.empty")},
    ),
    Row("dm:home", "callback", "dm:home", Action.CASE_HANDLE, HANDLERS, text_of("home.prompt")),
    Row(
        "/duty",
        "command",
        "/duty",
        Action.CASE_HANDLE,
        HANDLERS,
        text_of("disputes_mediator.duty.on"),
    ),
    Row(
        "dm:duty",
        "callback",
        "dm:duty:0",
        Action.CASE_HANDLE,
        frozenset({"mediator"}),
        text_of("disputes_mediator.duty.off"),
        writes=frozenset({"mediator"}),
    ),
    # dc:reply is also the reporters' button (any registered person's, refused and audited
    # for everyone): tests/disputes/test_mycases_flow.py::test_forged_case_ids_are_refused_…
    *(_forged(f"dc:{a}") for a in ("acc", "view", "tr", "hok")),
    *(_forged(f"dm:{a}") for a in ("case", "med", "note", "pub", "out", "ho", "relay")),
    *(_forged(f"dm:{a}") for a in ("agr", "tr")),
    Row(
        "dm:to:forged",
        "callback",
        f"dm:to:{FORGED}:1",
        Action.CASE_HANDLE,
        HANDLERS,
        literal(""),
        writes=HANDLERS,
    ),
    _forged("dc:hno"),  # checked at the tap: nobody is asked for a reason for nothing
    Row(
        "/mediation",
        "command",
        "/mediation",
        Action.ROLES_MANAGE,
        ADMINS,
        text_of("disputes_settings.towns.ask"),
        expect_by_role={"town_admin_d": text_of("disputes_settings.timing.realert_minutes")},
    ),
    Row(
        "ds:towns",
        "callback",
        "ds:towns",
        Action.ROLES_MANAGE,
        ADMINS,
        text_of("disputes_settings.towns.ask"),
        expect_by_role={"town_admin_d": text_of("disputes_settings.timing.realert_minutes")},
    ),
    Row(
        "ds:town",
        "callback",
        f"ds:town:{TOWN_D}",
        Action.ROLES_MANAGE,
        ADMINS,
        text_of("disputes_settings.timing.realert_minutes"),
    ),
    Row("ds:home", "callback", "ds:home", Action.ROLES_MANAGE, ADMINS, text_of("home.prompt")),
    *(
        Row(
            f"{data}:other-town",
            "callback",
            data,
            Action.ROLES_MANAGE,
            ADMINS,
            literal(""),
            writes=D_ADMIN,
        )
        for data in (
            f"ds:town:{TOWN_Q}",
            f"ds:cats:{TOWN_Q}",
            f"ds:cat:{TOWN_Q}:noise",
            f"ds:rt:{TOWN_Q}:noise:{FORGED}",
            f"ds:ask:{TOWN_Q}:realert_minutes",
        )
    ),
    Row(
        "ds:all:other-town",
        "callback",
        f"ds:all:{TOWN_Q}:noise",
        Action.ROLES_MANAGE,
        ADMINS,
        literal(""),
        writes=ADMINS,
    ),
)
