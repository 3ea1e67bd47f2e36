"""我的预约与提醒 screens: the list, one booking's details and cancelling it.

``user_data`` only remembers which item the person looked at and what the last list showed;
every step loads the item again as the person's own (``owned_booking`` / ``owned_entry``), so a
stale or forged id changes nothing. The conversation wiring lives in ``handlers.booking.mine.flow``.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import ConversationHandler

from bot.context import TongxinContext
from bot.timefmt import format_span, format_when
from handlers.booking.receipts import receipt_text, send_receipt
from handlers.kit import (
    Option,
    choice_keyboard,
    main_menu_keyboard,
    match_option,
    message_text,
    page_of,
    reply,
    show_main_menu,
)
from models.booking.bookings import (
    ACTIVE,
    BookingStatus,
    BookingView,
    NotYourBooking,
    booking_view,
    cancel_booking,
    my_bookings,
    owned_booking,
)
from models.booking.waitlist import WaitStatus, my_waitlist, queue_position
from models.core.errors import DomainError
from models.core.people import Person

LIST, DETAIL, CANCEL, DAY, SLOT, MOVE, ENTRY = range(7)
BOOKING_KEY, ENTRY_KEY, PAGE_KEY, SHOWN_KEY = (
    "mine.booking",
    "mine.entry",
    "mine.page",
    "mine.shown",
)
MORE = "__more__"
DETAIL_ACTIONS = ("cancel", "move", "resend")
CANCEL_ANSWERS = ("yes", "no")


async def end_home(update: Update, context: TongxinContext, text: str | None = None) -> int:
    """Leave the flow: the main menu, with ``text`` (translated) or the usual line above it."""
    t = context.t
    await reply(update, context, text or t("home.prompt"), main_menu_keyboard(context))
    return ConversationHandler.END


def with_lead(lead: str | None, text: str) -> str:
    """A screen's question, with an answer or an explanation above it."""
    return f"{lead}\n\n{text}" if lead else text


def remember(context: TongxinContext, key: str, options: list[Option]) -> None:
    """Keep the choices just shown, so "2" means what the person saw, even if things changed."""
    context.user_data[key] = [[option.key, option.label] for option in options]  # type: ignore[index]


def recall(context: TongxinContext, key: str) -> list[Option]:
    """The choices last shown on a screen."""
    stored = (context.user_data or {}).get(key) or []
    return [Option(str(k), str(label)) for k, label in stored]


def me(context: TongxinContext) -> Person:
    """The registered person using the flow."""
    assert context.person is not None and context.person.id is not None
    return context.person


async def _list_options(context: TongxinContext) -> list[Option]:
    """The person's upcoming bookings (their own and those made for others), then waitlists."""
    t, lang, tz, person = context.t, context.lang, context.services.settings.tz, me(context)
    options = []
    async with context.services.sessions() as session:
        for view in await my_bookings(session, person):
            params = {
                "when": format_span(view.slot.starts_at, view.slot.ends_at, lang, tz),
                "venue": view.venue.name(lang),
                "status": t(f"mine.status.{view.booking.status}"),
            }
            if view.booking.person_id == person.id:
                label = t("mine.option.booking", **params)
            else:
                resident = await session.get(Person, view.booking.person_id)
                name = resident.display_name if resident and resident.display_name else "—"
                label = t("mine.option.proxy", name=name, **params)
            options.append(Option(f"b{view.booking.id}", label))
        for entry, slot, venue in await my_waitlist(session, person):
            params = {"when": format_when(slot.starts_at, lang, tz), "venue": venue.name(lang)}
            if entry.status == WaitStatus.OFFERED.value:
                label = t("mine.option.offered", **params)
            else:
                position = await queue_position(session, entry)
                label = t("mine.option.waiting", position=position, **params)
            options.append(Option(f"w{entry.id}", label))
    return options


async def show_list(update: Update, context: TongxinContext, lead: str | None = None) -> int:
    """Everything upcoming, one numbered choice each; nothing → a friendly word and the menu."""
    options = await _list_options(context)
    if not options:
        await show_main_menu(update, context, "mine.empty")
        return ConversationHandler.END
    page = int((context.user_data or {}).get(PAGE_KEY, 0))
    shown, _pages = page_of(options, page, context.t)
    remember(context, SHOWN_KEY, shown)
    text = with_lead(lead, context.t("mine.list", count=len(options)))
    await reply(update, context, text, choice_keyboard(shown, context.t))
    return LIST


