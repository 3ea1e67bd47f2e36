"""The approval queue: admins of a venue's town approve or decline bookings, with a reason.

Callback data carries the state, so every screen survives a restart and every tap is re-checked
(``@requires``, then the venue's town through ``models.core.authz.can`` / the domain):
``ap:ok|no:<booking>`` on the request the outbox sent (``models.booking.notices``), with
``:<page>`` appended on the /approvals list; ``ap:why:<booking>:<n>[:<page>]`` a quick reason;
``ap:back|quit:<booking>[:<page>]`` leave the reason screen (back, or to the main menu);
``ap:page:<n>``, ``ap:home``. A reason typed as text arrives in the ``REASON`` state.
"""

from __future__ import annotations

import logging

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest
from telegram.ext import ConversationHandler

from bot.context import TongxinContext
from bot.i18n import N_
from bot.timefmt import format_when
from handlers.kit import (
    Buttons,
    current_scopes,
    leave_to_main_menu,
    nav_buttons,
    refuse_tap,
    reply,
    requires,
    show_main_menu,
)
from models.booking.bookings import BookingNotActive, BookingStatus, BookingView, booking_view
from models.booking.staff import decide, pending_approvals
from models.core.authz import Action, admin_towns, can
from models.core.errors import DomainError, NotAllowed, NotFound
from models.core.people import Person

logger = logging.getLogger(__name__)

REASON = "reason"  # conversation state: waiting for a typed reason
DECLINING = "approval_declining"  # user_data: the booking and the message being declined
PAGE_SIZE = 5
MAX_QUEUE = 200
MAX_ID = 2**31 - 1
REASON_MAX = 200
QUICK_REASONS = (
    N_("approvals.reason.busy"),
    N_("approvals.reason.incomplete"),
    N_("approvals.reason.other"),
)
Screen = tuple[str, Buttons]


def _number(value: str, limit: int = MAX_ID) -> int:
    if not value.isdigit() or not 0 <= int(value) <= limit:
        raise NotAllowed()  # forged data learns nothing
    return int(value)


def _origin(rest: list[str]) -> int | None:
    """The list page a tap came from; None: the request message itself."""
    match rest:
        case []:
            return None
        case [page]:
            return _number(page, 999)
    raise NotAllowed()


def _suffix(page: int | None) -> str:
    return "" if page is None else f":{page}"


def staff_name(context: TongxinContext, person: Person | None) -> str:
    """A person's name for staff screens (their id when they gave no name)."""
    if person is None:
        return "—"
    return person.display_name or context.t("staff.unnamed", id=person.id)


async def _words(context: TongxinContext, view: BookingView) -> dict[str, object]:
    async with context.services.sessions() as session:
        resident = await session.get(Person, view.booking.person_id)
    lang = context.lang
    return {
        "id": view.booking.id,
        "name": resident.display_name if resident and resident.display_name else "—",
        "party": view.booking.party_size,
        "venue": view.venue.name(lang),
        "centre": view.centre.name(lang),
        "when": format_when(view.slot.starts_at, lang, context.services.settings.tz),
    }


async def _view(context: TongxinContext, booking_id: int, *, pending: bool = True) -> BookingView:
    """The booking, if this admin manages its venue's town (and it still waits, if asked)."""
    async with context.services.sessions() as session:
        try:
            view = await booking_view(session, booking_id)
        except NotFound:
            raise NotAllowed() from None
    if not can(await current_scopes(context), Action.VENUE_MANAGE, view.centre.town_id):
        raise NotAllowed()
    if pending and view.booking.status != BookingStatus.PENDING_APPROVAL.value:
        raise BookingNotActive()
    return view


