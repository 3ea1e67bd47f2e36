"""The mediator's inline screens: the list of their cases, one case with the buttons of what
they may do with it now, and the counts a town admin sees. Every screen ends with ⬅️ and 🏠.

Texts are plain (no parse mode), so what residents wrote is shown as written, never parsed.
"""

from __future__ import annotations

import logging

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest

from bot.context import TongxinContext
from bot.i18n import Translator
from bot.timefmt import format_day
from handlers.kit import Buttons, nav_buttons, page_rows, show_screen
from models.disputes import (
    CASE,
    MEDIATOR,
    OPEN,
    PARTIES,
    STATUS,
    TOWN_SETTINGS,
    CaseAction,
    Caseload,
    CaseStatus,
    Parties,
    StaffCase,
    TownCounts,
)

logger = logging.getLogger(__name__)

LIST = MEDIATOR.data("list", 0)
HOME = MEDIATOR.data("home")
Inline = tuple[str, Buttons]
DESCRIPTION_SHOWN = 800  # a long description is cut on the card (the full text is in the file)


def button(label: str, data: str) -> InlineKeyboardButton:
    """One inline button."""
    return InlineKeyboardButton(label, callback_data=data)


def pairs(buttons: list[InlineKeyboardButton]) -> Buttons:
    """Buttons two to a row (staff screens; residents' screens keep one to a row)."""
    return [buttons[i : i + 2] for i in range(0, len(buttons), 2)]


def settings_row(context: TongxinContext) -> list[InlineKeyboardButton]:
    """⚙️ the town's disputes settings (/mediation), under /cases for town admins."""
    return [button(context.t("disputes_settings.button.open"), TOWN_SETTINGS.data("towns"))]


def list_screen(
    context: TongxinContext, load: Caseload, note: str = "", admin: bool = False
) -> Inline:
    """/cases: the mediator's cases a page at a time, each a button to open it (and ⚙️ the
    town's settings, for an admin)."""
    t = context.t
    head = [note] if note else []
    extra = [settings_row(context)] if admin else []
    if not load.total:
        text = "\n\n".join([*head, t("disputes_mediator.list.empty")])
        return text, [*extra, nav_buttons(t, HOME, HOME)]
    lines, rows = [], []
    for n, line in enumerate(load.lines, 1):
        words = {"n": n, "number": line.number, "category": t(line.category)}
        lines.append(t("disputes_mediator.list.item", status=t(line.status), **words))
        rows.append(
            [button(t("disputes_mediator.list.open", **words), MEDIATOR.data("case", line.case_id))]
        )
    title = t.n(
        "disputes_mediator.list.title",
        load.total,
        count=load.total,
        page=load.page + 1,
        pages=load.pages,
    )
    more = lambda page: MEDIATOR.data("list", page)  # noqa: E731
    rows.extend(extra)
    rows.extend(page_rows(t, load.page, load.pages, more, back=HOME, home=HOME))
    return "\n\n".join([*head, title, "\n".join(lines)]), rows


def _reporter(t: Translator, case: StaffCase) -> str:
    card = case.card
    if card.anonymous:
        return t("disputes.anonymous")
    if card.reporter_name is None:
        return t("disputes_mediator.case.reporter_gone")
    if card.reporter_phone:
        return t(
            "disputes_mediator.case.reporter_phone",
            name=card.reporter_name,
            phone=card.reporter_phone,
        )
    return card.reporter_name


def case_text(context: TongxinContext, case: StaffCase) -> str:
    """The case as staff see it: never an anonymous reporter's identity."""
    t, card = context.t, case.card
    town = case.lead_town.name(context.lang) if case.lead_town else "—"
    description = card.description or t("disputes.alert.no_text")
    if len(description) > DESCRIPTION_SHOWN:
        description = description[: DESCRIPTION_SHOWN - 1] + "…"
    kinds = [a.get("kind", "") for a in card.attachments]
    lines = [
        t(
            "disputes_mediator.case.head",
            number=card.number,
            status=t(STATUS[card.status]),
        ),
        t("disputes_mediator.case.category", category=t(card.category)),
        t("disputes_mediator.case.parties", parties=t(PARTIES[Parties(card.parties)])),
        t("disputes_mediator.case.town", town=town),
        t("disputes.alert.joint_yes" if card.joint else "disputes.alert.joint_no"),
        t("disputes_mediator.case.reporter", name=_reporter(t, case)),
        t(
            "disputes_mediator.case.assignee",
            name=case.assignee or t("disputes_mediator.case.nobody"),
        ),
    ]
    if case.co_mediator:
        lines.append(t("disputes_mediator.case.co", name=case.co_mediator))
    if card.expected_on is not None:
        lines.append(
            t("disputes_mediator.case.expected", day=format_day(card.expected_on, context.lang))
        )
    if case.handover_pending:
        lines.append(t("disputes_mediator.case.handover_pending"))
    lines.append(t("disputes_mediator.case.description", text=description))
    if kinds:
        lines.append(t.n("disputes_mediator.case.attachments", len(kinds), count=len(kinds)))
    for note in card.notes[-5:]:
        msgid = (
            "disputes_mediator.case.note_public"
            if note.public
            else "disputes_mediator.case.note_internal"
        )
        lines.append(t(msgid, text=note.text))
    return "\n".join(lines)


