"""Finding the message ids the code uses, and checking them against a catalogue.

Ids are read from the source with ``ast``: the first argument of t("…"), t.n("…"), N_("…"),
message_payload("…"); ``msgid = …`` assignments; ``message_id`` of error classes; and f-string
ids, which must be listed in ``DYNAMIC_IDS`` with the values they are filled with.
"""

from __future__ import annotations

import ast
import importlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from bot.i18n import LANGUAGES
from tests.core.locale_catalogues import ROOT, placeholders

CODE_DIRS = ("bot", "handlers", "models", "jobs")
# Calls whose first argument is a message id: t("…"), context.t("…"), N_("…"), _("…").
# message_payload(msgid, **params) is rendered later, in the recipient's language: same rules
# (and so is message_param, a parameter that is itself a message).
TRANSLATE_NAMES = frozenset({"t", "N_", "_", "message_payload", "message_param"})
TRANSLATE_ATTRS = frozenset({"t", "n"})  # context.t("…"), context.t.n("…", count)
PLURAL_ATTRS = frozenset({"n"})
MARK_ONLY = frozenset({"N_"})


def _languages() -> tuple[str, ...]:
    return LANGUAGES


def _granted_roles() -> list[str]:
    from models.core.authz import Role

    return [role.value for role in Role if role is not Role.RESIDENT]  # residents: everyone


def _topics() -> tuple[str, ...]:
    from models.core.people import NOTICE_TOPICS

    return NOTICE_TOPICS


def _audience_kinds() -> tuple[str, ...]:
    from models.broadcasts import AUDIENCE_KINDS

    return AUDIENCE_KINDS


def _spanning_kinds() -> tuple[str, ...]:
    from models.broadcasts import SPANNING_KINDS

    return SPANNING_KINDS


def _when_keys() -> tuple[str, ...]:
    from models.broadcasts import WHEN_KEYS

    return WHEN_KEYS


def _broadcast_statuses() -> list[str]:
    from models.broadcasts import BroadcastStatus

    return [status.value for status in BroadcastStatus]


def _venue_text_keys() -> list[str]:
    from models.booking.venue_texts import TEXT_FIELDS

    return list(TEXT_FIELDS)


def _settings_items() -> tuple[str, ...]:
    from handlers.settings.screens import MENU_ITEMS

    return MENU_ITEMS


def _active_statuses() -> tuple[str, ...]:
    from models.booking.bookings import ACTIVE

    return ACTIVE


def _mine(module: str, name: str) -> tuple[str, ...]:
    import importlib

    return tuple(getattr(importlib.import_module(f"handlers.booking.mine.{module}"), name))


def _venue_kinds() -> list[str]:
    from models.core.places import VenueKind

    return [kind.value for kind in VenueKind]


# Ids built at run time: pattern ("{}" for the interpolated part) → the values it is filled with,
# taken from the code where possible so a new role or topic without a message fails here.
STAFF_COMMANDS = (
    "actions",
    "agenda",
    "approvals",
    "broadcast",
    "broadcasts",
    "cases",
    "checkin",
    "duty",
    "eventadmin",
    "invite",
    "mediation",
    "meeting",
    "noshows",
    "ratings",
    "roles",
    "roster",
    "stats",
    "suggestions",
    "venues",
)


def _events_staff(module: str, name: str) -> tuple[str, ...]:
    """A tuple of names from a module of handlers.events.staff (the keys its ids are built of)."""
    return tuple(getattr(importlib.import_module(f"handlers.events.staff.{module}"), name))


DYNAMIC_IDS: dict[str, Callable[[], Iterable[object]]] = {
    "nav.{}": lambda: ("back", "home", "more"),
    "nav.{}.word": lambda: ("back", "home", "more"),
    "onboarding.lang.{}": _languages,
    "settings.language.{}": _languages,
    "settings.item.{}": _settings_items,
    # Staff commands found in the handlers by /help (tests/core/test_help_staff.py checks).
    "help.command.{}": lambda: STAFF_COMMANDS,
    "settings.elder.done_{}": lambda: ("on", "off"),
    "topic.{}": _topics,
    "roles.role.{}": _granted_roles,
    "roles.button.{}": _granted_roles,
    "roles.redeemed.{}": _granted_roles,
    "roles.month.{}": lambda: range(1, 13),
    "roles.weekday.{}": lambda: range(7),  # datetime.weekday(): Monday is 0
    "broadcast.audience.{}": _audience_kinds,
    "broadcast.audience.{}.of": _audience_kinds,
    "broadcast.audience.{}.in": _spanning_kinds,
    "broadcast.when.{}": _when_keys,
    "broadcast.status.{}": _broadcast_statuses,
    "feedback.stars.{}": lambda: range(1, 6),
    "governance_stats.period.{}": lambda: ("this_month", "last_month", "this_quarter", "this_year"),
    "governance_stats.weekday.{}": lambda: range(7),
    "venues_admin.text.{}": _venue_text_keys,
    "booking.kind.{}": _venue_kinds,
    "mine.status.{}": _active_statuses,
    "mine.action.{}": lambda: _mine("screens", "DETAIL_ACTIONS"),
    "mine.cancel.{}": lambda: _mine("screens", "CANCEL_ANSWERS"),
    "mine.move.{}": lambda: _mine("move", "MOVE_ANSWERS"),
    "mine.entry.{}": lambda: _mine("wait", "ENTRY_ACTIONS"),
    "events_staff.ask.{}": lambda: _events_staff("steps", "STATES"),
    "events_staff.field.{}": lambda: _events_staff("screens", "FIELDS"),
    "events_staff.edit.ask.{}": lambda: (*_events_staff("screens", "FIELDS"), "copy"),
    "events_staff.door.csv_caption.{}": lambda: ("roster", "attendance"),
    "events_staff.status.{}": lambda: ("draft", "published", "cancelled"),
    # The refusals of models.events.check_draft named in words (others: the model's own text).
    "events_staff.invalid.{}": lambda: (
        "ends_at",
        "capacity",
        "quotas",
        "held_back",
        "registration_closes_at",
        "name_zh",
        "name_en",
        "place_zh",
        "status",
        "options",
        "question_kind",
    ),
}


