"""/suggestions: the concerned town's admins' queue (open suggestions, oldest first), one
suggestion's screen (its words; its voice note sent again by file id; never an anonymous
sender's name) and its buttons: ✏️ reply, ✅ adopted, ❌ not adopted (typed: ``typed``).

Callback data (``models.governance.SUGGESTION``) carries the suggestion, so every screen
survives a restart; each tap is checked again: ``@requires`` for the role, then the use case
for the town (another town's suggestion, or a forged id, reads "not found").
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest

from bot.context import TongxinContext
from bot.timefmt import format_day
from handlers.governance.suggestions.about import SUBJECT_LABEL
from handlers.governance.suggestions.mine import STATUS_LABEL
from handlers.kit import (
    Buttons,
    Tap,
    current_scopes,
    error_text,
    leave_to_main_menu,
    me,
    nav_buttons,
    page_rows,
    refuse_tap,
    reply,
    requires,
    run,
    show_screen,
)
from models.core.authz import Action
from models.core.base import TOWNS_TZ
from models.core.errors import DomainError
from models.governance import (
    SUGGESTION,
    Queue,
    StaffSuggestion,
    Subject,
    SuggestionStatus,
    open_suggestions,
    staff_suggestion,
)

logger = logging.getLogger(__name__)

R = TypeVar("R")
Inline = tuple[str, Buttons]
HOME = SUGGESTION.data("home")


def button(label: str, data: str) -> InlineKeyboardButton:
    """One inline button."""
    return InlineKeyboardButton(label, callback_data=data)


def _about(context: TongxinContext, subject: Subject, zh: str, en: str) -> str:
    name = en if context.lang == "en" else zh
    if subject in (Subject.BOT, Subject.OTHER) or not name:
        return context.t(SUBJECT_LABEL[subject])
    return name


async def refuse(update: Update, context: TongxinContext, error: DomainError) -> None:
    """A refusal: an alert under a tap, a reply to a message."""
    if update.callback_query is not None:
        await refuse_tap(update, context, error)
    else:
        await reply(update, context, error_text(context, error))


async def attempt(
    update: Update, context: TongxinContext, use_case: Callable[..., Awaitable[R]], **kw: Any
) -> R | None:
    """Run ``use_case`` as the admin, with their roles; None after a refusal (explained)."""
    try:
        return await run(
            context, use_case, person=me(context), scopes=await current_scopes(context), **kw
        )
    except DomainError as error:
        logger.info("person %s refused on suggestion %s", me(context).id, kw.get("suggestion_id"))
        await refuse(update, context, error)
    return None


def queue_screen(context: TongxinContext, queue: Queue, note: str = "") -> Inline:
    """The open suggestions a page at a time, each a button to open it."""
    t = context.t
    if not queue.lines:
        text = t("suggest_admin.queue.empty")
    else:
        text = t.n("suggest_admin.queue.title", queue.total, count=queue.total)
    rows: Buttons = [
        [
            button(
                t(
                    "suggest_admin.queue.line",
                    number=line.number,
                    about=_about(context, line.subject, line.about_zh, line.about_en),
                ),
                SUGGESTION.data("open", line.id),
            )
        ]
        for line in queue.lines
    ]
    pages = max(1, -(-queue.total // queue.per_page))
    more = page_rows(
        t, queue.page, pages, lambda page: SUGGESTION.data("list", page), back=HOME, home=HOME
    )
    return (f"{note}\n\n{text}" if note else text), [*rows, *more]


def card_text(context: TongxinContext, s: StaffSuggestion) -> str:
    """The suggestion as its town's admin sees it: never an anonymous sender's identity."""
    t, lang = context.t, context.lang
    sender = t("suggest_admin.card.anonymous") if s.anonymous else (s.sender or "—")
    lines = [
        t("suggest_admin.card.head", number=s.number, status=t(STATUS_LABEL[s.status])),
        t("suggest_admin.card.about", about=_about(context, s.subject, s.about_zh, s.about_en)),
        t("suggest_admin.card.town", town=s.town_en if lang == "en" else s.town_zh),
        t(
            "suggest_admin.card.received",
            day=format_day(s.created_at.astimezone(TOWNS_TZ).date(), lang),
        ),
        t("suggest_admin.card.sender", name=sender),
        t("suggest_admin.card.words", words=s.text or "—"),
    ]
    if s.voice_file_id:
        lines.append(t("suggest_admin.card.voice"))
    lines += [t("suggest_admin.card.reply", text=words) for words in s.replies]
    if s.outcome:
        lines.append(t("suggest_admin.card.outcome", text=s.outcome))
    return "\n".join(lines)


def card_screen(context: TongxinContext, s: StaffSuggestion, note: str = "") -> Inline:
    """One suggestion with what the admin may do now (nothing more once it is decided)."""
    t = context.t
    rows: Buttons = []
    if s.status is SuggestionStatus.OPEN:
        rows = [
            [button(t("suggest_admin.button.reply"), SUGGESTION.data("rep", s.id))],
            [button(t("suggest_admin.button.adopt"), SUGGESTION.data("yes", s.id))],
            [button(t("suggest_admin.button.reject"), SUGGESTION.data("no", s.id))],
        ]
    rows.append(nav_buttons(t, SUGGESTION.data("list", 0), HOME))
    text = card_text(context, s)
    return (f"{note}\n\n{text}" if note else text), rows


async def put(update: Update, context: TongxinContext, screen: Inline) -> None:
    """Show an inline screen in the tapped message (or anew for a command or a typed answer)."""
    text, buttons = screen
    try:
        await show_screen(update, context, text, buttons)
    except BadRequest as exc:  # too old to edit, or gone: say it anew
        logger.info("suggestion screen sent anew: %s", exc.message)
        chat = update.effective_chat
        if chat is not None:
            await context.bot.send_message(
                chat.id, text, reply_markup=InlineKeyboardMarkup(buttons)
            )


async def show_queue(
    update: Update, context: TongxinContext, page: int = 0, note: str = ""
) -> None:
    """The queue's page (under ``note``)."""
    queue = await attempt(update, context, open_suggestions, page=page)
    if queue is not None:
        await put(update, context, queue_screen(context, queue, note))


async def show_card(
    update: Update, context: TongxinContext, suggestion_id: int, note: str = "", voice: bool = False
) -> None:
    """One suggestion's screen (and, when asked, its voice note again)."""
    found = await attempt(update, context, staff_suggestion, suggestion_id=suggestion_id)
    if found is None:
        return
    await put(update, context, card_screen(context, found, note))
    chat = update.effective_chat
    if voice and found.voice_file_id and chat is not None:
        await context.bot.send_voice(chat.id, found.voice_file_id, caption=found.number)


@requires(Action.SUGGESTION_HANDLE)
async def suggestions_command(update: Update, context: TongxinContext) -> None:
    """/suggestions: the open suggestions of the admin's towns, oldest first."""
    await show_queue(update, context)


@requires(Action.SUGGESTION_HANDLE)
async def on_queue_tap(update: Update, context: TongxinContext, tap: Tap) -> None:
    """The queue's one-tap buttons: a page, a suggestion, 🏠 (typed work is ``typed``'s)."""
    match tap.action:
        case "list":
            await show_queue(update, context, tap.id())
        case "open":
            await show_card(update, context, tap.id(), voice=True)
        case _:
            await leave_to_main_menu(update, context)
