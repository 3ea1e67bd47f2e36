"""What a simulated user sees: the bot's messages, keyboards, answers and chat actions."""

from __future__ import annotations

from sandbox.core import JSON, StateBase


class ChatViewsMixin(StateBase):
    """Read-only views of the chats, as a test or the web chat inspects them."""

    def messages(
        self, chat_id: int, since: int | None = None, include_deleted: bool = False
    ) -> list[JSON]:
        """Snapshots of the bot's messages in a chat (current content), oldest first.

        Each record is a fresh dict (text, caption, kind, edited, deleted, history, ...);
        nested ``reply_markup``/``file`` dicts are shared with the sandbox: treat as read-only.

        ``since`` keeps only messages with a larger message_id (cheap: scans from the end).
        """
        chat = self.chats.get(chat_id)
        if chat is None:
            return []
        found: list[JSON] = []
        for rec in reversed(chat.messages.values()):
            if since is not None and rec["message_id"] <= since:
                break
            if rec["from_bot"] and (include_deleted or not rec["deleted"]):
                found.append(_copy(rec))
        found.reverse()
        return found

    def conversation(self, chat_id: int, limit: int | None = None) -> list[JSON]:
        """Both sides of a chat, oldest first, deleted messages left out (at most ``limit``).

        Bot records look like those of :meth:`messages`; a user's record has ``from_bot``
        False and the Telegram ``Message`` dict under ``message``.
        """
        chat = self.chats.get(chat_id)
        if chat is None:
            return []
        found: list[JSON] = []
        for rec in reversed(chat.messages.values()):
            if limit is not None and len(found) >= limit:
                break
            if not rec["deleted"]:
                found.append(_copy(rec))
        found.reverse()
        return found

    def last_message_id(self, chat_id: int) -> int:
        """Highest message_id used in a chat so far (bot or user), 0 if none; O(1)."""
        chat = self.chats.get(chat_id)
        return 0 if chat is None else chat.next_message_id - 1

    def last_message(self, chat_id: int) -> JSON | None:
        """The bot's latest non-deleted message in a chat, or None."""
        chat = self.chats.get(chat_id)
        for rec in reversed(chat.messages.values()) if chat else ():
            if rec["from_bot"] and not rec["deleted"]:
                return _copy(rec)
        return None

    def reply_keyboard_buttons(self, chat_id: int) -> list[list[JSON]] | None:
        """The current reply keyboard as button dicts (``request_contact`` kept)."""
        chat = self.chats.get(chat_id)
        if chat is None or chat.reply_keyboard is None:
            return None
        return [[dict(button) for button in row] for row in chat.reply_keyboard]

    def reply_keyboard(self, chat_id: int) -> list[list[str]] | None:
        """Labels of the current reply keyboard, or None when there is none."""
        rows = self.reply_keyboard_buttons(chat_id)
        return None if rows is None else [[b["text"] for b in row] for row in rows]

    def callback_answers(self, user_id: int) -> list[JSON]:
        """answerCallbackQuery calls made for this user's taps, oldest first."""
        return list(self.answers.get(user_id, []))

    def chat_actions(self, chat_id: int) -> list[str]:
        """Chat actions (e.g. 'typing') the bot sent to a chat."""
        chat = self.chats.get(chat_id)
        return [a["action"] for a in chat.actions] if chat else []

    async def wait_for_messages(
        self,
        chat_id: int,
        count: int = 1,
        since: int | None = None,
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> list[JSON]:
        """Wait until at least ``count`` bot messages after ``since`` exist; TimeoutError if not."""
        if not await self.wait_until(lambda: len(self.messages(chat_id, since)) >= count, timeout):
            got = self.messages(chat_id, since)
            raise TimeoutError(f"chat {chat_id}: wanted {count} bot messages, got {len(got)}")
        return self.messages(chat_id, since)


def _copy(rec: JSON) -> JSON:
    """Snapshot of a message record: new top-level dict and history list."""
    out = dict(rec)
    out["history"] = list(rec.get("history", ()))
    return out