def dynamic_ids(pattern: str) -> list[str]:
    """Every id a listed dynamic pattern can produce."""
    return [pattern.replace("{}", str(value)) for value in DYNAMIC_IDS[pattern]()]


@dataclass(frozen=True)
class IdUse:
    """One message id found in the code."""

    msgid: str
    where: str
    keywords: frozenset[str] | None  # None: placeholders are filled elsewhere (or by **kwargs)
    plural: bool | None = None  # t.n(…): True; t(…): False; None: not known from the call


def _dynamic_pattern(node: ast.JoinedStr) -> str:
    parts = []
    for value in node.values:
        if isinstance(value, ast.Constant) and isinstance(value.value, str):
            parts.append(value.value.replace("{", "{{").replace("}", "}}"))
        else:
            parts.append("{}")
    return "".join(parts)


def _alternatives(node: ast.expr) -> list[ast.expr]:
    """``"a" if cond else "b"`` → both branches; anything else → itself."""
    if isinstance(node, ast.IfExp):
        return _alternatives(node.body) + _alternatives(node.orelse)
    return [node]


def _is_translate_call(node: ast.Call) -> str | None:
    func = node.func
    if isinstance(func, ast.Name) and func.id in TRANSLATE_NAMES:
        return func.id
    if isinstance(func, ast.Attribute) and func.attr in TRANSLATE_ATTRS:
        return func.attr
    return None


def extract_ids(path: Path, root: Path = ROOT) -> tuple[list[IdUse], list[str]]:
    """Message ids used in one Python file, and dynamic ids nobody listed in DYNAMIC_IDS."""
    where = str(path.relative_to(root)) if path.is_relative_to(root) else str(path)
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    uses: list[IdUse] = []
    unknown: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and node.args and (name := _is_translate_call(node)):
            first, line = node.args[0], f"{where}:{node.lineno}"
            plural = name in PLURAL_ATTRS or (
                name in {"message_payload", "message_param"}
                and any(k.arg == "plural" for k in node.keywords)
            )
            known = None if name in MARK_ONLY else plural
            keywords: frozenset[str] | None = None
            if name not in MARK_ONLY and all(k.arg is not None for k in node.keywords):
                keywords = frozenset(str(k.arg) for k in node.keywords if k.arg != "plural")
            for choice in _alternatives(first):
                if isinstance(choice, ast.Constant) and isinstance(choice.value, str):
                    uses.append(IdUse(choice.value, line, keywords, known))
                elif isinstance(choice, ast.JoinedStr):
                    pattern = _dynamic_pattern(choice)
                    if pattern not in DYNAMIC_IDS:
                        unknown.append(f"{line}: dynamic id {pattern!r}; list it in DYNAMIC_IDS")
                        continue
                    uses.extend(
                        IdUse(msgid, line, keywords, known) for msgid in dynamic_ids(pattern)
                    )
        elif isinstance(node, ast.Assign) and any(
            isinstance(target, ast.Name) and target.id == "msgid" for target in node.targets
        ):  # msgid = "a" if … else "b"; t(msgid, …)
            for choice in _alternatives(node.value):
                if isinstance(choice, ast.Constant) and isinstance(choice.value, str):
                    uses.append(IdUse(choice.value, f"{where}:{node.lineno}", None))
        elif isinstance(node, ast.ClassDef):
            for stmt in node.body:
                targets: list[ast.expr] = []
                if isinstance(stmt, ast.Assign):
                    targets, value = stmt.targets, stmt.value
                elif isinstance(stmt, ast.AnnAssign) and stmt.value is not None:
                    targets, value = [stmt.target], stmt.value
                named = any(isinstance(t, ast.Name) and t.id == "message_id" for t in targets)
                if named and isinstance(value, ast.Constant) and isinstance(value.value, str):
                    uses.append(IdUse(value.value, f"{where}:{stmt.lineno}", None))
    return uses, unknown


def code_ids(root: Path = ROOT, dirs: tuple[str, ...] = CODE_DIRS) -> tuple[list[IdUse], list[str]]:
    """Every message id used under ``dirs``."""
    uses: list[IdUse] = []
    unknown: list[str] = []
    for directory in dirs:
        for path in sorted((root / directory).rglob("*.py")):
            found, dynamic = extract_ids(path, root)
            uses.extend(found)
            unknown.extend(dynamic)
    return uses, unknown


def check_code_ids(
    uses: list[IdUse], messages: dict[str, str], plurals: Iterable[str] = ()
) -> list[str]:
    """Ids the code uses but the catalogue lacks, calls that leave placeholders unfilled, and
    plural messages used without a count (or plain ones with one)."""
    problems = []
    plural_ids = set(plurals)
    for use in uses:
        if use.msgid not in messages:
            problems.append(f"{use.where}: id {use.msgid!r} is in no catalogue")
            continue
        if use.plural is not None and use.plural != (use.msgid in plural_ids):
            how = "t.n(…, count)" if use.msgid in plural_ids else "t(…) (it has no plural forms)"
            problems.append(f"{use.where}: {use.msgid!r} must be used with {how}")
        if use.keywords is not None:
            missing = placeholders(messages[use.msgid]) - use.keywords
            if missing:
                problems.append(f"{use.where}: {use.msgid!r} needs {sorted(missing)} filled")
    return problems
