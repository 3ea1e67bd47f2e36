"""The Bot API's sending methods, answered for WeChat chats (``botapi`` routes them here).

Each send becomes a ``Piece`` held by ``Outbound`` and is answered at once with the Bot API
``Message`` python-telegram-bot expects (its ``message_id`` from the chat's counter). An edit
is a new message; an edit that only removes buttons, a deletion, a chat action and the start-up
settings (commands, menu button, descriptions) are accepted and send nothing; a callback answer
sends its text, if any, as a message (on Telegram a toast: often why a tap did nothing). A photo
or voice note is uploaded as temporary media, or named by a file id the bridge gave (``wx:``, a
WeChat media: ``media``); a document becomes a signed, expiring link (``documents``). A photo,
voice note or document named by another channel's file id (a Telegram mediator's voice note)
cannot be fetched: its caption and buttons go with the line ``foreign_media_note`` in its place,
and the media is recorded as not delivered.

An outbox send (its ``tongxin_*`` parameters, ``templates.proactive_of``) that can go neither
by customer service nor by template is answered 403 "Forbidden: not deliverable now: <why>"
(the outbox: unreachable, for this message only), or "bot was blocked by the user" when the
follower unfollowed; 502 when WeChat did not answer (the outbox retries).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from channels.wechat.api import WechatApi, WechatApiError
from channels.wechat.documents import link_signature
from channels.wechat.inbound import chat_of_query
from channels.wechat.media import file_id_of, media_id_of, unique_id_of
from channels.wechat.outbound import NotDeliverable, Outbound
from channels.wechat.pieces import Outgoing, Piece, buttons_of
from channels.wechat.store import next_message_id
from channels.wechat.tables import WechatDocument, user_id_of
from channels.wechat.templates import proactive_of
from models.core.base import row_id

logger = logging.getLogger(__name__)

ACCEPTED = frozenset(
    {
        "setmycommands",
        "deletemycommands",
        "setchatmenubutton",
        "setmydescription",
        "setmyshortdescription",
        "setmyname",
        "sendchataction",
        "deletemessage",
        "deletemessages",
        "setmessagereaction",
        "unpinchatmessage",
        "pinchatmessage",
    }
)


NOT_DELIVERABLE = "Forbidden: not deliverable now"  # jobs.outcomes: unreachable, this message
BLOCKED = "Forbidden: bot was blocked by the user"


class BotApiError(Exception):
    """A call the Bot API would refuse (``code``, 400 by default, with Telegram's description)."""

    def __init__(self, description: str, code: int = 400) -> None:
        super().__init__(description)
        self.code = code


class Sends:
    """Turns the bot's sends into held pieces; ``Outbound`` delivers them."""

    def __init__(
        self,
        *,
        sessions: async_sessionmaker[AsyncSession],
        outbound: Outbound,
        api: WechatApi,
        bot: dict[str, Any],
        link_key: str,
        public_url: str,
        file_path: str,
        download_seconds: int,
        clock: Any,
        foreign_media_note: str = "",
    ) -> None:
        self._sessions = sessions
        self._outbound = outbound
        self._api = api
        self._bot = bot
        self._link_key = link_key
        self._public = public_url.rstrip("/") + file_path
        self._download = timedelta(seconds=download_seconds)
        self._clock = clock
        self._foreign_note = foreign_media_note

    async def call(self, method: str, params: dict[str, Any]) -> Any:
        """Answer one Bot API method for a WeChat chat."""
        if method in ACCEPTED:
            return True
        if method == "answercallbackquery":
            return await self._answer_query(params)
        if method == "getchat":
            chat_id = self._chat(params)
            return {"id": chat_id, "type": "private", "first_name": "微信用户"}
        chat_id = self._chat(params)
        buttons = buttons_of(params.get("reply_markup"))
        if method == "editmessagereplymarkup":
            if not buttons:
                return True  # only removes buttons: WeChat cannot take a message back
            # New buttons under the same message: their taps still name that message.
            await self._hold_piece(chat_id, Piece(_int(params.get("message_id")), "", buttons))
            return True
        if method in ("editmessagetext", "editmessagecaption"):
            text = str(params.get("text") or params.get("caption") or "")
            message_id = _int(params.get("message_id"))
            await self._hold_piece(chat_id, Piece(message_id, text, buttons))
            return self._message(chat_id, message_id, text=text)
        if method == "sendmessage":
            text = str(params.get("text", ""))
            piece = Piece(0, text, buttons, proactive=proactive_of(params))
            return await self._hold(chat_id, piece, text=text)
        if method in ("sendphoto", "sendvoice"):
            return await self._media(chat_id, params, buttons, method.removeprefix("send"))
        if method == "senddocument":
            return await self._document(chat_id, params, buttons)
        raise BotApiError(f"Bad Request: method {method} is not available on WeChat")

    async def _answer_query(self, params: dict[str, Any]) -> bool:
        # A callback answer's text (a toast or an alert on Telegram, often why a tap did
        # nothing) would be lost on WeChat: it goes to the chat as a line of its own.
        text = str(params.get("text") or "")
        chat_id = chat_of_query(str(params.get("callback_query_id", "")))
        if text and chat_id is not None and user_id_of(chat_id) is not None:
            await self._hold(chat_id, Piece(0, text))
        return True

    def _chat(self, params: dict[str, Any]) -> int:
        chat_id = _int(params.get("chat_id"))
        if user_id_of(chat_id) is None:
            raise BotApiError("Bad Request: chat not found")
        return chat_id

    async def _new_id(self, chat_id: int) -> int:
        user_id = user_id_of(chat_id)
        assert user_id is not None  # checked by _chat
        async with self._sessions() as session, session.begin():
            return await next_message_id(session, user_id)

    async def _hold_piece(self, chat_id: int, piece: Piece) -> None:
        self._outbound.add(chat_id, piece)

    async def _hold(self, chat_id: int, piece: Piece, **content: Any) -> dict[str, Any]:
        piece.message_id = await self._new_id(chat_id)
        if piece.proactive is None:
            self._outbound.add(chat_id, piece)
            return self._message(chat_id, piece.message_id, **content)
        try:
            await self._outbound.send_proactive(chat_id, piece)
        except NotDeliverable as exc:
            if exc.transient:
                raise BotApiError(f"Bad Gateway: {exc}", 502) from None
            raise BotApiError(
                BLOCKED if exc.blocked else f"{NOT_DELIVERABLE}: {exc}", 403
            ) from None
        return self._message(chat_id, piece.message_id, **content)

    def _message(self, chat_id: int, message_id: int, **content: Any) -> dict[str, Any]:
        return {
            "message_id": message_id,
            "from": self._bot,
            "chat": {"id": chat_id, "type": "private", "first_name": "微信用户"},
            "date": int(self._clock().timestamp()),
            **{k: v for k, v in content.items() if v},
        }

    async def _media(
        self, chat_id: int, params: dict[str, Any], buttons: list[Any], field: str
    ) -> dict[str, Any]:
        given = params.get(field)
        caption = str(params.get("caption", ""))
        kind = "image" if field == "photo" else "voice"
        if isinstance(given, web.FileField):
            try:
                media_id = await self._api.upload(kind, given.filename, given.file.read())
            except WechatApiError as exc:
                why = f"Bad Request: the {field} could not be uploaded ({exc})"
                raise BotApiError(why) from None
        elif isinstance(given, str) and given:
            found = media_id_of(given)  # a file id this bridge gave: WeChat keeps it three days
            if found is None:
                return await self._foreign(chat_id, params, buttons, field)
            media_id = found
        else:
            raise BotApiError(f"Bad Request: there is no {field} in the request")
        info = {"file_id": file_id_of(media_id), "file_unique_id": unique_id_of(media_id)}
        if field == "photo":
            content: dict[str, Any] = {"photo": [{**info, "width": 0, "height": 0}]}
        else:
            content = {"voice": {**info, "duration": 0}}
        piece = Piece(
            0, caption, buttons, media_id=media_id, media_type=kind, proactive=proactive_of(params)
        )
        return await self._hold(chat_id, piece, caption=caption, **content)

    async def _foreign(
        self, chat_id: int, params: dict[str, Any], buttons: list[Any], field: str
    ) -> dict[str, Any]:
        """Media named by another channel's file id: its words go, the media is recorded."""
        caption = str(params.get("caption", ""))
        text = "\n\n".join(part for part in (caption, self._foreign_note) if part)
        user_id = user_id_of(chat_id)
        assert user_id is not None  # checked by _chat
        lost = Outgoing(text=f"[{field}] {caption}".strip())
        reason = f"a {field} from another channel (not a WeChat media): only its words went"
        await self._outbound.record_undelivered(user_id, lost, reason)
        given = str(params.get(field, ""))
        info: dict[str, Any] = {"file_id": given, "file_unique_id": unique_id_of(given)}
        if field == "photo":
            content: dict[str, Any] = {"photo": [{**info, "width": 0, "height": 0}]}
        else:
            content = {field: {**info, "duration": 0} if field == "voice" else info}
        piece = Piece(0, text, buttons, proactive=proactive_of(params))
        return await self._hold(chat_id, piece, caption=caption, **content)

    async def _document(
        self, chat_id: int, params: dict[str, Any], buttons: list[Any]
    ) -> dict[str, Any]:
        document = params.get("document")
        caption = str(params.get("caption", ""))
        if isinstance(document, str) and document:
            return await self._foreign(chat_id, params, buttons, "document")
        if not isinstance(document, web.FileField):
            raise BotApiError("Bad Request: there is no document in the request")
        user_id = user_id_of(chat_id)
        assert user_id is not None
        name = document.filename or "document"
        expires = self._clock() + self._download
        async with self._sessions() as session, session.begin():
            row = WechatDocument(
                user_id=user_id,
                filename=name[:200],
                mime_type=(document.content_type or "application/octet-stream")[:100],
                content=document.file.read(),
                expires_at=expires,
            )
            session.add(row)
            await session.flush()
            doc_id = row_id(row)
        link = self.link(doc_id, expires)
        text = "\n".join(part for part in (caption, f"📄 {name}\n{link}") if part)
        info = {"file_id": f"wxdoc{doc_id}", "file_unique_id": f"wxdoc{doc_id}", "file_name": name}
        piece = Piece(0, text, buttons, proactive=proactive_of(params))
        return await self._hold(chat_id, piece, document=info, caption=caption)

    def link(self, document_id: int, expires: datetime) -> str:
        """The signed, expiring download link of a stored document."""
        stamp = int(expires.timestamp())
        signature = link_signature(self._link_key, document_id, stamp)
        return f"{self._public}/{document_id}?e={stamp}&s={signature}"


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0
