"""The authz matrix's rows for notices: /broadcast, /broadcasts and the approval buttons."""

from __future__ import annotations

from models.core.authz import Action
from tests.authz.authz_cast import ADMINS, BROADCASTERS, NOTICE
from tests.authz.authz_rows import Row, literal, text_of

BROADCAST_ROWS: tuple[Row, ...] = (
    Row(
        "/broadcast",
        "command",
        "/broadcast",
        Action.BROADCAST,
        BROADCASTERS,
        text_of("broadcast.ask_text"),
    ),
    Row(
        "/broadcasts",
        "command",
        "/broadcasts",
        Action.BROADCAST,
        BROADCASTERS,
        text_of("broadcast.history.title"),
    ),
    Row(
        "bc:list",
        "callback",
        "bc:list",
        Action.BROADCAST,
        BROADCASTERS,
        text_of("broadcast.history.title"),
    ),
    Row("bc:home", "callback", "bc:home", Action.BROADCAST, BROADCASTERS, text_of("home.prompt")),
    Row(
        "bc:cancel",
        "callback",
        "bc:cancel:{grant:broadcast}",
        Action.BROADCAST,
        BROADCASTERS,  # the author, or an admin of the town
        literal(NOTICE),
    ),
    Row(
        "bc:stop",
        "callback",
        "bc:stop:{grant:broadcast}",
        Action.BROADCAST,
        BROADCASTERS,
        literal("已取消"),
        writes=BROADCASTERS,
    ),
    Row(
        "bc:ok",
        "callback",
        "bc:ok:{grant:broadcast}",
        Action.BROADCAST,
        ADMINS,  # a volunteer (here: the author) may not approve
        literal("您已同意发送通知"),
        writes=ADMINS,
    ),
    Row(
        "bc:no",
        "callback",
        "bc:no:{grant:broadcast}",
        Action.BROADCAST,
        ADMINS,
        literal("您没有同意通知"),
        writes=ADMINS,
    ),
    Row(
        "bc:ok:forged",
        "callback",
        "bc:ok:999999",
        Action.BROADCAST,
        frozenset(),
        literal(""),
        scope_refusal="error.not_found",
    ),
    Row(
        "bc:stop:huge",
        "callback",
        "bc:stop:99999999999999999999",
        Action.BROADCAST,
        frozenset(),
        literal(""),
        scope_refusal="error.not_found",
    ),
)
