"""Answers to what an event sends on its own, each a question that is the current screen once
delivered (``handlers.kit.current``), typed or tapped on its own keyboard:

- the day-before reminder: 1 coming (noted), 2 cancel (the places are offered on at once);
- a freed place offered: 1 accept (a receipt with the QR code), 2 no thanks (passed on);
- the rating after the event: 5 … 1, stored at once; then a few words, typed or spoken, or
  不用了 (the comment screen of ``RATING_FLOW``, entered with ``kit.enter_at``);
- a family member's request to sign the resident up: 1 yes this time, 2 yes and from now on
  (the receipt with the calendar file and the QR code), 3 no.

Each use case loads the named registration (or request) as the person's own, so an answer
about someone else's (a forged subject) is refused and changes nothing.
"""

from __future__ import annotations

from typing import TypedDict

from telegram import Update
from telegram.ext import BaseHandler

from bot.context import TongxinContext
from handlers.events.resident.receipts import send_receipt
from handlers.events.resident.texts import event_name, when_words
from handlers.kit import (
    Option,
    Question,
    Screen,
    ask,
    chosen,
    conversation,
    draft,
    enter_at,
    error_text,
    leave,
    main_menu_keyboard,
    me,
    message_text,
    parse_id,
    reply,
    run,
    show_main_menu,
)
from models.core.errors import DomainError
from models.events import (
    OFFER_QUESTION,
    PROXY_QUESTION,
    RATING_QUESTION,
    REMINDER_QUESTION,
    NotRateable,
    answer_offer,
    answer_proxy_request,
    answer_reminder,
    rate_event,
)

RATING_FLOW = "event_rating"
COMMENT = 0
COMMENT_MAX = 1000


class RatingDraft(TypedDict, total=False):
    """The registration rated and its stars, kept for the comment."""

    registration: int
    stars: int


async def on_reminder_answer(
    update: Update, context: TongxinContext, subject: str, choice: str
) -> None:
    """1 确认参加 / 2 取消报名, typed or tapped on the day-before reminder."""
    coming = choice == "yes"
    try:
        view = await run(
            context,
            answer_reminder,
            registration_id=parse_id(subject) or 0,
            person=me(context),
            coming=coming,
        )
    except DomainError as error:  # cancelled already, or not theirs
        await reply(update, context, error_text(context, error), main_menu_keyboard(context))
        return
    event = view.details.event
    msgid = "events_resident.reminder.coming" if coming else "events_resident.cancelled"
    text = context.t(msgid, name=event_name(context, event), when=when_words(context, event))
    await reply(update, context, text, main_menu_keyboard(context))


async def on_offer_answer(
    update: Update, context: TongxinContext, subject: str, choice: str
) -> None:
    """1 ✅ 接受 (the receipt with the QR code) / 2 ❌ 不用了, typed or tapped on the offer."""
    accept = choice == "acc"
    try:
        view = await run(
            context,
            answer_offer,
            registration_id=parse_id(subject) or 0,
            person=me(context),
            accept=accept,
        )
    except DomainError as error:  # taken up, declined or lapsed already, or not theirs
        await reply(update, context, error_text(context, error), main_menu_keyboard(context))
        return
    chat = update.effective_chat
    if accept and chat is not None:
        await send_receipt(context, chat.id, view)
        await show_main_menu(update, context, "events_resident.done")
    else:
        await show_main_menu(update, context, "events_resident.offer.declined")


