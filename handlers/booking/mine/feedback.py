"""After the visit: the one-tap rating (``rate:<booking>:<n>``) and an optional comment.

The tap stores the rating at once, then a small conversation asks for a few words, typed or
spoken (a voice message is kept by its Telegram ``file_id``), with 不用了 / ⬅️ / 🏠 to skip.
Only the resident of an attended booking may rate it; anyone else's tap is refused unchanged.
"""

from __future__ import annotations

from typing import TypedDict

from telegram import Update
from telegram.ext import BaseHandler

from bot.context import TongxinContext
from handlers.kit import (
    END,
    Option,
    Screen,
    Tap,
    ask,
    chosen,
    conversation,
    draft,
    drop_buttons,
    error_text,
    leave,
    me,
    message_text,
    refuse_tap,
    registered,
    run,
    tap_handler,
)
from models.booking import (
    RATING,
    CommentTooLong,
    NoComment,
    NotRateable,
    comment_on_visit,
    rate_visit,
)

COMMENT = 0


class FeedbackDraft(TypedDict, total=False):
    """The booking whose rating the comment goes with."""

    booking: int


def _skip(context: TongxinContext) -> list[Option]:
    return [Option("skip", context.t("feedback.skip"))]


async def skipped(update: Update, context: TongxinContext) -> int:
    """No comment (不用了, ⬅️, 🏠, /cancel or /menu): thanks, and the main menu."""
    return await leave(update, context, "feedback.skipped")


async def on_rate(update: Update, context: TongxinContext, tap: Tap) -> int:
    """1–5 stars tapped: store the rating, then invite a comment."""
    query = update.callback_query
    if query is None or not registered(context.person):
        await refuse_tap(update, context, NotRateable())
        return END
    booking_id, stars = tap.id(0), tap.id(1)
    try:
        rated = await run(
            context, rate_visit, person=me(context), booking_id=booking_id, stars=stars
        )
    except NotRateable as error:
        await refuse_tap(update, context, error)
        return END
    draft(context, FeedbackDraft)["booking"] = rated.booking_id
    await drop_buttons(query)  # the question below answers the tap
    thanks = context.t.n("feedback.thanks", rated.stars, stars=rated.stars)
    return await ask_comment(update, context, thanks)


async def ask_comment(update: Update, context: TongxinContext, first: str = "") -> int:
    """想说几句吗？ typed or spoken; 不用了 to skip."""
    text = context.t("feedback.ask_comment")
    return await ask(
        update,
        context,
        text,
        _skip(context),
        COMMENT,
        first=first,
        free_text=True,
        keeps_voice=True,
    )


async def on_comment(update: Update, context: TongxinContext) -> int:
    """Keep a text or voice comment; anything else (a sticker, a photo, too long) re-asks."""
    if chosen(update, context) == "skip":
        return await skipped(update, context)
    message = update.message
    voice = message.voice.file_id if message and message.voice else None
    booking_id = draft(context, FeedbackDraft).get("booking", 0)
    try:
        await run(
            context,
            comment_on_visit,
            person=me(context),
            booking_id=booking_id,
            text=message_text(update),
            voice_file_id=voice,
        )
    except (NoComment, CommentTooLong) as error:
        return await ask_comment(update, context, error_text(context, error))
    except NotRateable as error:
        return await leave(update, context, error.message_id)
    return await leave(update, context, "feedback.saved")


def handlers() -> list[BaseHandler]:  # type: ignore[type-arg]
    """The rating tap and the comment conversation (persistent)."""
    return [
        conversation(
            "booking_feedback",
            entry_points=[tap_handler(RATING, on_rate, refusal=NotRateable)],
            screens={COMMENT: Screen(on_comment, back=skipped)},
            home=skipped,
            on_cancel=skipped,
            on_menu=skipped,
        )
    ]
