"""WeChat callbacks read and mapped to Bot API updates (pure: no database, no HTTP).

What a resident does on WeChat becomes what the same act would be on Telegram, so the bot's
flows take it unchanged:

- text → a message; voice → a voice message whose text is WeChat's ``Recognition`` when it has
  one (a spoken "明天" counts as typed: ``handlers.kit.hear_voice`` keeps a text it finds);
  image → a photo; their ``file_id`` is ``wx:<MediaId>`` (``media``);
- following the account → ``/start`` (through a QR code with a scene: ``/start <scene>``, the
  bot's deep link); scanning such a code while following → the same; unfollowing → the user
  blocking the bot (``my_chat_member``: kicked);
- a custom-menu ``CLICK`` → a message with the menu item's text (the configured key → text map);
- a tap on a line of a menu message (a text carrying ``bizmsgmenuid``) → the button it stands
  for: a reply-keyboard button is its text, an inline one a callback query with its data; an
  unknown or foreign id is read as the text the user saw, typed;
- any other message type → ``Unsupported`` (the bridge answers a polite line itself); other
  events (menu links, location reports, delivery receipts) → ``Ignored``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from channels.wechat.media import file_id_of, unique_id_of

JSON = dict[str, Any]
QR_SCENE_PREFIX = "qrscene_"
MAX_ROW_ID = 2**31 - 1  # the tables' integer ids: a larger one names no row (and PostgreSQL
# would refuse to compare it)


class BadCallback(Exception):
    """The XML is well-formed but lacks what every WeChat callback has."""


@dataclass(frozen=True)
class Callback:
    """One callback from WeChat: who sent it, when, what type, and its fields."""

    openid: str
    create_time: int
    msg_type: str
    fields: Mapping[str, str]

    @property
    def event(self) -> str:
        """The event name in lower case ("" for a message)."""
        return self.fields.get("Event", "").lower() if self.msg_type == "event" else ""

    @property
    def menu_tap(self) -> int | None:
        """The ``bizmsgmenuid`` of a tapped menu line, if this is such a tap."""
        value = self.fields.get("bizmsgmenuid", "")
        if not value.isdigit() or len(value) > 10 or int(value) > MAX_ROW_ID:
            return None
        return int(value)

    def dedup_key(self) -> str:
        """What identifies this callback across WeChat's retries."""
        msg_id = self.fields.get("MsgId", "")
        if msg_id:
            return f"msg:{msg_id}"[:160]
        return f"event:{self.openid}:{self.create_time}:{self.event}"[:160]


def read_callback(fields: Mapping[str, str]) -> Callback:
    """A ``Callback`` from the XML's fields; ``BadCallback`` when a required one is missing."""
    openid = fields.get("FromUserName", "")
    msg_type = fields.get("MsgType", "").lower()
    created = fields.get("CreateTime", "")
    if not openid or len(openid) > 64 or not msg_type or not created.isdigit():
        raise BadCallback("FromUserName, MsgType and CreateTime are required")
    if len(created) > 12:
        raise BadCallback("CreateTime out of range")
    return Callback(openid=openid, create_time=int(created), msg_type=msg_type, fields=fields)


@dataclass(frozen=True)
class Button:
    """A menu line the bridge sent (``WechatMenuButton``), as the mapping needs it."""

    text: str
    callback_data: str | None
    message_id: int | None
    sent_at: int


@dataclass(frozen=True)
class Deliver:
    """An update for the bot (without its ``update_id``, given when it is queued)."""

    body: JSON


@dataclass(frozen=True)
class Unsupported:
    """A message the bot cannot take: the bridge answers politely itself."""

    reason: str


@dataclass(frozen=True)
class Ignored:
    """An event that is not something the resident said: nothing to do."""

    reason: str


Outcome = Deliver | Unsupported | Ignored


@dataclass(frozen=True)
class Chat:
    """Who the update is from, in Bot API terms."""

    chat_id: int
    first_name: str
    language_code: str = "zh-hans"

    def user(self) -> JSON:
        """The Bot API ``User``."""
        return {
            "id": self.chat_id,
            "is_bot": False,
            "first_name": self.first_name,
            "language_code": self.language_code,
        }

    def chat(self) -> JSON:
        """The Bot API private ``Chat``."""
        return {"id": self.chat_id, "type": "private", "first_name": self.first_name}


