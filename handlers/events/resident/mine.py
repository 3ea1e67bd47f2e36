"""我的活动: registered, lined up and past events; for one of them: resend the receipt, change
how many come, cancel (or leave the line), take up or turn down a freed place, and past
attendance. A family member also sees the requests waiting for the resident's answer
(``handlers.events.resident.asked``: withdraw one).

The draft only remembers which registration was looked at; each step loads it again as the
person's own (``models.events.registration_view``), so a stale or forged choice changes
nothing and shows the fresh list.
"""

from __future__ import annotations

from telegram import Update

from bot.context import TongxinContext
from bot.i18n import N_
from handlers.events.resident.asked import ASKED_KEY, asked_options, show_asked
from handlers.events.resident.draft import (
    CANCEL,
    CHANGE,
    MINE,
    MY_ONE,
    events_draft,
    not_understood,
)
from handlers.events.resident.receipts import receipt_text, send_receipt
from handlers.events.resident.texts import event_name, status_words, when_words
from handlers.kit import Means, Option, ask, chosen, error_text, leave, me, parse_id, run
from models.core.base import utcnow
from models.core.errors import DomainError
from models.events import (
    Event,
    Registration,
    RegistrationView,
    RegStatus,
    answer_offer,
    cancel_and_view,
    change_and_view,
    my_events,
    registration_view,
)

MOST_CHOICES = 6
ACTIONS = {
    "resend": N_("events_resident.one.resend"),
    "change": N_("events_resident.one.change"),
    "cancel": N_("events_resident.one.cancel"),
    "leave": N_("events_resident.one.leave"),
    "accept": N_("events_resident.one.accept"),
    "decline": N_("events_resident.one.decline"),
    "list": N_("events_resident.one.list"),
}


def _label(context: TongxinContext, registration: Registration, event: Event, msgid: str) -> str:
    return context.t(
        msgid,
        when=when_words(context, event),
        name=event_name(context, event),
        status=status_words(context, registration, None),
    )


async def show_mine(update: Update, context: TongxinContext, first: str = "") -> int:
    """Every registration: coming, lined up (with the place in line), then past ones."""
    found = await run(context, my_events, person=me(context))
    options = [
        Option(f"r{r.id}", _label(context, r, e, "events_resident.mine.coming"))
        for r, e in found.coming
    ]
    options += [
        Option(
            f"r{r.id}",
            context.t(
                "events_resident.mine.waiting",
                when=when_words(context, e),
                name=event_name(context, e),
                position=position,
            ),
        )
        for r, e, position in found.waiting
    ]
    options += asked_options(context, found.asked)
    options += [
        Option(f"r{r.id}", _label(context, r, e, "events_resident.mine.past"))
        for r, e in found.past
    ]
    if not options:
        return await leave(update, context, "events_resident.mine.empty")
    text = context.t.n("events_resident.mine.ask", len(options), count=len(options))
    return await ask(update, context, text, options, MINE, first=first)


async def on_mine(update: Update, context: TongxinContext) -> int:
    """One registration chosen."""
    key = chosen(update, context)
    picked = parse_id(key[1:]) if key else None
    if key is None or picked is None:
        return await show_mine(update, context, not_understood(context))
    if key.startswith(ASKED_KEY):  # a request of mine waiting for the resident's answer
        events_draft(context)["request"] = picked
        return await show_asked(update, context)
    events_draft(context)["registration"] = picked
    return await show_one(update, context)


async def _view(update: Update, context: TongxinContext) -> RegistrationView | None:
    registration_id = events_draft(context).get("registration", 0)
    try:
        return await run(
            context, registration_view, registration_id=registration_id, person=me(context)
        )
    except DomainError:
        return None


def one_options(context: TongxinContext, view: RegistrationView) -> list[Option]:
    """What can be done with it; the destructive choice last, never choice 1."""
    t, registration = context.t, view.registration
    status, event = registration.status, view.details.event
    changeable = event.max_party > 1
    if status == RegStatus.OFFERED.value:
        keys = ["accept", "decline"]
    elif status == RegStatus.WAITLISTED.value:
        keys = [*(["change"] if changeable else []), "leave"]
    elif status == RegStatus.CONFIRMED.value and _ahead(view):
        keys = ["resend", *(["change"] if changeable else []), "cancel"]
    else:
        keys = ["list"]
    destructive = {"decline", "leave", "cancel"}
    return [Option(key, t(ACTIONS[key]), destructive=key in destructive) for key in keys]


def _ahead(view: RegistrationView) -> bool:
    return view.details.event.starts_at > utcnow()


async def show_one(update: Update, context: TongxinContext, first: str = "") -> int:
    """The registration in words and what can be done with it."""
    view = await _view(update, context)
    if view is None:
        return await show_mine(update, context, context.t("events_resident.mine.gone"))
    text = f"{receipt_text(context, view)}\n\n{context.t('events_resident.one.ask')}"
    return await ask(update, context, text, one_options(context, view), MY_ONE, first=first)


