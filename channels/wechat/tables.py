"""The bridge's own tables: who is who, menu buttons awaiting a tap, seen messages, the queue.

They live in the bot's database and on its metadata (``models.core.base``), so one Alembic
chain creates them and the test databases track them; nothing in ``models`` reads them.

Chat ids: a WeChat user's chat id (and user id) in the Bot API the bridge presents is
``CHAT_ID_BASE + wechat_user.id``. Telegram's ids have at most 52 significant bits (group ids
are negative), so ids from 2**52 up never collide with a Telegram chat, and they stay below
2**53, exact in a JavaScript number (the web chat).

Ids are never reused (SQLite's AUTOINCREMENT; PostgreSQL's sequences never go back): a chat id,
a menu line's id and an update id each name one thing forever, even after rows are deleted.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, LargeBinary
from sqlmodel import Field, SQLModel

from models.core.base import UTCDateTime, utcnow

NEVER_REUSED_IDS = {"sqlite_autoincrement": True}
CHAT_ID_BASE = 2**52
CHAT_ID_LIMIT = 2**53
# The privacy export and erasure (models.settings.privacy) follow the schema: a follower's rows
# are found by ``wechat_user.chat_id`` = the person's chat id. Tables marked as the channel's
# address (how to reach the chat at all, like Telegram's own record of a chat) are kept by
# /deleteme, so its goodbye still arrives; the rows pointing at them (menu lines, documents,
# undeliverable messages) are erased.
ADDRESS = {"info": {"privacy": "address"}}


class WechatUser(SQLModel, table=True):
    """One follower of the Official Account: their openid and the chat id the bot knows."""

    __tablename__ = "wechat_user"
    __table_args__ = {**NEVER_REUSED_IDS, **ADDRESS}

    id: int | None = Field(default=None, primary_key=True)
    openid: str = Field(max_length=64, unique=True)
    # chat_id_of(id), stored so the schema-following privacy operations find the follower.
    chat_id: int | None = Field(default=None, sa_type=BigInteger, unique=True)
    # Message ids in this chat (both directions share it, as in one Telegram chat).
    last_message_id: int = Field(default=0)
    # The start of the 48 h customer-service window (the user's latest message).
    last_inbound_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class WechatMenuButton(SQLModel, table=True):
    """One line of a menu message sent to a user; its id is the ``bizmsgmenuid`` of a tap.

    ``callback_data`` set: an inline button (the tap is a callback query on ``message_id``);
    unset: a reply-keyboard button (the tap is a message with ``text``).
    """

    __tablename__ = "wechat_menu_button"
    __table_args__ = NEVER_REUSED_IDS

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="wechat_user.id", ondelete="CASCADE", index=True)
    text: str = Field(max_length=256)
    callback_data: str | None = Field(default=None, max_length=64)
    message_id: int | None = Field(default=None)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class WechatSeenMessage(SQLModel, table=True):
    """A callback already accepted (``msg:<MsgId>`` or ``event:<openid>:<CreateTime>:<Event>``):
    WeChat retries unanswered callbacks, and a retry must be processed once, across restarts."""

    __tablename__ = "wechat_seen_message"

    key: str = Field(max_length=160, primary_key=True)
    received_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)


class WechatUpdate(SQLModel, table=True):
    """A Bot API update waiting for the bot's ``getUpdates``; its id is the ``update_id``."""

    __tablename__ = "wechat_update"
    __table_args__ = NEVER_REUSED_IDS

    id: int | None = Field(default=None, primary_key=True)
    payload: dict[str, Any] = Field(sa_type=JSON, nullable=False)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


def chat_id_of(user_id: int) -> int:
    """The Bot API chat id of a ``wechat_user`` row id."""
    return CHAT_ID_BASE + user_id


def user_id_of(chat_id: int) -> int | None:
    """The ``wechat_user`` row id behind a Bot API chat id (None: not a WeChat chat)."""
    return chat_id - CHAT_ID_BASE if CHAT_ID_BASE < chat_id < CHAT_ID_LIMIT else None


class WechatWindow(SQLModel, table=True):
    """A customer-service window a follower opened, and how many messages it has carried.

    ``kind`` "message": their latest message (48 h, 5 messages by default); "event": their
    latest follow, menu click or QR scan (1 minute, 3 messages). The quota table is a setting.
    """

    __tablename__ = "wechat_window"
    __table_args__ = ADDRESS  # counters only: kept, so the goodbye of /deleteme is within quota

    user_id: int = Field(foreign_key="wechat_user.id", ondelete="CASCADE", primary_key=True)
    kind: str = Field(max_length=16, primary_key=True)
    opened_at: datetime = Field(sa_type=UTCDateTime)
    used: int = Field(default=0)


class WechatAccessToken(SQLModel, table=True):
    """The account's ``access_token``, shared by every bridge process until shortly before it
    expires (WeChat allows 2000 fetches a day and each fetch invalidates the previous one)."""

    __tablename__ = "wechat_access_token"

    app_id: str = Field(max_length=64, primary_key=True)
    token: str = Field(max_length=512)
    expires_at: datetime = Field(sa_type=UTCDateTime)


class WechatUndelivered(SQLModel, table=True):
    """A message the bot sent that could not go to the follower on WeChat, and why
    (``reason``: WeChat's error code or the bridge's own, e.g. ``45015 out of window``)."""

    __tablename__ = "wechat_undelivered"
    __table_args__ = NEVER_REUSED_IDS

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="wechat_user.id", ondelete="CASCADE", index=True)
    reason: str = Field(max_length=200)
    # What the follower would have read (kept for the delivery report and the template step).
    summary: str = Field(max_length=2000)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class WechatDocument(SQLModel, table=True):
    """A document the bot sent, served by the bridge at a signed, expiring link."""

    __tablename__ = "wechat_document"
    __table_args__ = NEVER_REUSED_IDS

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="wechat_user.id", ondelete="CASCADE", index=True)
    filename: str = Field(max_length=200)
    mime_type: str = Field(max_length=100)
    content: bytes = Field(sa_type=LargeBinary)
    expires_at: datetime = Field(sa_type=UTCDateTime, index=True)