async def chosen_booking(context: TongxinContext) -> BookingView | None:
    """The booking being looked at, if it is still the person's and still active."""
    booking_id = (context.user_data or {}).get(BOOKING_KEY)
    if not isinstance(booking_id, int):
        return None
    async with context.services.sessions() as session:
        try:
            booking = await owned_booking(session, booking_id, me(context))
        except NotYourBooking:
            return None
        if booking.status not in ACTIVE:
            return None
        return await booking_view(session, booking_id)


async def gone(update: Update, context: TongxinContext) -> int:
    """The item changed meanwhile (cancelled, over, taken): the fresh list."""
    return await show_list(update, context, context.t("mine.gone"))


def detail_options(context: TongxinContext, view: BookingView) -> list[Option]:
    """Cancel, reschedule (not while the resident has yet to agree) and resend the receipt."""
    keys = list(DETAIL_ACTIONS)
    if view.booking.status == BookingStatus.AWAITING_RESIDENT.value:
        keys.remove("move")
    return [Option(key, context.t(f"mine.action.{key}")) for key in keys]


async def show_detail(
    update: Update, context: TongxinContext, lead: str | None = None, *, brief: bool = False
) -> int:
    """The booking's receipt and what can be done with it (``brief``: without the receipt)."""
    view = await chosen_booking(context)
    if view is None:
        return await gone(update, context)
    t, person = context.t, me(context)
    if brief:
        text = t("mine.detail.again")
    else:
        text = f"{receipt_text(context, view)}\n\n{t('mine.detail.ask')}"
        if view.booking.person_id != person.id:
            async with context.services.sessions() as session:
                resident = await session.get(Person, view.booking.person_id)
            name = resident.display_name if resident and resident.display_name else "—"
            text = f"{t('mine.detail.proxy', name=name)}\n\n{text}"
    await reply(
        update, context, with_lead(lead, text), choice_keyboard(detail_options(context, view), t)
    )
    return DETAIL


async def resend(update: Update, context: TongxinContext) -> int:
    """The receipt (text, calendar file, QR code) once more, then the same choices."""
    view = await chosen_booking(context)
    if view is None:
        return await gone(update, context)
    assert update.effective_chat is not None
    await send_receipt(context, update.effective_chat.id, view)
    return await show_detail(update, context, brief=True)


def _cancel_options(context: TongxinContext) -> list[Option]:
    return [Option(k, context.t(f"mine.cancel.{k}")) for k in CANCEL_ANSWERS]


def _place(context: TongxinContext, view: BookingView) -> dict[str, str]:
    lang, tz = context.lang, context.services.settings.tz
    return {
        "venue": view.venue.name(lang),
        "centre": view.centre.name(lang),
        "when": format_span(view.slot.starts_at, view.slot.ends_at, lang, tz),
    }


async def show_cancel(update: Update, context: TongxinContext, lead: str | None = None) -> int:
    """确定取消吗？ 1 是 / 2 否."""
    view = await chosen_booking(context)
    if view is None:
        return await gone(update, context)
    text = with_lead(lead, context.t("mine.cancel.ask", **_place(context, view)))
    await reply(update, context, text, choice_keyboard(_cancel_options(context), context.t))
    return CANCEL


async def on_cancel(update: Update, context: TongxinContext) -> int:
    """Yes: cancel now (the places go to the waitlist at once); no: back to the booking."""
    choice = match_option(message_text(update), _cancel_options(context))
    if choice is None:
        return await show_cancel(update, context, context.t("mine.not_understood"))
    if choice.key == "no":
        return await show_detail(update, context)
    view = await chosen_booking(context)
    if view is None:
        return await gone(update, context)
    try:
        async with context.services.sessions() as session, session.begin():
            booking = await owned_booking(session, view.booking.id or 0, me(context))
            await cancel_booking(session, booking, me(context))
    except DomainError:
        return await gone(update, context)
    return await end_home(update, context, _cancelled_line(context, view))


def _cancelled_line(context: TongxinContext, view: BookingView) -> str:
    return context.t("mine.cancelled", **_place(context, view))
