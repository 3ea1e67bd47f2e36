"""What the bot sends, as pieces, and pieces merged into as few WeChat messages as possible
(pure: no database, no HTTP).

A ``Piece`` is one Bot API send: its text, the buttons of its keyboard (reply keyboard: a label;
inline: a label and its ``callback_data``), or a WeChat media (an image or a voice note).
``merge`` joins consecutive texts into one, folds them into the head of the menu message that
follows (the question with its choices below), and keeps media apart (WeChat sends an image or
a voice note alone), their captions joining the text after them: the welcome, the consent
question and its choices become one message instead of three, and three captioned charts with
the question after them four.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from channels.wechat.templates import Proactive

MAX_TEXT = 2000  # WeChat's customer-service text limit is about 2048 bytes of characters
JOIN = "\n\n"


@dataclass(frozen=True)
class ButtonLine:
    """One clickable line: what it says, and the inline button's data (None: a reply key)."""

    text: str
    callback_data: str | None = None


@dataclass
class Piece:
    """One thing the bot sent to a chat, with the Bot API ``message_id`` it was given."""

    message_id: int
    text: str = ""
    buttons: list[ButtonLine] = field(default_factory=list)
    media_id: str | None = None
    media_type: str = "image"  # WeChat's msgtype for the media: "image" or "voice"
    proactive: Proactive | None = None  # an outbox send: its message id and parameters


@dataclass
class Outgoing:
    """One WeChat message to send: a text, a menu (head, lines), an image or a voice note.

    ``lines`` pairs each button with the ``message_id`` of the send it came from (an inline tap
    names that message)."""

    text: str = ""
    lines: list[tuple[ButtonLine, int]] = field(default_factory=list)
    media_id: str | None = None
    media_type: str = "image"
    proactive: Proactive | None = None  # the first outbox send merged into it, if any

    def summary(self) -> str:
        """What the follower would have read (for the not-deliverable record)."""
        if self.media_id is not None:
            return f"[{self.media_type}]"
        choices = "\n".join(line.text for line, _ in self.lines)
        return (self.text + ("\n" + choices if choices else ""))[:2000]


def buttons_of(markup: Any) -> list[ButtonLine]:
    """The buttons of a Bot API ``reply_markup`` (a JSON text or dict); none when it removes."""
    if isinstance(markup, str):
        try:
            markup = json.loads(markup) if markup else {}
        except ValueError:
            return []
    if not isinstance(markup, dict):
        return []
    lines: list[ButtonLine] = []
    for row in markup.get("keyboard") or []:
        for key in row:
            label = key.get("text", "") if isinstance(key, dict) else str(key)
            # Sharing a phone number or place has no WeChat counterpart: the resident types it.
            if isinstance(key, dict) and any(k.startswith("request_") for k in key):
                continue
            if label:
                lines.append(ButtonLine(label))
    for row in markup.get("inline_keyboard") or []:
        for key in row:
            if isinstance(key, dict) and key.get("text"):
                data = key.get("callback_data")
                url = key.get("url")
                if data is not None:
                    lines.append(ButtonLine(str(key["text"]), str(data)))
                elif url:
                    lines.append(ButtonLine(f"{key['text']}: {url}"))
    return lines


def merge(pieces: list[Piece]) -> list[Outgoing]:
    """As few messages as possible: texts joined, a menu's head takes the texts before it."""
    out: list[Outgoing] = []
    texts: list[str] = []
    carried: list[Proactive | None] = [None]  # the outbox send in the texts being joined
    only_captions = True  # the texts being joined are images' captions only

    def flush_texts() -> None:
        if texts:
            out.append(Outgoing(text=JOIN.join(texts), proactive=carried[0]))
            texts.clear()
        carried[0] = None

    for piece in pieces:
        if piece.media_id is not None:
            # Media go as they come; their captions wait for the next text (a legend after
            # the pictures): three captioned charts are three messages, not six.
            if not only_captions:
                flush_texts()
            media = Outgoing(
                media_id=piece.media_id, media_type=piece.media_type, proactive=piece.proactive
            )
            out.append(media)
            if piece.text:
                texts.append(piece.text)
            only_captions = True
            continue
        if piece.text:
            texts.append(piece.text)
            carried[0] = carried[0] or piece.proactive
            only_captions = False
        if piece.buttons:
            head = JOIN.join(texts)
            texts.clear()
            lines = [(button, piece.message_id) for button in piece.buttons]
            out.append(Outgoing(text=head, lines=lines, proactive=carried[0] or piece.proactive))
            carried[0] = None
            only_captions = True
    flush_texts()
    return [_bounded(message) for message in out]


def _bounded(message: Outgoing) -> Outgoing:
    if len(message.text) > MAX_TEXT:
        message.text = message.text[: MAX_TEXT - 1] + "…"
    return message


def wechat_body(openid: str, message: Outgoing, line_ids: list[int]) -> dict[str, Any]:
    """The custom-send body of a message (``line_ids``: the menu lines' remembered ids)."""
    if message.media_id is not None:
        kind = message.media_type
        return {"touser": openid, "msgtype": kind, kind: {"media_id": message.media_id}}
    if not message.lines:
        return {"touser": openid, "msgtype": "text", "text": {"content": message.text}}
    items = [
        {"id": str(line_id), "content": line.text}
        for (line, _), line_id in zip(message.lines, line_ids, strict=True)
    ]
    menu = {"head_content": message.text, "list": items, "tail_content": ""}
    return {"touser": openid, "msgtype": "msgmenu", "msgmenu": menu}
