"""Staff work on bookings: approvals (a decline's typed reason here), check-in and no-shows.

The approval screens are in ``handlers.booking.staff.approvals``, check-in in
``handlers.booking.staff.checkin``. A decline waits for its reason in a small persistent
conversation, so a restart between the tap and the typed reason loses nothing.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from telegram import Update
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.context import TongxinContext
from handlers.booking.staff.approvals import (
    DECLINING,
    REASON,
    REASON_MAX,
    approval_callback,
    approvals_command,
    decide_booking,
    origin_screen,
    put,
    staff_name,
)
from handlers.booking.staff.checkin import checkin_handlers
from handlers.kit import (
    Wiring,
    current_scopes,
    is_nav,
    main_menu,
    main_menu_keyboard,
    match_option,
    message_text,
    reply,
    reply_error,
    requires,
)
from models.booking.bookings import BookingNotActive
from models.booking.staff import repeated_no_shows
from models.core.authz import Action, admin_towns
from models.core.base import utcnow
from models.core.errors import DomainError
from models.core.places import Community

logger = logging.getLogger(__name__)

NO_SHOW_DAYS = 90
NO_SHOW_LINES = 30
END = ConversationHandler.END


def _declining(context: TongxinContext) -> dict[str, int] | None:
    value = context.user_data.get(DECLINING)  # type: ignore[union-attr]
    return value if isinstance(value, dict) else None


def _page(declining: dict[str, int]) -> int | None:
    return None if declining["page"] < 0 else declining["page"]


async def on_reason(update: Update, context: TongxinContext) -> object:
    """The typed reason for a decline: decide, update the request, confirm."""
    declining, text, t = _declining(context), message_text(update), context.t
    if declining is None or context.person is None:
        return await cancel_decline(update, context)
    if is_nav(text, t, "back") or is_nav(text, t, "home"):
        return await cancel_decline(update, context)
    if match_option(text, main_menu(context).options(t)) is not None:
        return await cancel_decline(update, context)
    reason = (text or "").strip()
    if not reason or len(reason) > REASON_MAX:
        return await reprompt(update, context)
    booking_id, page = declining["booking"], _page(declining)
    context.user_data.pop(DECLINING, None)  # type: ignore[union-attr]
    try:
        note = await decide_booking(context, booking_id, approve=False, reason=reason)
    except BookingNotActive:
        await reply(update, context, t("approvals.error.decided"), main_menu_keyboard(context))
        return END
    except DomainError as error:
        await reply_error(update, context, error)
        return END
    await put(update, context, await origin_screen(context, booking_id, page, note), declining)
    await reply(update, context, note, main_menu_keyboard(context))
    return END


async def reprompt(update: Update, context: TongxinContext) -> object:
    """Anything but a usable reason: ask again, nothing decided."""
    await reply(update, context, context.t("approvals.reason.invalid", max=REASON_MAX))
    return REASON


async def cancel_decline(update: Update, context: TongxinContext) -> object:
    """/cancel, /menu, ⬅️ or 🏠 typed: nothing decided, the request gets its buttons back."""
    declining = context.user_data.pop(DECLINING, None)  # type: ignore[union-attr]
    t = context.t
    if isinstance(declining, dict) and context.person is not None:
        try:
            screen = await origin_screen(context, declining["booking"], _page(declining))
            await put(update, context, screen, declining)
        except DomainError as error:  # e.g. no longer an admin of that town
            logger.info("decline left without restoring the request: %s", error.message_id)
    await reply(update, context, t("approvals.reason.cancelled"), main_menu_keyboard(context))
    return END


@requires(Action.VENUE_MANAGE)
async def noshows_command(update: Update, context: TongxinContext) -> None:
    """/noshows: people who missed bookings at least twice lately, at the admin's towns."""
    t = context.t
    towns = admin_towns(await current_scopes(context))
    since = utcnow() - timedelta(days=NO_SHOW_DAYS)
    async with context.services.sessions() as session:
        found = await repeated_no_shows(session, towns, since=since)
        communities = {
            person.community_id: await session.get(Community, person.community_id)
            for person, _ in found
            if person.community_id is not None
        }
    if not found:
        await reply(
            update, context, t("noshows.empty", days=NO_SHOW_DAYS), main_menu_keyboard(context)
        )
        return
    lines = [t("noshows.title", days=NO_SHOW_DAYS, count=len(found))]
    for n, (person, times) in enumerate(found[:NO_SHOW_LINES], 1):
        community = communities.get(person.community_id) if person.community_id else None
        where = community.name(context.lang) if community else "—"
        name = staff_name(context, person)
        lines.append(t("noshows.line", n=n, name=name, community=where, times=times))
    if len(found) > NO_SHOW_LINES:
        lines.append(t("noshows.more", more=len(found) - NO_SHOW_LINES))
    await reply(update, context, "\n".join(lines), main_menu_keyboard(context))


def handlers(wiring: Wiring) -> list[BaseHandler]:  # type: ignore[type-arg]
    """Approvals (and the decline-reason conversation), check-in and /noshows."""
    decline = ConversationHandler(  # type: ignore[var-annotated]
        entry_points=[CallbackQueryHandler(approval_callback, pattern=r"^ap:no:")],
        states={
            REASON: [
                CallbackQueryHandler(approval_callback, pattern=r"^ap:"),
                MessageHandler(filters.TEXT & ~filters.COMMAND, on_reason),
                MessageHandler(~filters.COMMAND & ~filters.StatusUpdate.ALL, reprompt),
            ]
        },
        fallbacks=[
            CommandHandler("cancel", cancel_decline),
            CommandHandler("menu", cancel_decline),
            CommandHandler("help", reprompt),
        ],
        name="approval_reason",
        persistent=True,
        allow_reentry=True,
    )
    return [
        decline,
        CallbackQueryHandler(approval_callback, pattern=r"^ap:"),
        CommandHandler("approvals", approvals_command),
        CommandHandler("noshows", noshows_command),
        *checkin_handlers(),
    ]
