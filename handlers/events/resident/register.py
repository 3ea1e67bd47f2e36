"""Registering: how many people (the person and companions, within the event's most), the
registration question if any (a choice such as a pick-up point, or a few words), everything
restated to confirm, then the receipt (text, calendar file, check-in QR code).

When the person's town has no places left (the event is full, or the town's share is used
up) the confirmation asks whether to line up for a place instead, and the answer says where
they stand. ``register`` is idempotent per person and event, so a double tap registers once.
A family member registering a resident without their standing consent is told the resident
was asked (``register_or_ask``); the answer comes to them by message.
"""

from __future__ import annotations

import logging

from telegram import Update

from bot.context import TongxinContext
from handlers.events.resident.details import load_details, show_details
from handlers.events.resident.draft import (
    ANSWER,
    CONFIRM,
    PARTY,
    WAITLIST,
    events_draft,
    not_understood,
)
from handlers.events.resident.receipts import send_receipt
from handlers.events.resident.texts import event_name, when_words
from handlers.kit import (
    END,
    Means,
    Option,
    ask,
    chosen,
    clear_draft,
    error_text,
    leave,
    main_menu_keyboard,
    me,
    message_text,
    prompt,
    reply,
    run,
)
from models.core.errors import DomainError
from models.events import (
    AnswerNeeded,
    Asked,
    EventDetails,
    EventNotFound,
    PartyTooLarge,
    QuestionKind,
    register_or_ask,
)

logger = logging.getLogger(__name__)
MOST_CHOICES = 6
ANSWER_MAX = 100


async def start_register(update: Update, context: TongxinContext, details: EventDetails) -> int:
    """报名 chosen on the details: how many, unless only one may come."""
    if details.event.max_party > 1:
        return await ask_party(update, context, details=details)
    events_draft(context)["party"] = 1
    return await after_party(update, context, details)


async def _details(update: Update, context: TongxinContext) -> EventDetails | None:
    try:
        return await load_details(context)
    except EventNotFound as error:
        await leave(update, context, error.message_id)
        return None


async def ask_party(
    update: Update, context: TongxinContext, first: str = "", details: EventDetails | None = None
) -> int:
    """How many people, the person included (1 … the event's most)."""
    t = context.t
    details = details or await _details(update, context)
    if details is None:
        return END
    most = min(details.event.max_party, MOST_CHOICES)
    options = [Option("1", t("events_resident.party.one"), Means(count=1))] + [
        Option(str(n), t.n("events_resident.party.many", n, n=n), Means(count=n))
        for n in range(2, most + 1)
    ]
    text = prompt(context, "events_resident.ask_party", most=details.event.max_party)
    return await ask(update, context, text, options, PARTY, first=first)


async def on_party(update: Update, context: TongxinContext) -> int:
    """How many: then the question, if the event asks one."""
    key = chosen(update, context)
    if key is None or not key.isdigit():
        return await ask_party(update, context, not_understood(context))
    details = await _details(update, context)
    if details is None:
        return END
    events_draft(context)["party"] = int(key)
    return await after_party(update, context, details)


async def after_party(update: Update, context: TongxinContext, details: EventDetails) -> int:
    """The registration question if there is one, else the confirmation."""
    if details.event.question_kind is not None:
        return await ask_answer(update, context, details=details)
    return await ask_confirm(update, context, details=details)


def _question(context: TongxinContext, details: EventDetails) -> str:
    event = details.event
    asked = (event.question_en or event.question_zh) if context.lang == "en" else event.question_zh
    return asked or event.question_en


async def ask_answer(
    update: Update, context: TongxinContext, first: str = "", details: EventDetails | None = None
) -> int:
    """The event's question: its choices, or a few words typed."""
    details = details or await _details(update, context)
    if details is None:
        return END
    question = _question(context, details)
    if details.event.question_kind == QuestionKind.CHOICE.value:
        options = [
            Option(str(o.id), (o.label_en or o.label_zh) if context.lang == "en" else o.label_zh)
            for o in details.options
        ]
        text = context.t("events_resident.ask_choice", question=question)
        return await ask(update, context, text, options, ANSWER, first=first)
    text = context.t("events_resident.ask_text", question=question)
    return await ask(update, context, text, [], ANSWER, first=first, free_text=True)


async def on_answer(update: Update, context: TongxinContext) -> int:
    """The chosen option, or the words typed (short, and text only)."""
    details = await _details(update, context)
    if details is None:
        return END
    data = events_draft(context)
    if details.event.question_kind == QuestionKind.CHOICE.value:
        key = chosen(update, context)
        if key is None or not key.isdigit():
            return await ask_answer(update, context, not_understood(context), details)
        data["option"] = int(key)
    else:
        text = (message_text(update) or "").strip()
        if not text or len(text) > ANSWER_MAX:
            words = context.t("events_resident.answer.bad", most=ANSWER_MAX)
            return await ask_answer(update, context, words, details)
        data["answer"] = text
    return await ask_confirm(update, context, details=details)


