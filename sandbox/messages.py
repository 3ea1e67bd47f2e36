"""The bot's messages in the emulator: how they are stored and shown, sent, edited, deleted."""

from __future__ import annotations

from sandbox.core import (
    JSON,
    ApiError,
    ChatState,
    FileTuple,
    StateBase,
    StoredFile,
    as_int,
    bad_request,
    now_ts,
)
from sandbox.validation import NOT_MODIFIED, check_text, parse_markup


class MessagesMixin(StateBase):
    """Keeps the bot's message records and implements the send*, edit* and delete methods."""

    # -- message records --------------------------------------------------------------------
    def _target(self, params: JSON, *, check_blocked: bool = True) -> ChatState:
        raw = params.get("chat_id")
        if isinstance(raw, str) and raw.startswith("@"):
            for chat in self.chats.values():
                if chat.info.get("username") == raw[1:]:
                    return chat
            raise bad_request("chat not found")
        chat = self.get_chat(as_int(raw, "chat_id"))
        if check_blocked and chat.chat_id in self.blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        return chat

    def _record(self, params: JSON, action: str) -> tuple[ChatState, JSON]:
        if params.get("inline_message_id"):
            raise bad_request(f"message to {action} not found")
        chat = self._target(params, check_blocked=action == "edit")
        message_id = as_int(params.get("message_id"), "message identifier")
        rec = chat.messages.get(message_id)
        if rec is None or rec["deleted"]:
            raise bad_request(f"message to {action} not found")
        if action == "edit" and not rec["from_bot"]:
            raise bad_request("message can't be edited")
        return chat, rec

    def tg_message(self, rec: JSON) -> JSON:
        """Telegram ``Message`` dict for a stored bot message record."""
        chat = self.chats[rec["chat_id"]]
        msg: JSON = {
            "message_id": rec["message_id"],
            "from": self.bot_user(),
            "chat": chat.info,
            "date": rec["date"],
        }
        if rec["edit_date"]:
            msg["edit_date"] = rec["edit_date"]
        info = rec["file"]
        if rec["kind"] == "text":
            msg["text"] = rec["text"]
        elif rec["kind"] == "photo":
            msg["photo"] = [
                {"file_id": info["file_id"], "file_unique_id": info["file_unique_id"],
                 "width": 800, "height": 600, "file_size": info["file_size"]}
            ]  # fmt: skip
        else:
            media = {k: info[k] for k in ("file_id", "file_unique_id", "file_size")}
            if rec["kind"] == "document":
                media.update(file_name=info["file_name"], mime_type=info["mime_type"])
            else:
                media.update(duration=info.get("duration", 1), mime_type=info["mime_type"])
            msg[rec["kind"]] = media
        if rec["caption"]:
            msg["caption"] = rec["caption"]
        markup = rec["reply_markup"]
        if markup and "inline_keyboard" in markup:
            msg["reply_markup"] = markup
        return msg

    def _store_bot_message(
        self, chat: ChatState, kind: str, params: JSON, file: StoredFile | None = None
    ) -> JSON:
        markup = parse_markup(params.get("reply_markup"))
        text = params.get("text") if kind == "text" else None
        caption = params.get("caption") if kind != "text" else None
        rec: JSON = {
            "message_id": chat.next_message_id,
            "chat_id": chat.chat_id,
            "date": now_ts(),
            "kind": kind,
            "text": None if text is None else str(text),
            "caption": None if caption is None else str(caption),
            "parse_mode": params.get("parse_mode"),
            "reply_markup": markup,
            "file": None,
            "edited": 0,
            "edit_date": None,
            "deleted": False,
            "history": [],
            "from_bot": True,
        }
        if file is not None:
            rec["file"] = {
                "file_id": file.file_id,
                "file_unique_id": file.file_unique_id,
                "file_name": file.file_name,
                "mime_type": file.mime_type,
                "file_size": len(file.data),
                "bytes": file.data,
                "url": file.url,
            }
            if kind == "voice":
                rec["file"]["duration"] = as_int(params.get("duration") or 1, "duration")
        chat.next_message_id += 1
        chat.messages[rec["message_id"]] = rec
        if markup is not None:
            if "keyboard" in markup:
                chat.reply_keyboard = [
                    [b if isinstance(b, dict) else {"text": b} for b in row]
                    for row in markup["keyboard"]
                ]
            elif markup.get("remove_keyboard"):
                chat.reply_keyboard = None
        self.notify_change()
        return rec

    def _input_file(
        self, params: JSON, files: dict[str, FileTuple], field: str, default_mime: str | None
    ) -> StoredFile:
        value = params.get(field)
        upload = files.get(field)
        if upload is None and isinstance(value, str) and value.startswith("attach://"):
            upload = files.get(value[len("attach://") :])
            if upload is None:
                raise bad_request("wrong file identifier/HTTP URL specified")
        if upload is not None:
            name, data, mime = upload
            real_mime = default_mime if field in ("photo", "voice") else mime
            return self.store_file(field, data, name or None, real_mime or default_mime)
        if not isinstance(value, str) or not value:
            raise bad_request(f"there is no {field} in the request")
        if value.startswith(("http://", "https://")):
            url_name = value.rstrip("/").rsplit("/", 1)[-1] or None
            return self.store_file(field, b"", url_name, default_mime, url=value)
        known = self.file_by_id(value)
        if known is None:
            raise bad_request("wrong file identifier/HTTP URL specified")
        return known

    # -- sending methods --------------------------------------------------------------------
    async def _m_sendmessage(self, p: JSON, files: dict[str, FileTuple]) -> JSON:
        chat = self._target(p)
        check_text(str(p.get("text") or ""))
        return self.tg_message(self._store_bot_message(chat, "text", p))

    async def _send_media(
        self, p: JSON, files: dict[str, FileTuple], kind: str, mime: str | None
    ) -> JSON:
        chat = self._target(p)
        check_text(str(p.get("caption") or ""), caption=True)
        parse_markup(p.get("reply_markup"))
        stored = self._input_file(p, files, kind, mime)
        return self.tg_message(self._store_bot_message(chat, kind, p, stored))

    async def _m_sendphoto(self, p: JSON, files: dict[str, FileTuple]) -> JSON:
        return await self._send_media(p, files, "photo", "image/jpeg")

    async def _m_senddocument(self, p: JSON, files: dict[str, FileTuple]) -> JSON:
        return await self._send_media(p, files, "document", None)

    async def _m_sendvoice(self, p: JSON, files: dict[str, FileTuple]) -> JSON:
        return await self._send_media(p, files, "voice", "audio/ogg")

    async def _m_editmessagetext(self, p: JSON, files: dict[str, FileTuple]) -> JSON:
        _, rec = self._record(p, "edit")
        if rec["kind"] != "text":
            raise bad_request("there is no text in the message to edit")
        text = str(p.get("text") or "")
        check_text(text)
        markup = parse_markup(p.get("reply_markup"))
        parse_mode = p.get("parse_mode")
        if (text, markup, parse_mode) == (rec["text"], rec["reply_markup"], rec["parse_mode"]):
            raise bad_request(NOT_MODIFIED)
        rec["history"].append(rec["text"])
        rec.update(text=text, reply_markup=markup, parse_mode=parse_mode)
        return self._edited(rec)

    async def _m_editmessagecaption(self, p: JSON, files: dict[str, FileTuple]) -> JSON:
        _, rec = self._record(p, "edit")
        caption = p.get("caption")
        check_text(str(caption or ""), caption=True)
        markup = parse_markup(p.get("reply_markup"))
        if (caption, markup) == (rec["caption"], rec["reply_markup"]):
            raise bad_request(NOT_MODIFIED)
        rec["history"].append(rec["caption"])
        rec.update(caption=caption, reply_markup=markup, parse_mode=p.get("parse_mode"))
        return self._edited(rec)

    async def _m_editmessagereplymarkup(self, p: JSON, files: dict[str, FileTuple]) -> JSON:
        _, rec = self._record(p, "edit")
        markup = parse_markup(p.get("reply_markup"))
        if markup == rec["reply_markup"]:
            raise bad_request(NOT_MODIFIED)
        rec["reply_markup"] = markup
        return self._edited(rec)

    def _edited(self, rec: JSON) -> JSON:
        rec["edited"] += 1
        rec["edit_date"] = now_ts()
        self.notify_change()
        return self.tg_message(rec)

    async def _m_deletemessage(self, p: JSON, files: dict[str, FileTuple]) -> bool:
        _, rec = self._record(p, "delete")
        rec["deleted"] = True
        self.notify_change()
        return True
