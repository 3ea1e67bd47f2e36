"""Turn an outbox payload into the Telegram messages that carry it.

Payload contract: ``{"msgid": ..., "params": {...}}``, rendered in the recipient's language
(words someone wrote are a parameter, never the text itself), plus optional ``"photo"`` (a
file_id: sent with the text as its caption, or alone before the text when the caption would be
too long; ``"voice"`` and ``"document"`` file ids go the same way, e.g. a relayed voice note)
and ``"reply_markup"`` (an InlineKeyboardMarkup as a dict, put on the last message).
Never a parse_mode: user text must never fail to parse. Text over 4096 characters becomes
several messages. A payload without a message id is refused (``UnreadablePayload``).

A parameter may be structured, so it reads right in the recipient's language at send time:
``{"dt": "<ISO time>"}`` is a moment shown as ``format_when`` shows it, ``{"zh_CN": …, "en": …}``
picks the recipient's language (``models.core.outbox.when_param`` and ``bilingual_param``
build them), and ``{"msgid": …, "params": {…}}`` is a message rendered first, in the same language
(``models.core.outbox.message_param``). An inline button's text may be ``{"msgid": …}``
(``models.core.outbox.inline_keyboard`` builds them).

A payload may instead ask a question (``"question"``, built by ``models.core.questions.question``):
its choices become a reply keyboard, numbered as residents type them, with 🏠 under them, so
the message replaces whatever screen was open (the pump records it as the current question).
A choice's typed words (``"同意"`` for "✅ 同意这一次") go with it, in the recipient's language.

``"qr"`` (``models.core.outbox.qr_param``) adds a QR code photo after the text: the bot's deep
link ``/start <start>`` (e.g. a booking's check-in), drawn at send time, captioned by its
message id. It goes last, so a receipt that says "show the code below" is followed by it.

``"charts"`` (``models.governance.digest``: the monthly digest) adds the participation charts as
photos after the text, drawn at send time from the numbers it carries, labelled in the
recipient's language with the CJK font (``chart_font``; none given: no charts).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from telegram import Bot, InlineKeyboardMarkup, ReplyKeyboardMarkup

from bot.i18n import Translator
from bot.timefmt import resolve_params
from jobs.pacing import MAX_CAPTION, split_text, utf16_len
from jobs.qr import qr_image, start_link
from models.core.questions import QUESTION
from models.governance import CHART_CAPTIONS, charts_of, render_charts


class UnreadablePayload(ValueError):
    """A payload that is not a message id with parameters (e.g. literal text of an old row)."""


@dataclass
class Part:
    """One Telegram message: text, or a photo with an optional caption."""

    text: str | None
    photo: str | bytes | None = None  # a file_id, or a picture drawn here (a QR code)
    markup: InlineKeyboardMarkup | ReplyKeyboardMarkup | None = None
    voice: str | None = None  # a voice note's file_id (sent with the text as its caption)
    document: str | None = None  # a file's file_id (likewise)


def _translated_buttons(
    markup: dict[str, Any] | None, translate: Callable[..., str]
) -> dict[str, Any] | None:
    """Inline buttons whose text is ``{"msgid": …}`` get their label in the recipient's language."""
    if not markup:
        return None
    rows = [
        [
            {**button, "text": translate(str(button["text"]["msgid"]))}
            if isinstance(button.get("text"), dict)
            else button
            for button in row
        ]
        for row in markup.get("inline_keyboard", [])
    ]
    return {**markup, "inline_keyboard": rows}


def _words(translate: Callable[..., str], msgid: str) -> list[str]:
    """A choice's typed words: one message, the words separated by "|"."""
    return [word.strip() for word in translate(msgid).split("|") if word.strip()]


def question_choices(payload: dict[str, Any], translate: Callable[..., str]) -> list[list[str]]:
    """The question's choices as [key, label, *words] in the recipient's language (none: no
    question)."""
    asked = payload.get(QUESTION)
    if not isinstance(asked, dict):
        return []
    return [
        [str(key), translate(str(label)), *(w for m in words for w in _words(translate, str(m)))]
        for key, label, *words in asked.get("choices", [])
    ]


