"""Validation of Bot API parameters, with Telegram's exact error texts."""

from __future__ import annotations

from typing import Any

from sandbox.core import (
    JSON,
    MAX_CALLBACK_DATA,
    MAX_CAPTION,
    MAX_TEXT,
    bad_request,
    decode_json,
)

_INLINE_ACTIONS = (
    "url", "callback_data", "web_app", "login_url", "switch_inline_query",
    "switch_inline_query_current_chat", "switch_inline_query_chosen_chat", "copy_text",
    "callback_game", "pay",
)  # fmt: skip
NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)


def check_text(text: str, caption: bool = False) -> None:
    """Enforce Telegram's text/caption length rules (length counted with ``len()``).

    Telegram counts UTF-16 code units after entity parsing; counting code points of the raw
    text is slightly stricter for HTML/MarkdownV2 markup and looser for astral emoji.
    """
    if caption:
        if len(text) > MAX_CAPTION:
            raise bad_request("message caption is too long")
        return
    if not text.strip():
        raise bad_request("message text is empty")
    if len(text) > MAX_TEXT:
        raise bad_request("message is too long")


def parse_markup(raw: Any) -> JSON | None:
    """Decode and validate a reply_markup parameter like Telegram does."""
    if raw is None or raw == "":
        return None
    markup = decode_json(raw, "reply keyboard markup JSON object")
    if not isinstance(markup, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" in markup:
        rows = markup["inline_keyboard"]
        if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
            raise bad_request(
                'field "inline_keyboard" of the InlineKeyboardMarkup must be an Array'
            )
        for row in rows:
            for button in row:
                if not isinstance(button, dict) or not isinstance(button.get("text"), str):
                    raise bad_request("can't parse inline keyboard button: Text is missing")
                data = button.get("callback_data")
                if data is not None and (
                    not isinstance(data, str) or not 1 <= len(data.encode()) <= MAX_CALLBACK_DATA
                ):
                    raise bad_request("BUTTON_DATA_INVALID")
                if not any(key in button for key in _INLINE_ACTIONS):
                    raise bad_request(
                        "can't parse inline keyboard button: "
                        "Text buttons are unallowed in the inline keyboard"
                    )
    elif "keyboard" in markup:
        rows = markup["keyboard"]
        if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
            raise bad_request('field "keyboard" of the ReplyKeyboardMarkup must be an Array')
        for row in rows:
            for button in row:
                if not isinstance(button, str | dict) or (
                    isinstance(button, dict) and not isinstance(button.get("text"), str)
                ):
                    raise bad_request("can't parse keyboard button: Text is missing")
    return markup