def case_buttons(context: TongxinContext, case: StaffCase) -> Buttons:
    """What this mediator may do with the case now, two to a row, then ⬅️ (the list) and 🏠."""
    t, card, allowed = context.t, case.card, case.allowed
    cid, status = card.case_id, card.status
    is_open = status in OPEN
    wanted: list[tuple[bool, str, str]] = [
        (
            CaseAction.ACCEPT in allowed and status is CaseStatus.NEW and not case.mine,
            "disputes.button.accept",
            CASE.data("acc", cid),
        ),
        (
            CaseAction.CHANGE_STATUS in allowed and status is CaseStatus.ACCEPTED,
            "disputes_mediator.button.mediate",
            MEDIATOR.data("med", cid),
        ),
        (
            CaseAction.RECORD_OUTCOME in allowed
            and status in (CaseStatus.ACCEPTED, CaseStatus.IN_MEDIATION),
            "disputes_mediator.button.outcome",
            MEDIATOR.data("out", cid),
        ),
        (
            CaseAction.RELAY_TO_REPORTER in allowed and is_open,
            "disputes_mediator.button.relay",
            MEDIATOR.data("relay", cid),
        ),
        (CaseAction.NOTE in allowed, "disputes_mediator.button.note", MEDIATOR.data("note", cid)),
        (CaseAction.NOTE in allowed, "disputes_mediator.button.public", MEDIATOR.data("pub", cid)),
        (
            CaseAction.SET_EXPECTED in allowed and is_open,
            "disputes_mediator.button.expected",
            MEDIATOR.data("exp", cid),
        ),
        (
            CaseAction.HANDOVER in allowed and is_open and not case.handover_pending,
            "disputes_mediator.button.handover",
            MEDIATOR.data("ho", cid),
        ),
        (
            (CaseAction.TRANSFER in allowed or CaseAction.ACCEPT in allowed)
            and is_open
            and not (card.joint and not case.mine and status is not CaseStatus.NEW),
            "disputes.button.transfer",
            MEDIATOR.data("tr", cid),
        ),
        (
            CaseAction.DOCUMENTS in allowed,
            "disputes_mediator.button.agreement",
            MEDIATOR.data("agr", cid),
        ),
        (
            CaseAction.DOCUMENTS in allowed,
            "disputes_mediator.button.file",
            MEDIATOR.data("file", cid),
        ),
        (
            CaseAction.CHANGE_STATUS in allowed and is_open and status is not CaseStatus.NEW,
            "disputes_mediator.button.refer",
            MEDIATOR.data("refask", cid),
        ),
    ]
    shown = [button(t(label), data) for ok, label, data in wanted if ok]
    return [*pairs(shown), nav_buttons(t, LIST, HOME)]


def case_screen(context: TongxinContext, case: StaffCase, note: str = "") -> Inline:
    """One case: its card (under ``note``, what just happened) and its buttons."""
    text = case_text(context, case)
    return (f"{note}\n\n{text}" if note else text), case_buttons(context, case)


def counts_screen(context: TongxinContext, towns: list[TownCounts]) -> Inline:
    """What a town admin who is not a mediator sees: how many cases in each status, per town,
    and ⚙️ the town's disputes settings."""
    t = context.t
    parts = [t("disputes_mediator.counts.title")]
    for town in towns:
        rows = [
            t(
                "disputes_mediator.counts.line",
                status=t(STATUS[s]),
                count=town.counts.get(s.value, 0),
            )
            for s in CaseStatus
        ]
        total = sum(town.counts.values())
        head = t.n(
            "disputes_mediator.counts.town", total, town=town.town.name(context.lang), count=total
        )
        parts.append("\n".join([head, *rows]))
    return "\n\n".join(parts), [settings_row(context), nav_buttons(t, HOME, HOME)]


async def put(update: Update, context: TongxinContext, screen: Inline) -> None:
    """Show an inline screen in the tapped message (or anew for a command or a typed answer)."""
    text, buttons = screen
    try:
        await show_screen(update, context, text, buttons)
    except BadRequest as exc:  # too old to edit, or gone: say it anew
        logger.info("case screen sent anew: %s", exc.message)
        chat = update.effective_chat
        if chat is not None:
            await context.bot.send_message(
                chat.id, text, reply_markup=InlineKeyboardMarkup(buttons)
            )
