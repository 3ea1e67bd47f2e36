"""Group chats and channels in the emulator: the bot added or removed, channel posts, edits.

A user's messages in a group go through the users mixin with ``chat_id`` set (``send_text(user,
text, chat_id=group)``); here are the updates only groups and channels make, and edits.
"""

from __future__ import annotations

from sandbox.core import JSON, ChatState, StateBase, now_ts, utf16_len

GROUP_KINDS = frozenset({"group", "supergroup", "channel"})
# The bot's statuses in a chat (ChatMember.status); "left" and "kicked" mean it is not in it.
BOT_STATUSES = frozenset({"member", "administrator", "left", "kicked"})


class GroupsMixin(StateBase):
    """Registers groups and channels and makes their updates, exactly as Telegram shapes them."""

    def group(self, chat_id: int, title: str = "Group", kind: str = "group") -> JSON:
        """Register a group, supergroup or channel (negative id) so the bot can post to it."""
        if chat_id >= 0:
            raise ValueError("group chat ids are negative")
        if kind not in GROUP_KINDS:
            raise ValueError(f"unknown chat type {kind!r}")
        info: JSON = {"id": chat_id, "type": kind, "title": title}
        self.chats.setdefault(chat_id, ChatState(chat_id=chat_id, info=info))
        return self.chats[chat_id].info

    def bot_status(self, chat_id: int) -> str:
        """The bot's member status in a chat ("left" when it was never added)."""
        return self.bot_statuses.get(chat_id, "left")

    def set_bot_status(self, chat_id: int, status: str, by_user: int) -> JSON:
        """``by_user`` changes the bot's status in a group (adds it: "member", removes it: "left"
        or "kicked"); Telegram tells the bot with a ``my_chat_member`` update."""
        if status not in BOT_STATUSES:
            raise ValueError(f"unknown bot status {status!r}")
        chat, user = self.get_chat(chat_id), self._registered(by_user)
        old = self.bot_status(chat_id)
        self.bot_statuses[chat_id] = status
        changed: JSON = {
            "chat": chat.info,
            "from": dict(user),
            "date": now_ts(),
            "old_chat_member": self._bot_member(old),
            "new_chat_member": self._bot_member(status),
        }
        return self.emit({"my_chat_member": changed})

    def _registered(self, user_id: int) -> JSON:
        user = self.users.get(user_id)
        if user is None:
            raise ValueError(f"unknown user {user_id}: register them with user() first")
        return user

    def _bot_member(self, status: str) -> JSON:
        member: JSON = {"status": status, "user": self.bot_user()}
        if status == "kicked":
            member["until_date"] = 0
        if status == "administrator":
            member.update(
                can_be_edited=False, is_anonymous=False, can_manage_chat=True,
                can_delete_messages=False, can_manage_video_chats=False,
                can_restrict_members=False, can_promote_members=False, can_change_info=False,
                can_invite_users=True, can_post_stories=False, can_edit_stories=False,
                can_delete_stories=False,
            )  # fmt: skip
        return member

    def edit_text(
        self, user_id: int, message_id: int, text: str, chat_id: int | None = None
    ) -> JSON:
        """The user edits the text of one of their messages (an ``edited_message`` update)."""
        chat = self.get_chat(user_id if chat_id is None else chat_id)
        rec = chat.messages.get(message_id)
        if rec is None or rec["from_bot"] or rec["message"]["from"]["id"] != user_id:
            raise ValueError(f"user {user_id} sent no message {message_id} in chat {chat.chat_id}")
        msg: JSON = {**rec["message"], "text": text, "edit_date": now_ts()}
        msg.pop("entities", None)
        if text.startswith("/"):
            length = utf16_len(text.split(maxsplit=1)[0])
            msg["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
        rec["message"] = msg
        return self.emit({"edited_message": msg})

    def channel_post(self, chat_id: int, text: str) -> JSON:
        """A post in a channel (signed by the channel, no user behind it)."""
        chat = self.get_chat(chat_id)
        if chat.info.get("type") != "channel":
            raise ValueError(f"chat {chat_id} is not a channel")
        msg: JSON = {
            "message_id": chat.next_message_id,
            "sender_chat": chat.info,
            "chat": chat.info,
            "date": now_ts(),
            "text": text,
        }
        chat.next_message_id += 1
        chat.messages[msg["message_id"]] = {
            "message_id": msg["message_id"],
            "chat_id": chat_id,
            "from_bot": False,
            "deleted": False,
            "message": msg,
        }
        return self.emit({"channel_post": msg})
