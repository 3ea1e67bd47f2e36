"""WeChat's state as the emulator keeps it: followers, their windows and what they received.

The rules are WeChat's (its defaults, not the bridge's settings): a follower's message opens a
48 h customer-service window carrying 5 messages; a follow, a menu click or a QR scan one of a
minute carrying 3. Each new act opens its kind's window afresh. A send takes the newest open
window that has room: none open is 45015, all open ones full is 45047.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

Clock = Callable[[], datetime]

# WeChat's return codes (errcode, errmsg) as its API answers them.
OK = (0, "ok")
INVALID_CREDENTIAL = (40001, "invalid credential, access_token is invalid or not latest")
INVALID_OPENID = (40003, "invalid openid")
INVALID_MEDIA = (40007, "invalid media_id")
INVALID_APPID = (40013, "invalid appid")
INVALID_TEMPLATE = (40037, "invalid template_id")
INVALID_SECRET = (40125, "invalid appsecret")
MISSING_TOKEN = (41001, "access_token missing")
EXPIRED_TOKEN = (42001, "access_token expired")
REQUIRE_SUBSCRIBE = (43004, "require subscribe")
DATA_FORMAT = (47001, "data format error")
OUT_OF_TIME = (45015, "response out of time limit or subscription is canceled")
OUT_OF_QUOTA = (45047, "out of response count limit")

TOKEN_SECONDS = 7200
OLD_TOKEN_GRACE = timedelta(minutes=5)  # WeChat keeps the previous token valid this long
WECHAT_QUOTA = {"message": (48 * 3600, 5), "event": (60, 3)}
MESSAGE_TYPES = ("text", "image", "voice", "msgmenu")
CONTENT_TYPES = {"image": "image/jpeg", "voice": "audio/amr"}


def _now() -> datetime:
    return datetime.now(UTC)


class WechatError(Exception):
    """An API call WeChat refuses: its ``errcode`` and ``errmsg``."""

    def __init__(self, code: tuple[int, str]) -> None:
        super().__init__(f"{code[0]} {code[1]}")
        self.errcode, self.errmsg = code


@dataclass
class Window:
    """One open customer-service window: when, how long, how many, how many used."""

    kind: str
    opened_at: datetime
    seconds: int
    limit: int
    used: int = 0

    def open_at(self, now: datetime) -> bool:
        """Whether the window is still open."""
        return now < self.opened_at + timedelta(seconds=self.seconds)


@dataclass
class Follower:
    """One WeChat user of the account: following or not, windows, inbox."""

    openid: str
    following: bool = False
    windows: dict[str, Window] = field(default_factory=dict)
    # Everything the account sent them, in order: {"msgtype": ..., ...} as sent, plus "via".
    inbox: list[dict[str, Any]] = field(default_factory=list)
    # Sends WeChat refused: (errcode, body) — the flow suite asserts there are none.
    refused: list[tuple[int, dict[str, Any]]] = field(default_factory=list)


@dataclass
class World:
    """One Official Account on the emulated WeChat."""

    app_id: str
    secret: str
    clock: Clock = _now
    followers: dict[str, Follower] = field(default_factory=dict)
    tokens: dict[str, datetime] = field(default_factory=dict)  # token → expires at
    media: dict[str, dict[str, Any]] = field(default_factory=dict)
    templates: set[str] | None = None  # None: any template id is accepted
    token_fetches: int = 0
    # WeChat's API cannot be reached (its server answers 503): the bridge's retries are tested.
    outage: bool = False
    outage_calls: int = 0  # calls answered 503
    outage_ends_after: int | None = None  # the outage ends by itself after this many such calls

    def follower(self, openid: str) -> Follower:
        """The user with this openid (created on first use)."""
        return self.followers.setdefault(openid, Follower(openid))

    # The user's side ---------------------------------------------------------------------
    def acted(self, openid: str, kind: str) -> None:
        """The user sent a message ("message") or followed, clicked or scanned ("event")."""
        seconds, limit = WECHAT_QUOTA[kind]
        self.follower(openid).windows[kind] = Window(kind, self.clock(), seconds, limit)

    def follow(self, openid: str) -> None:
        """The user follows the account (and opens the event window)."""
        self.follower(openid).following = True
        self.acted(openid, "event")

    def unfollow(self, openid: str) -> None:
        """The user unfollows: no window stays open."""
        user = self.follower(openid)
        user.following = False
        user.windows.clear()

    # The account's side ------------------------------------------------------------------
    def issue_token(self, app_id: str, secret: str) -> tuple[str, int]:
        """``/cgi-bin/token``: a new token; the previous ones stay valid five minutes."""
        if app_id != self.app_id:
            raise WechatError(INVALID_APPID)
        if secret != self.secret:
            raise WechatError(INVALID_SECRET)
        now = self.clock()
        for old, expires in list(self.tokens.items()):
            self.tokens[old] = min(expires, now + OLD_TOKEN_GRACE)
        token = secrets.token_urlsafe(24)
        self.tokens[token] = now + timedelta(seconds=TOKEN_SECONDS)
        self.token_fetches += 1
        return token, TOKEN_SECONDS

    def invalidate_tokens(self) -> None:
        """Every token becomes invalid at once (another server fetched one: 40001 next)."""
        self.tokens.clear()

    def check_token(self, token: str | None) -> None:
        """The API's first check of every call."""
        if not token:
            raise WechatError(MISSING_TOKEN)
        expires = self.tokens.get(token)
        if expires is None:
            raise WechatError(INVALID_CREDENTIAL)
        if self.clock() >= expires:
            raise WechatError(EXPIRED_TOKEN)

    def custom_send(self, body: dict[str, Any]) -> None:
        """``/cgi-bin/message/custom/send``: within a window with room, or WeChat's refusal."""
        openid = str(body.get("touser", ""))
        msgtype = body.get("msgtype")
        if openid not in self.followers:
            raise WechatError(INVALID_OPENID)
        if msgtype not in MESSAGE_TYPES or not isinstance(body.get(msgtype), dict):
            raise WechatError(DATA_FORMAT)
        if msgtype in ("image", "voice"):
            media = self.media.get(str(body[msgtype].get("media_id", "")))
            if media is None or media["type"] != msgtype:
                raise WechatError(INVALID_MEDIA)
        user = self.followers[openid]
        now = self.clock()
        open_windows = [w for w in user.windows.values() if user.following and w.open_at(now)]
        open_windows.sort(key=lambda w: w.opened_at, reverse=True)
        room = [w for w in open_windows if w.used < w.limit]
        if not room:
            code = OUT_OF_QUOTA if open_windows else OUT_OF_TIME
            user.refused.append((code[0], body))
            raise WechatError(code)
        room[0].used += 1
        user.inbox.append({**body, "via": "custom", "window": room[0].kind})

    def template_send(self, body: dict[str, Any]) -> int:
        """``/cgi-bin/message/template/send``: to a follower, outside any window; the msgid."""
        openid = str(body.get("touser", ""))
        template = str(body.get("template_id", ""))
        if not template or (self.templates is not None and template not in self.templates):
            raise WechatError(INVALID_TEMPLATE)
        user = self.followers.get(openid)
        if user is None:
            raise WechatError(INVALID_OPENID)
        if not user.following:
            raise WechatError(REQUIRE_SUBSCRIBE)
        user.inbox.append({**body, "msgtype": "template", "via": "template"})
        return len(user.inbox)

    def upload(self, kind: str, filename: str, content: bytes) -> dict[str, Any]:
        """``/cgi-bin/media/upload``: a temporary media (three days on WeChat)."""
        media_id = self.keep_media(kind, filename, content)
        created = int(self.clock().timestamp())
        return {"type": kind, "media_id": media_id, "created_at": created}

    def keep_media(self, kind: str, filename: str, content: bytes) -> str:
        """Keep a media (uploaded, or a user's voice note or picture); its ``media_id``."""
        media_id = secrets.token_urlsafe(16)
        self.media[media_id] = {"type": kind, "filename": filename, "content": content}
        return media_id

    def media_get(self, media_id: str) -> dict[str, Any]:
        """``/cgi-bin/media/get``: a media WeChat keeps (40007 for one it does not)."""
        media = self.media.get(media_id)
        if media is None:
            raise WechatError(INVALID_MEDIA)
        return media
