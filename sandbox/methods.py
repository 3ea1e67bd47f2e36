"""Bot API methods other than sending/editing messages: updates, commands, files, chats."""

from __future__ import annotations

import asyncio
import json
import logging
import re

from sandbox.core import (
    JSON,
    ApiError,
    FileTuple,
    StateBase,
    as_bool,
    as_int,
    bad_request,
    decode_json,
    now_ts,
)

logger = logging.getLogger(__name__)

_COMMAND_RE = re.compile(r"^[a-z0-9_]{1,32}$")
CHAT_ACTIONS = frozenset(
    {
        "typing", "upload_photo", "record_video", "upload_video", "record_voice",
        "upload_voice", "upload_document", "choose_sticker", "find_location",
        "record_video_note", "upload_video_note",
    }
)  # fmt: skip


class MiscMethodsMixin(StateBase):
    """getMe, getUpdates, commands, chat actions, getChat, getFile, callbacks, menu button."""

    async def _m_getme(self, p: JSON, files: dict[str, FileTuple]) -> JSON:
        return {
            **self.bot_user(),
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    async def _m_getupdates(self, p: JSON, files: dict[str, FileTuple]) -> list[JSON]:
        if self.webhook_active():
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        offset = as_int(p.get("offset") or 0, "offset")
        limit = min(max(as_int(p.get("limit") or 100, "limit"), 1), 100)
        timeout = max(float(p.get("timeout") or 0), 0.0)
        if p.get("allowed_updates") is not None:
            allowed = decode_json(p["allowed_updates"])
            self.allowed_updates = list(allowed) if allowed else None
        if offset > 0:  # confirms every update with a smaller id
            while self._updates and self._updates[0]["update_id"] < offset:
                self._updates.popleft()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            pending = list(self._updates)
            if offset < 0:
                pending = pending[offset:]
            if pending or self.closed:
                return pending[:limit]
            remaining = deadline - loop.time()
            if remaining <= 0:
                return []
            self._updates_event.clear()
            try:
                await asyncio.wait_for(self._updates_event.wait(), remaining)
            except TimeoutError:
                return []

    @staticmethod
    def _commands_key(p: JSON) -> str:
        scope = decode_json(p.get("scope")) or {"type": "default"}
        return json.dumps(scope, sort_keys=True) + "|" + str(p.get("language_code") or "")

    async def _m_setmycommands(self, p: JSON, files: dict[str, FileTuple]) -> bool:
        commands = decode_json(p.get("commands"))
        if not isinstance(commands, list):
            raise bad_request("can't parse commands JSON object")
        if len(commands) > 100:
            raise bad_request("too many commands specified")
        for cmd in commands:
            if not isinstance(cmd, dict) or not _COMMAND_RE.match(str(cmd.get("command", ""))):
                raise bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(str(cmd.get("description", ""))) <= 256:
                raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        self.commands[self._commands_key(p)] = commands
        return True

    async def _m_getmycommands(self, p: JSON, files: dict[str, FileTuple]) -> list[JSON]:
        return self.commands.get(self._commands_key(p), [])

    async def _m_deletemycommands(self, p: JSON, files: dict[str, FileTuple]) -> bool:
        self.commands.pop(self._commands_key(p), None)
        return True

    async def _m_sendchataction(self, p: JSON, files: dict[str, FileTuple]) -> bool:
        raw = p.get("chat_id")
        chat = self.get_chat(as_int(raw, "chat_id"))
        if chat.chat_id in self.blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        action = str(p.get("action") or "")
        if action not in CHAT_ACTIONS:
            raise bad_request("wrong parameter action in request")
        chat.actions.append({"action": action, "date": now_ts()})
        return True

    async def _m_getchat(self, p: JSON, files: dict[str, FileTuple]) -> JSON:
        chat = self.get_chat(as_int(p.get("chat_id"), "chat_id"))
        return {
            **chat.info,
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": {
                "unlimited_gifts": False,
                "limited_gifts": False,
                "unique_gifts": False,
                "premium_subscription": False,
                "gifts_from_channels": False,
            },
        }

    async def _m_getfile(self, p: JSON, files: dict[str, FileTuple]) -> JSON:
        stored = self.file_by_id(str(p.get("file_id") or ""))
        if stored is None:
            raise bad_request("invalid file_id")
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": len(stored.data),
            "file_path": stored.file_path,
        }

    async def _m_answercallbackquery(self, p: JSON, files: dict[str, FileTuple]) -> bool:
        query = self.callback_queries.get(str(p.get("callback_query_id") or ""))
        if query is None or query["answered"]:
            raise bad_request(
                "query is too old and response timeout expired or query ID is invalid"
            )
        query["answered"] = True
        answer = {
            "callback_query_id": query["id"],
            "message_id": query["message_id"],
            "data": query["data"],
            "text": p.get("text"),
            "show_alert": as_bool(p.get("show_alert") or False),
            "url": p.get("url"),
            "cache_time": p.get("cache_time"),
        }
        self.answers.setdefault(query["user_id"], []).append(answer)
        self.notify_change()
        return True

    async def _m_setchatmenubutton(self, p: JSON, files: dict[str, FileTuple]) -> bool:
        chat_id = None if p.get("chat_id") in (None, "") else as_int(p["chat_id"], "chat_id")
        if chat_id is not None:
            self.get_chat(chat_id)
        self.menu_buttons[chat_id] = decode_json(p.get("menu_button")) or {"type": "default"}
        return True

    async def _m_getchatmenubutton(self, p: JSON, files: dict[str, FileTuple]) -> JSON:
        chat_id = None if p.get("chat_id") in (None, "") else as_int(p["chat_id"], "chat_id")
        return self.menu_buttons.get(chat_id) or self.menu_buttons.get(None) or {"type": "default"}

    async def _set_bot_setting(self, name: str, p: JSON) -> bool:
        self.bot_settings[f"{name}|{p.get('language_code') or ''}"] = dict(p)
        return True

    async def _m_setmydescription(self, p: JSON, files: dict[str, FileTuple]) -> bool:
        return await self._set_bot_setting("description", p)

    async def _m_setmyshortdescription(self, p: JSON, files: dict[str, FileTuple]) -> bool:
        return await self._set_bot_setting("short_description", p)

    async def _m_setmyname(self, p: JSON, files: dict[str, FileTuple]) -> bool:
        return await self._set_bot_setting("name", p)

    async def _m_close(self, p: JSON, files: dict[str, FileTuple]) -> bool:
        return True

    async def _m_logout(self, p: JSON, files: dict[str, FileTuple]) -> bool:
        return True