async def on_proxy_answer(
    update: Update, context: TongxinContext, subject: str, choice: str
) -> None:
    """1 同意这一次 / 2 以后也可以 / 3 不同意, typed or tapped on a family member's request."""
    try:
        answered = await run(
            context,
            answer_proxy_request,
            person=me(context),
            request_id=parse_id(subject) or 0,
            answer=choice,
        )
    except DomainError as error:  # answered, withdrawn or lapsed already, or not theirs
        await reply(update, context, error_text(context, error), main_menu_keyboard(context))
        return
    view = answered.view
    if view is None:  # no, or a yes the event could no longer take
        refused = answered.refused
        no = context.t("events_resident.proxy.answered.no", proxy=answered.proxy)
        text = error_text(context, refused) if refused is not None else no
        await reply(update, context, text, main_menu_keyboard(context))
        return
    event = view.details.event
    always = answered.answer == "always"
    msgid = (
        "events_resident.proxy.answered.always" if always else "events_resident.proxy.answered.ok"
    )
    text = context.t(
        msgid,
        proxy=answered.proxy,
        name=event_name(context, event),
        when=when_words(context, event),
    )
    await reply(update, context, text, main_menu_keyboard(context))
    chat = update.effective_chat
    if chat is not None:
        await send_receipt(context, chat.id, view)


async def on_rating_answer(
    update: Update, context: TongxinContext, subject: str, choice: str
) -> None:
    """5 … 1 on the rating question: stored at once, then "a few words?"."""
    registration_id, stars = parse_id(subject) or 0, parse_id(choice) or 0
    try:
        await run(
            context, rate_event, registration_id=registration_id, person=me(context), rating=stars
        )
    except DomainError as error:
        await reply(update, context, error_text(context, error), main_menu_keyboard(context))
        return
    data = draft(context, RatingDraft)
    data["registration"], data["stars"] = registration_id, stars
    enter_at(update, context, RATING_FLOW, COMMENT)
    thanks = context.t.n("events_resident.rating.thanks", stars, stars=stars)
    await ask_comment(update, context, thanks)


async def ask_comment(update: Update, context: TongxinContext, first: str = "") -> int:
    """想说几句吗？ typed or spoken; 不用了 to skip."""
    skip = [Option("skip", context.t("events_resident.rating.skip"))]
    text = context.t("events_resident.rating.ask_comment")
    return await ask(
        update, context, text, skip, COMMENT, first=first, free_text=True, keeps_voice=True
    )


async def skipped(update: Update, context: TongxinContext) -> int:
    """No comment (不用了, ⬅️, 🏠, /cancel or /menu): thanks, and the main menu."""
    return await leave(update, context, "events_resident.rating.skipped")


async def on_comment(update: Update, context: TongxinContext) -> int:
    """Keep a text or voice comment with the rating; anything else asks again."""
    if chosen(update, context) == "skip":
        return await skipped(update, context)
    message, data = update.message, draft(context, RatingDraft)
    voice = message.voice.file_id if message and message.voice else None
    text = (message_text(update) or "").strip() or None
    if voice is None and text is None:
        return await ask_comment(update, context, context.t("events_resident.rating.no_comment"))
    if text is not None and len(text) > COMMENT_MAX:
        words = context.t("events_resident.rating.too_long", most=COMMENT_MAX)
        return await ask_comment(update, context, words)
    try:
        await run(
            context,
            rate_event,
            registration_id=data.get("registration", 0),
            person=me(context),
            rating=data.get("stars", 0),
            comment=text,
            voice_file_id=voice,
        )
    except NotRateable as error:
        return await leave(update, context, error.message_id)
    return await leave(update, context, "events_resident.rating.saved")


def handlers() -> list[BaseHandler]:  # type: ignore[type-arg]
    """The comment conversation after a rating (entered by the rating's answer)."""
    return [
        conversation(
            RATING_FLOW,
            entry_points=[],
            screens={COMMENT: Screen(on_comment, back=skipped)},
            home=skipped,
            on_cancel=skipped,
            on_menu=skipped,
        )
    ]


QUESTIONS = (
    Question(REMINDER_QUESTION, on_reminder_answer),
    Question(OFFER_QUESTION, on_offer_answer),
    Question(RATING_QUESTION, on_rating_answer),
    Question(PROXY_QUESTION, on_proxy_answer),
)
