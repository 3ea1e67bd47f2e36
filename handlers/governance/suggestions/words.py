"""The suggestion itself (typed, or a voice note: DESIGN.md accepts voice where free text
is), signed or anonymous, and the summary to confirm; then the receipt with its number.

The words are kept exactly as written, up to ``TEXT_MAX`` characters; a voice note is kept by
its ``file_id`` (with its words, when the recogniser heard any). Anything else (a sticker, a
photo, nothing) is answered kindly and changes nothing.
"""

from __future__ import annotations

import logging

from telegram import Update

from bot.context import TongxinContext
from handlers.governance.suggestions.draft import (
    ANONYMOUS,
    CONFIRM,
    WORDS,
    not_understood,
    suggest_draft,
)
from handlers.kit import Means, Option, ask, chosen, error_text, leave, me, prompt, run
from models.core.errors import DomainError
from models.governance import (
    Subject,
    SuggestionDraft,
    SuggestionEmpty,
    SuggestionTooLong,
    check_words,
    send_suggestion,
)

logger = logging.getLogger(__name__)


def _about(context: TongxinContext) -> str:
    """What the suggestion is about, in words."""
    data, t = suggest_draft(context), context.t
    subject = data.get("subject", Subject.OTHER.value)
    if subject in (Subject.VENUE, Subject.EVENT):
        return data.get("about", "—")
    return t("suggest.subject.bot" if subject == Subject.BOT else "suggest.subject.other")


async def ask_words(update: Update, context: TongxinContext, first: str = "") -> int:
    """The suggestion: typed, or said in a voice note."""
    text = context.t("suggest.ask_words", about=_about(context))
    return await ask(
        update, context, text, [], WORDS, first=first, free_text=True, keeps_voice=True
    )


async def on_words(update: Update, context: TongxinContext) -> int:
    """Keep the words or the voice note; anything else is kindly refused."""
    data, message = suggest_draft(context), update.message
    voice = message.voice.file_id if message is not None and message.voice else None
    words = (message.text or "") if message is not None else ""
    if voice is None and not words.strip():
        return await ask_words(update, context, context.t("suggest.words.unsupported"))
    try:
        words = check_words(words, required=voice is None)
    except (SuggestionEmpty, SuggestionTooLong) as error:
        return await ask_words(update, context, error_text(context, error))
    data["text"] = words
    if voice is None:
        data.pop("voice", None)
    else:
        data["voice"] = voice
    return await ask_anonymous(update, context)


async def ask_anonymous(update: Update, context: TongxinContext, first: str = "") -> int:
    """Signed or anonymous, explained in plain words (replies reach them either way)."""
    t = context.t
    options = [
        Option("named", t("suggest.anonymous.no"), Means(yes=False, words=("署名", "可以"))),
        Option("anonymous", t("suggest.anonymous.yes"), Means(yes=True, words=("匿名",))),
    ]
    text = prompt(context, "suggest.ask_anonymous")
    return await ask(update, context, text, options, ANONYMOUS, first=first)


async def on_anonymous(update: Update, context: TongxinContext) -> int:
    """Signed or anonymous; then the summary."""
    key = chosen(update, context)
    if key not in ("named", "anonymous"):
        return await ask_anonymous(update, context, not_understood(context))
    suggest_draft(context)["anonymous"] = key == "anonymous"
    return await ask_confirm(update, context)


async def ask_confirm(update: Update, context: TongxinContext, first: str = "") -> int:
    """Everything gathered, in words, to send or change."""
    t, data = context.t, suggest_draft(context)
    lines = [
        t("suggest.summary.about", about=_about(context)),
        t("suggest.summary.words", words=data.get("text") or "—"),
    ]
    if data.get("voice"):
        lines.append(t("suggest.summary.voice"))
    lines.append(
        t("suggest.summary.anonymous" if data.get("anonymous") else "suggest.summary.named")
    )
    text = "\n".join([t("suggest.ask_confirm"), "", *lines])
    options = [Option("send", t("suggest.confirm.send"), Means(yes=True, words=("提交", "send")))]
    return await ask(update, context, text, options, CONFIRM, first=first)


def _draft(context: TongxinContext) -> SuggestionDraft:
    data = suggest_draft(context)
    return SuggestionDraft(
        subject=Subject(data.get("subject", Subject.OTHER.value)),
        subject_id=data.get("subject_id"),
        text=data.get("text", ""),
        voice_file_id=data.get("voice"),
        anonymous=bool(data.get("anonymous")),
    )


async def on_confirm(update: Update, context: TongxinContext) -> int:
    """Send: the suggestion is kept and numbered; the receipt and the main menu."""
    if chosen(update, context) != "send":
        return await ask_confirm(update, context, not_understood(context))
    anonymous = bool(suggest_draft(context).get("anonymous"))
    try:
        receipt = await run(context, send_suggestion, person=me(context), draft=_draft(context))
    except (SuggestionEmpty, SuggestionTooLong) as error:
        return await ask_words(update, context, error_text(context, error))
    except DomainError as error:
        return await leave(update, context, error.message_id)
    logger.info("person %s sent suggestion %s", me(context).id, receipt.suggestion_id)
    privacy = context.t("suggest.receipt.anonymous" if anonymous else "suggest.receipt.named")
    return await leave(update, context, "suggest.receipt", number=receipt.number, privacy=privacy)