def _answer_words(context: TongxinContext, details: EventDetails) -> str:
    data = events_draft(context)
    if "option" in data:
        for option in details.options:
            if option.id == data["option"]:
                label = (
                    (option.label_en or option.label_zh)
                    if context.lang == "en"
                    else option.label_zh
                )
                return context.t("events_resident.confirm.answer", answer=label)
    if data.get("answer"):
        return context.t("events_resident.confirm.answer", answer=data["answer"])
    return ""


async def ask_confirm(
    update: Update, context: TongxinContext, first: str = "", details: EventDetails | None = None
) -> int:
    """Everything restated, then 1 confirm / 2 choose again; when the town has no places
    left, whether to line up for one instead."""
    details = details or await _details(update, context)
    if details is None:
        return END
    t, data = context.t, events_draft(context)
    party = data.get("party", 1)
    params = {
        "name": event_name(context, details.event),
        "when": when_words(context, details.event),
        "party": party,
    }
    answer = _answer_words(context, details)
    who = data.get("resident_name")
    lead_in = t("events_resident.confirm.for", name=who) + "\n" if who else ""
    if details.left_for_town < party:
        text = t.n("events_resident.ask_line_up", party, **params)
        options = [
            Option("yes", t("events_resident.line_up.yes"), Means(yes=True)),
            Option("no", t("events_resident.line_up.no"), Means(yes=False)),
        ]
        return await ask(
            update, context, f"{lead_in}{text}{answer}", options, WAITLIST, first=first
        )
    text = t.n("events_resident.ask_confirm", party, **params)
    options = [
        Option("yes", t("events_resident.confirm.yes"), Means(yes=True)),
        Option("again", t("events_resident.confirm.again"), Means(yes=False)),
    ]
    return await ask(update, context, f"{lead_in}{text}{answer}", options, CONFIRM, first=first)


async def back_from_confirm(update: Update, context: TongxinContext) -> int:
    """⬅️ on the confirmation: the question, else how many, else the details."""
    details = await _details(update, context)
    if details is None:
        return END
    if details.event.question_kind is not None:
        return await ask_answer(update, context, details=details)
    if details.event.max_party > 1:
        return await ask_party(update, context, details=details)
    return await show_details(update, context)


async def back_from_answer(update: Update, context: TongxinContext) -> int:
    """⬅️ on the question: how many, else the details."""
    details = await _details(update, context)
    if details is None:
        return END
    if details.event.max_party > 1:
        return await ask_party(update, context, details=details)
    return await show_details(update, context)


async def on_confirm(update: Update, context: TongxinContext) -> int:
    """1 (or, when full, "line up"): register; 2: the details again."""
    key = chosen(update, context)
    if key in ("again", "no"):
        return await show_details(update, context)
    if key != "yes":
        return await ask_confirm(update, context, not_understood(context))
    data = events_draft(context)
    try:
        done = await run(
            context,
            register_or_ask,
            person=me(context),
            event_id=data.get("event", 0),
            party_size=data.get("party", 1),
            option_id=data.get("option"),
            answer_text=data.get("answer"),
            resident_id=data.get("resident_id"),
        )
    except (PartyTooLarge, AnswerNeeded) as error:
        return await ask_party(update, context, error_text(context, error))
    except DomainError as error:
        return await show_details(update, context, error_text(context, error))
    if isinstance(done, Asked):  # no standing consent: the resident was asked
        return await _asked(update, context, done)
    made, view = done
    logger.info(
        "person %s registered %s (registration %s)",
        me(context).id,
        data.get("event"),
        view.registration.id,
    )
    clear_draft(context)
    chat = update.effective_chat
    if not made.created:  # a second tap, or registered before: nothing new, no second receipt
        text = context.t("events_resident.already", name=event_name(context, view.details.event))
        await reply(update, context, text, main_menu_keyboard(context))
        return END
    if chat is not None:
        await send_receipt(context, chat.id, view)
    return await leave(update, context, "events_resident.done")


async def _asked(update: Update, context: TongxinContext, asked: Asked) -> int:
    """The proxy is told the resident was asked (or had been asked already), and that the
    answer will come to them."""
    logger.info("person %s asked a resident: request %s", me(context).id, asked.request.id)
    msgid = "events_resident.asked" if asked.created else "events_resident.asked.already"
    name, event = asked.resident, asked.event
    return await leave(
        update, context, msgid, name=name, event=event_name(context, event),
        when=when_words(context, event),
    )  # fmt: skip