async def on_one(update: Update, context: TongxinContext) -> int:
    """Resend, change how many, cancel / leave the line, accept or turn down a freed place."""
    key = chosen(update, context)
    view = await _view(update, context)
    if view is None:
        return await show_mine(update, context, context.t("events_resident.mine.gone"))
    keys = [o.key for o in one_options(context, view)]
    if key is None:
        return await show_one(update, context, not_understood(context))
    if key not in keys:  # a choice of the screen shown, but the registration moved on since
        return await show_one(update, context, context.t("events_resident.mine.gone"))
    if key == "list":
        return await show_mine(update, context)
    if key == "resend":
        chat = update.effective_chat
        if chat is not None:
            await send_receipt(context, chat.id, view)
        return await show_one(update, context)
    if key == "change":
        return await ask_change(update, context, view=view)
    if key in ("cancel", "leave"):
        return await ask_cancel(update, context, view=view)
    return await _answer_offer(update, context, accept=key == "accept")


async def _answer_offer(update: Update, context: TongxinContext, *, accept: bool) -> int:
    registration_id = events_draft(context).get("registration", 0)
    try:
        view = await run(
            context,
            answer_offer,
            registration_id=registration_id,
            person=me(context),
            accept=accept,
        )
    except DomainError as error:
        return await show_mine(update, context, error_text(context, error))
    chat = update.effective_chat
    if accept and chat is not None:
        await send_receipt(context, chat.id, view)
        return await leave(update, context, "events_resident.done")
    return await leave(update, context, "events_resident.offer.declined")


async def ask_cancel(
    update: Update, context: TongxinContext, first: str = "", view: RegistrationView | None = None
) -> int:
    """确定取消吗？ 1 no, keep it / 2 yes, cancel (only its number or exact words)."""
    view = view or await _view(update, context)
    if view is None:
        return await show_mine(update, context, context.t("events_resident.mine.gone"))
    t = context.t
    text = t(
        "events_resident.cancel.ask",
        name=event_name(context, view.details.event),
        when=when_words(context, view.details.event),
    )
    options = [
        Option("no", t("events_resident.cancel.no"), Means(yes=False)),
        Option("yes", t("events_resident.cancel.yes"), destructive=True),
    ]
    return await ask(update, context, text, options, CANCEL, first=first)


async def on_cancel(update: Update, context: TongxinContext) -> int:
    """Yes: cancel now (the places are offered on at once); no: the registration again."""
    key = chosen(update, context)
    if key == "no":
        return await show_one(update, context)
    if key != "yes":
        return await ask_cancel(update, context, not_understood(context))
    registration_id = events_draft(context).get("registration", 0)
    try:
        view = await run(
            context, cancel_and_view, registration_id=registration_id, person=me(context)
        )
    except DomainError as error:
        return await show_mine(update, context, error_text(context, error))
    name = event_name(context, view.details.event)
    return await leave(update, context, "events_resident.cancelled", name=name)


async def ask_change(
    update: Update, context: TongxinContext, first: str = "", view: RegistrationView | None = None
) -> int:
    """How many people now (the event's most at the most)."""
    view = view or await _view(update, context)
    if view is None:
        return await show_mine(update, context, context.t("events_resident.mine.gone"))
    t, most = context.t, min(view.details.event.max_party, MOST_CHOICES)
    options = [Option("1", t("events_resident.party.one"), Means(count=1))] + [
        Option(str(n), t.n("events_resident.party.many", n, n=n), Means(count=n))
        for n in range(2, most + 1)
    ]
    text = t.n(
        "events_resident.ask_change",
        view.registration.party_size,
        party=view.registration.party_size,
    )
    return await ask(update, context, text, options, CHANGE, first=first)


async def on_change(update: Update, context: TongxinContext) -> int:
    """The new party size: more take places (refused kindly when there are none)."""
    key = chosen(update, context)
    if key is None or not key.isdigit():
        return await ask_change(update, context, not_understood(context))
    registration_id = events_draft(context).get("registration", 0)
    try:
        view = await run(
            context,
            change_and_view,
            registration_id=registration_id,
            person=me(context),
            party_size=int(key),
        )
    except DomainError as error:
        return await ask_change(update, context, error_text(context, error))
    done = context.t.n(
        "events_resident.changed", view.registration.party_size, party=view.registration.party_size
    )
    return await show_one(update, context, done)


async def back_to_one(update: Update, context: TongxinContext) -> int:
    """⬅️ from cancelling or changing: the registration again."""
    return await show_one(update, context)


async def back_to_mine(update: Update, context: TongxinContext) -> int:
    """⬅️ on one registration: my events."""
    return await show_mine(update, context)