async def request_screen(context: TongxinContext, booking_id: int, note: str | None) -> Screen:
    """The request as the admin got it: buttons while it waits, the ``note`` once decided."""
    t = context.t
    view = await _view(context, booking_id, pending=False)
    text = t("booking.approval.request", **await _words(context, view))
    if note is not None:
        return f"{text}\n\n{note}", []
    buttons = [
        InlineKeyboardButton(t("booking.button.approve"), callback_data=f"ap:ok:{booking_id}"),
        InlineKeyboardButton(t("booking.button.decline"), callback_data=f"ap:no:{booking_id}"),
    ]
    return text, [buttons]


async def list_screen(context: TongxinContext, page: int, note: str | None = None) -> Screen:
    """/approvals: the bookings waiting at the admin's towns, a page at a time."""
    t = context.t
    towns = admin_towns(await current_scopes(context))
    async with context.services.sessions() as session:
        waiting = await pending_approvals(session, towns, limit=MAX_QUEUE)
    head = [note] if note else []
    if not waiting:
        return "\n\n".join([*head, t("approvals.empty")]), [nav_buttons(t, "ap:home", "ap:home")]
    pages = (len(waiting) + PAGE_SIZE - 1) // PAGE_SIZE
    page %= pages
    lines, buttons = [], []
    for n, view in enumerate(waiting[page * PAGE_SIZE : (page + 1) * PAGE_SIZE], 1):
        lines.append(t("approvals.item", n=n, **await _words(context, view)))
        booking_id = view.booking.id
        buttons.append(
            [
                InlineKeyboardButton(
                    t("approvals.button.approve", n=n), callback_data=f"ap:ok:{booking_id}:{page}"
                ),
                InlineKeyboardButton(
                    t("approvals.button.decline", n=n), callback_data=f"ap:no:{booking_id}:{page}"
                ),
            ]
        )
    if pages > 1:
        more = f"ap:page:{(page + 1) % pages}"
        buttons.append([InlineKeyboardButton(t("nav.more"), callback_data=more)])
    buttons.append(nav_buttons(t, "ap:home", "ap:home"))
    title = t("approvals.title", page=page + 1, pages=pages, count=len(waiting))
    return "\n\n".join([*head, title, *lines]), buttons


async def reason_screen(context: TongxinContext, booking_id: int, page: int | None) -> Screen:
    """Why not: quick reasons as buttons, or a typed one; ⬅️ leaves it undecided."""
    t = context.t
    text, _ = await request_screen(context, booking_id, None)
    end = _suffix(page)
    buttons: Buttons = [
        [InlineKeyboardButton(t(msgid), callback_data=f"ap:why:{booking_id}:{n}{end}")]
        for n, msgid in enumerate(QUICK_REASONS)
    ]
    buttons.append(nav_buttons(t, f"ap:back:{booking_id}{end}", f"ap:quit:{booking_id}{end}"))
    return f"{text}\n\n{t('approvals.reason.ask', max=REASON_MAX)}", buttons


async def origin_screen(
    context: TongxinContext, booking_id: int, page: int | None, note: str | None = None
) -> Screen:
    """Where a decision returns to: the request message, or the list page it came from."""
    if page is None:
        return await request_screen(context, booking_id, note)
    return await list_screen(context, page, note)


async def put(
    update: Update,
    context: TongxinContext,
    screen: Screen,
    target: dict[str, int] | None = None,
    *,
    answer: bool = True,
) -> None:
    """Show a screen: in the tapped message, in ``target`` (chat and message ids), or anew."""
    text, buttons = screen
    markup = InlineKeyboardMarkup(buttons) if buttons else None
    query = update.callback_query
    if target is None and query is None:
        await reply(update, context, text, markup)
        return
    try:
        if target is not None:
            await context.bot.edit_message_text(
                text, chat_id=target["chat"], message_id=target["message"], reply_markup=markup
            )
            return
        assert query is not None
        if answer:
            await query.answer()
        await query.edit_message_text(text, reply_markup=markup)
    except BadRequest as exc:  # unchanged or gone: the decision itself is what matters
        logger.info("approval screen not updated: %s", exc.message)