def _question_keyboard(choices: list[list[str]], translate: Translator) -> ReplyKeyboardMarkup:
    """The question's choices, one numbered button a row, then 🏠 (as the kit's screens)."""
    rows = [[f"{n}. {choice[1]}"] for n, choice in enumerate(choices, start=1)]
    rows.append([translate("nav.home")])
    return ReplyKeyboardMarkup(rows, resize_keyboard=True, is_persistent=True)


def _is_message(value: object) -> bool:
    return isinstance(value, dict) and "msgid" in value


def _message_text(
    message: dict[str, Any], translate: Translator, language: str, tz: ZoneInfo
) -> str:
    """A message id with its parameters in one language (parameters that are messages first)."""
    params = {
        name: _message_text(value, translate, language, tz) if _is_message(value) else value
        for name, value in dict(message.get("params") or {}).items()
    }
    params = resolve_params(params, language, tz)
    msgid, plural = str(message["msgid"]), message.get("plural")
    if plural is not None:
        return translate.n(msgid, int(params.get(str(plural)) or 0), **params)
    return translate(msgid, **params)


def template_params(
    payload: dict[str, Any], translate: Translator, *, language: str, tz: ZoneInfo
) -> dict[str, str]:
    """The message's parameters as the recipient reads them, and ``full_text`` (the whole
    message): what a channel without free messages fills its message templates from."""
    params = {
        name: _message_text(value, translate, language, tz) if _is_message(value) else value
        for name, value in dict(payload.get("params") or {}).items()
    }
    plain = {name: str(value) for name, value in resolve_params(params, language, tz).items()}
    return {**plain, "full_text": _message_text(payload, translate, language, tz)}


def render(
    payload: dict[str, Any],
    translate: Translator,
    bot: Bot | None,
    *,
    language: str = "zh_CN",
    tz: ZoneInfo | None = None,
    chart_font: str | None = None,
) -> list[Part]:
    """The messages for ``payload``, with ``translate`` for message ids."""
    if not _is_message(payload):
        raise UnreadablePayload(f"outbox payload without a message id: {sorted(payload)}")
    text = _message_text(payload, translate, language, tz or ZoneInfo("Asia/Shanghai"))
    raw_markup = _translated_buttons(payload.get("reply_markup"), translate)
    markup: InlineKeyboardMarkup | ReplyKeyboardMarkup | None = (
        InlineKeyboardMarkup.de_json(raw_markup, bot) if raw_markup else None
    )
    choices = question_choices(payload, translate)
    if choices:
        markup = _question_keyboard(choices, translate)
    media = _media(payload)
    charts = _charts(payload, translate, language, chart_font)
    if media is not None and utf16_len(text) <= MAX_CAPTION:
        media.text, media.markup = text or None, markup
        return [media, *_qr(payload, translate, bot), *charts]
    parts = [Part(piece) for piece in split_text(text)] if text else []
    if media is not None:
        parts.insert(0, media)
    parts.extend(_qr(payload, translate, bot))
    parts.extend(charts)
    if parts:
        parts[-1].markup = markup
    return parts


def _media(payload: dict[str, Any]) -> Part | None:
    """The payload's photo, voice note or document (a file_id), as a part without text yet."""
    photo, voice, document = (payload.get(k) for k in ("photo", "voice", "document"))
    if photo:
        return Part(None, photo=str(photo))
    if voice:
        return Part(None, voice=str(voice))
    if document:
        return Part(None, document=str(document))
    return None


def _qr(payload: dict[str, Any], translate: Translator, bot: Bot | None) -> list[Part]:
    """The payload's QR code photo, if it has one (drawn for this bot's deep link)."""
    qr = payload.get("qr")
    if not isinstance(qr, dict) or bot is None:
        return []
    link = start_link(bot.username, str(qr["start"]))
    caption = translate(str(qr["caption"])) if qr.get("caption") else None
    return [Part(caption, qr_image(link))]


def _charts(
    payload: dict[str, Any], translate: Translator, language: str, font: str | None
) -> list[Part]:
    """The payload's charts, drawn now in the recipient's language (a digest's)."""
    data = charts_of(payload)
    if data is None or font is None:
        return []
    drawn = render_charts(data, t=translate, language=language, font=font)
    return [Part(translate(CHART_CAPTIONS[c.name]), c.png) for c in drawn]
