"""Simulated Telegram users: who they are and what they do (their actions become Updates)."""

from __future__ import annotations

from typing import Any

from sandbox.core import JSON, ChatState, now_ts, utf16_len
from sandbox.groups import GroupsMixin

_KEEP = "\x00keep"


class UsersMixin(GroupsMixin):
    """Registers users and turns their actions into Telegram-exact updates (in their groups
    too: see the groups mixin)."""

    # -- registration -----------------------------------------------------------------------
    def user(
        self,
        user_id: int,
        first_name: str | None = None,
        language_code: str | None = _KEEP,
        username: str | None = None,
        phone_number: str | None = None,
    ) -> JSON:
        """Register (or update and return) a user; this also opens the private chat."""
        user = self.users.get(user_id)
        if user is None:
            user = {"id": user_id, "is_bot": False, "first_name": first_name or f"User{user_id}"}
            if language_code == _KEEP:
                language_code = "zh-hans"
            self.users[user_id] = user
            self.phones[user_id] = phone_number or f"+86138{user_id % 100_000_000:08d}"
        if first_name:
            user["first_name"] = first_name
        if language_code != _KEEP:
            if language_code is None:
                user.pop("language_code", None)
            else:
                user["language_code"] = language_code
        if username:
            user["username"] = username
        if phone_number:
            self.phones[user_id] = phone_number
        info: JSON = {"id": user_id, "type": "private", "first_name": user["first_name"]}
        if "username" in user:
            info["username"] = user["username"]
        chat = self.chats.get(user_id)
        if chat is None:
            self.chats[user_id] = ChatState(chat_id=user_id, info=info)
        else:
            chat.info = info
        return user

    def block(self, user_id: int) -> None:
        """Make every send to this user fail with 403 until :meth:`unblock`."""
        self.blocked.add(user_id)

    def unblock(self, user_id: int) -> None:
        """Undo :meth:`block`."""
        self.blocked.discard(user_id)

    # -- user actions -----------------------------------------------------------------------
    def _user_message(self, user_id: int, chat_id: int | None, content: JSON) -> JSON:
        user = self.users.get(user_id) or self.user(user_id)
        chat = self.get_user_chat(user_id, chat_id)
        msg: JSON = {
            "message_id": chat.next_message_id,
            "from": dict(user),
            "chat": chat.info,
            "date": now_ts(),
            **content,
        }
        chat.next_message_id += 1
        chat.messages[msg["message_id"]] = {
            "message_id": msg["message_id"],
            "chat_id": chat.chat_id,
            "from_bot": False,
            "deleted": False,
            "message": msg,
        }
        return self.emit({"message": msg})

    def get_user_chat(self, user_id: int, chat_id: int | None) -> ChatState:
        """The chat a user acts in: their private chat unless a group id is given."""
        target = user_id if chat_id is None else chat_id
        chat = self.chats.get(target)
        if chat is None:
            raise ValueError(f"unknown chat {target}")
        return chat

    def send_text(self, user_id: int, text: str, chat_id: int | None = None) -> JSON:
        """The user sends a text message; a leading /command gets a bot_command entity."""
        content: JSON = {"text": text}
        if text.startswith("/"):
            command = text.split(maxsplit=1)[0]
            content["entities"] = [
                {"type": "bot_command", "offset": 0, "length": utf16_len(command)}
            ]
        return self._user_message(user_id, chat_id, content)

    def press(self, user_id: int, label: str, chat_id: int | None = None) -> JSON:
        """The user presses a reply-keyboard button (a request_contact button shares contact)."""
        chat = self.get_user_chat(user_id, chat_id)
        for row in chat.reply_keyboard or []:
            for button in row:
                if button.get("text") == label:
                    if button.get("request_contact"):
                        return self.share_contact(user_id, chat_id=chat_id)
                    return self.send_text(user_id, label, chat_id)
        raise ValueError(f"no reply keyboard button {label!r} in chat {chat.chat_id}")

    def share_contact(
        self, user_id: int, phone_number: str | None = None, chat_id: int | None = None
    ) -> JSON:
        """The user shares their own contact (as after tapping a request_contact button)."""
        user = self.users.get(user_id) or self.user(user_id)
        contact = {
            "phone_number": phone_number or self.phones[user_id],
            "first_name": user["first_name"],
            "user_id": user_id,
        }
        return self._user_message(user_id, chat_id, {"contact": contact})

    def _file_dict(self, kind: str, data: bytes, name: str | None, mime: str | None) -> JSON:
        stored = self.store_file(kind, data, name, mime)
        out: JSON = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": len(data),
        }
        if mime:
            out["mime_type"] = mime
        if name:
            out["file_name"] = name
        return out

    def send_voice(self, user_id: int, data: bytes = b"OggS-fake", duration: int = 3) -> JSON:
        """The user records a voice message."""
        voice = self._file_dict("voice", data, None, "audio/ogg")
        return self._user_message(user_id, None, {"voice": {**voice, "duration": duration}})

    def send_photo(
        self, user_id: int, data: bytes = b"\xff\xd8\xff-fake", caption: str = ""
    ) -> JSON:
        """The user sends a photo (two sizes, like Telegram)."""
        big = self._file_dict("photo", data, None, None)
        small = {**big, "file_size": len(data)}
        content: JSON = {
            "photo": [{**small, "width": 90, "height": 90}, {**big, "width": 800, "height": 800}]
        }
        if caption:
            content["caption"] = caption
        return self._user_message(user_id, None, content)

    def send_document(
        self, user_id: int, data: bytes, file_name: str, mime_type: str = "application/pdf"
    ) -> JSON:
        """The user sends a file."""
        doc = self._file_dict("document", data, file_name, mime_type)
        return self._user_message(user_id, None, {"document": doc})

    def send_sticker(self, user_id: int, emoji: str = "👍") -> JSON:
        """The user sends a sticker."""
        sticker = self._file_dict("sticker", b"RIFF-fake-webp", None, None)
        sticker.update(type="regular", width=512, height=512, is_animated=False, is_video=False)
        sticker["emoji"] = emoji
        return self._user_message(user_id, None, {"sticker": sticker})

    def tap(
        self, user_id: int, message_id: int | None, callback_data: str, chat_id: int | None = None
    ) -> JSON:
        """The user taps an inline button; ``message_id`` None = latest message having it."""
        chat = self.get_user_chat(user_id, chat_id)
        rec = self._find_button_message(
            chat, message_id, lambda b: b.get("callback_data") == callback_data
        )
        user = self.users.get(user_id) or self.user(user_id)
        query_id = str(4_000_000_000_000 + self.next_id())
        self.callback_queries[query_id] = {
            "id": query_id,
            "user_id": user_id,
            "message_id": rec["message_id"],
            "data": callback_data,
            "answered": False,
        }
        query = {
            "id": query_id,
            "from": dict(user),
            "message": self.tg_message(rec),
            "chat_instance": str(-(abs(chat.chat_id) * 7919 + 13)),
            "data": callback_data,
        }
        return self.emit({"callback_query": query})

    def tap_label(
        self, user_id: int, message_id: int | None, text: str, chat_id: int | None = None
    ) -> JSON:
        """Tap the inline button labelled ``text`` (it must carry callback_data)."""
        chat = self.get_user_chat(user_id, chat_id)
        rec = self._find_button_message(
            chat, message_id, lambda b: b.get("text") == text and "callback_data" in b
        )
        for row in self.inline_buttons(rec):
            for button in row:
                if button.get("text") == text and "callback_data" in button:
                    return self.tap(user_id, rec["message_id"], button["callback_data"], chat_id)
        raise ValueError(f"no inline button {text!r}")  # pragma: no cover

    @staticmethod
    def inline_buttons(message: JSON) -> list[list[JSON]]:
        """Inline keyboard rows of a message record or Telegram Message dict ([] if none)."""
        markup = message.get("reply_markup") or {}
        rows = markup.get("inline_keyboard") if isinstance(markup, dict) else None
        return list(rows or [])

    def _find_button_message(self, chat: ChatState, message_id: int | None, match: Any) -> JSON:
        if message_id is None:
            candidates = [r for r in reversed(chat.messages.values()) if r["from_bot"]]
        else:
            rec = chat.messages.get(message_id)
            candidates = [rec] if rec is not None and rec["from_bot"] else []
        for rec in candidates:
            if rec["deleted"]:
                continue
            if any(match(b) for row in self.inline_buttons(rec) for b in row):
                return rec
        raise ValueError(f"no such inline button in message {message_id} of chat {chat.chat_id}")