async def decide_booking(
    context: TongxinContext, booking_id: int, *, approve: bool, reason: str | None = None
) -> str:
    """Record the decision (the resident is told by the domain); returns the note to show."""
    assert context.person is not None
    scopes = await current_scopes(context)
    async with context.services.sessions() as session, session.begin():
        admin = await session.get(Person, context.person.id)
        assert admin is not None
        await decide(session, booking_id, admin, scopes, approve=approve, reason=reason)
    logger.info("person %s decided booking %s: %s", admin.id, booking_id, approve)
    name = staff_name(context, admin)
    if approve:
        return context.t("approvals.decided.approved", id=booking_id, admin=name)
    return context.t("approvals.decided.declined", id=booking_id, admin=name, reason=reason)


async def quick_reason(context: TongxinContext, booking_id: int, index: int) -> str:
    """A quick reason in the resident's language (they read it; the admin saw their own)."""
    async with context.services.sessions() as session:
        view = await booking_view(session, booking_id)
        resident = await session.get(Person, view.booking.person_id)
    language = resident.language if resident else None
    return context.services.i18n.translator(language)(QUICK_REASONS[index])


async def already_decided(update: Update, context: TongxinContext, page: int | None) -> None:
    """Someone else decided first (or the resident cancelled): say so, refresh the screen."""
    query = update.callback_query
    assert query is not None
    note = context.t("approvals.error.decided")
    await query.answer(note, show_alert=True)
    booking_id = _number((query.data or "").split(":")[2])
    await put(update, context, await origin_screen(context, booking_id, page, note), answer=False)


@requires(Action.VENUE_MANAGE)
async def approvals_command(update: Update, context: TongxinContext) -> None:
    """/approvals: the queue of the admin's towns, with approve/decline buttons."""
    await put(update, context, await list_screen(context, 0))


@requires(Action.VENUE_MANAGE)
async def approval_callback(update: Update, context: TongxinContext) -> object:
    """Every ``ap:`` tap; returns the conversation state (REASON while a reason is awaited)."""
    query = update.callback_query
    assert query is not None and query.message is not None
    parts = (query.data or "").split(":")
    page: int | None = None
    try:
        match parts:
            case ["ap", "ok", booking_id, *rest]:
                page = _origin(rest)
                note = await decide_booking(context, _number(booking_id), approve=True)
                await put(
                    update, context, await origin_screen(context, int(booking_id), page, note)
                )
            case ["ap", "no", booking_id, *rest]:
                page = _origin(rest)
                await _view(context, _number(booking_id))
                chat = query.message.chat.id
                context.user_data[DECLINING] = {  # type: ignore[index]
                    "booking": int(booking_id),
                    "page": -1 if page is None else page,
                    "chat": chat,
                    "message": query.message.message_id,
                }
                await put(update, context, await reason_screen(context, int(booking_id), page))
                return REASON
            case ["ap", "why", booking_id, index, *rest]:
                page = _origin(rest)
                n = _number(index, len(QUICK_REASONS) - 1)
                await _view(context, _number(booking_id))  # scope first: forged ids learn nothing
                reason = await quick_reason(context, int(booking_id), n)
                note = await decide_booking(context, int(booking_id), approve=False, reason=reason)
                await put(
                    update, context, await origin_screen(context, int(booking_id), page, note)
                )
            case ["ap", "back" | "quit" as how, booking_id, *rest]:
                page = _origin(rest)
                await _view(context, _number(booking_id), pending=False)
                screen = await origin_screen(context, int(booking_id), page)
                await put(update, context, screen, answer=how == "back")
                if how == "quit":
                    await show_main_menu(update, context)
            case ["ap", "page", number]:
                await put(update, context, await list_screen(context, _number(number, 999)))
            case ["ap", "home"]:
                await leave_to_main_menu(update, context)
            case _:
                raise NotAllowed()
    except BookingNotActive:
        await already_decided(update, context, page)
    except DomainError as error:
        await refuse_tap(update, context, error)
        return None  # a refused tap leaves a waiting reason waiting
    return ConversationHandler.END