def _text(text: str) -> JSON:
    content: JSON = {"text": text}
    if text.startswith("/"):
        command = text.split(maxsplit=1)[0]
        length = len(command.encode("utf-16-le")) // 2
        content["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
    return content


def to_update(
    callback: Callback,
    *,
    chat: Chat,
    message_id: int,
    menu_texts: Mapping[str, str],
    button: Button | None = None,
) -> Outcome:
    """Map one callback to a Bot API update body, or say why there is none."""
    if callback.msg_type == "event":
        return _event(callback, chat=chat, message_id=message_id, menu_texts=menu_texts)
    content = _message_content(callback, chat=chat, button=button)
    if content is None:
        return Unsupported(f"message type {callback.msg_type!r}")
    if "callback_query" in content:
        return Deliver(content)
    return Deliver({"message": _message(callback, chat, message_id, content)})


def _message(callback: Callback, chat: Chat, message_id: int, content: JSON) -> JSON:
    return {
        "message_id": message_id,
        "from": chat.user(),
        "chat": chat.chat(),
        "date": callback.create_time,
        **content,
    }


def _message_content(callback: Callback, *, chat: Chat, button: Button | None) -> JSON | None:
    fields = callback.fields
    if callback.msg_type == "text":
        if button is not None and button.callback_data is not None:
            return {"callback_query": _tap(callback, chat, button)}
        text = button.text if button is not None else fields.get("Content", "")
        return _text(text) if text else None
    media_id = fields.get("MediaId", "")
    if callback.msg_type == "voice" and media_id:
        voice = {
            "file_id": file_id_of(media_id),
            "file_unique_id": unique_id_of(media_id),
            "duration": 0,  # WeChat does not say; the bot reads it only as a hint
            "mime_type": f"audio/{fields.get('Format', 'amr').lower() or 'amr'}",
        }
        heard = fields.get("Recognition", "").strip()
        # WeChat's recognition often ends a short answer with "。": "明天。" means "明天".
        heard = heard.rstrip("。.！!").strip()
        return {"voice": voice, **({"text": heard} if heard else {})}
    if callback.msg_type == "image" and media_id:
        ids = {"file_id": file_id_of(media_id), "file_unique_id": unique_id_of(media_id)}
        return {"photo": [{**ids, "width": 0, "height": 0}]}
    return None


def _tap(callback: Callback, chat: Chat, button: Button) -> JSON:
    message: JSON = {"message_id": button.message_id or 0, "chat": chat.chat(), "date": 0}
    if button.message_id is not None:
        message["date"] = button.sent_at
    return {
        # The chat in the id: the bridge shows a callback answer's text in that chat.
        "id": f"wx{chat.chat_id}-{callback.fields.get('MsgId') or callback.create_time}",
        "from": chat.user(),
        "chat_instance": str(chat.chat_id),
        "message": message,
        "data": button.callback_data,
    }


def chat_of_query(query_id: str) -> int | None:
    """The chat a callback query id of ours was made in (None: not one of ours)."""
    head, sep, _ = query_id.removeprefix("wx").partition("-")
    return int(head) if sep and query_id.startswith("wx") and head.isdigit() else None


def _event(
    callback: Callback, *, chat: Chat, message_id: int, menu_texts: Mapping[str, str]
) -> Outcome:
    event, key = callback.event, callback.fields.get("EventKey", "")
    if event in ("subscribe", "scan"):
        scene = key.removeprefix(QR_SCENE_PREFIX) if event == "subscribe" else key
        text = f"/start {scene}" if scene else "/start"
        return Deliver({"message": _message(callback, chat, message_id, _text(text))})
    if event == "unsubscribe":
        return Deliver({"my_chat_member": _blocked(callback, chat)})
    if event == "click":
        item = menu_texts.get(key)
        if item is None:
            return Unsupported(f"menu key {key!r} not in the configured map")
        return Deliver({"message": _message(callback, chat, message_id, _text(item))})
    return Ignored(f"event {event!r}")


def _blocked(callback: Callback, chat: Chat) -> JSON:
    # The bot's own user is unknown to the bridge; the bot reads only the status.
    bot = {"id": 0, "is_bot": True, "first_name": "bot"}
    return {
        "chat": chat.chat(),
        "from": chat.user(),
        "date": callback.create_time,
        "old_chat_member": {"status": "member", "user": bot},
        "new_chat_member": {"status": "kicked", "user": bot, "until_date": 0},
    }
