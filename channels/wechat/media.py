"""WeChat's media as the bot sees them: file ids, ``getFile`` and the file download face.

A voice note or a picture a resident sends, and an image the bridge uploads, is kept by WeChat
as temporary media (three days) named by its MediaId. The bot sees it as the ``file_id``
``wx:<MediaId>`` (``file_id_of``): the prefix tells the bridge's media from Telegram's file ids
(whose base64url alphabet has no colon), so a send naming a file id knows at once whether
WeChat can carry it. ``getFile`` answers a Bot API ``File`` whose ``file_path`` is
``wx/<MediaId>``; the bot downloads it where it downloads Telegram's files,
``<bridge>/file/bot<token>/wx/<MediaId>`` (``bot.settings.Settings.file_url`` derives
``<bridge>/file/bot`` from ``TONGXIN_BOT_API_URL``), and the bridge fetches it from WeChat
(``/cgi-bin/media/get``) as it is asked: nothing is stored. A media WeChat no longer keeps is
400 "wrong file_id or the file is temporarily unavailable", as Telegram says; WeChat not
answering is 502.
"""

from __future__ import annotations

import hashlib
from typing import Any

from channels.wechat.api import UNREACHABLE, WechatApi, WechatApiError

FILE_ID_PREFIX = "wx:"
FILE_PATH_PREFIX = "wx/"
MAX_MEDIA_ID = 200  # WeChat's are 64 characters; longer names no media of ours
GONE = "Bad Request: wrong file_id or the file is temporarily unavailable"


class MediaError(Exception):
    """A file the bridge cannot give: ``code`` (400, 502) and Telegram's description."""

    def __init__(self, description: str, code: int = 400) -> None:
        super().__init__(description)
        self.code = code


def file_id_of(media_id: str) -> str:
    """The Bot API ``file_id`` of a WeChat media."""
    return FILE_ID_PREFIX + media_id


def media_id_of(file_id: object) -> str | None:
    """The WeChat media a ``file_id`` names (None: not one of the bridge's, e.g. Telegram's)."""
    if not isinstance(file_id, str) or not file_id.startswith(FILE_ID_PREFIX):
        return None
    media_id = file_id[len(FILE_ID_PREFIX) :]
    if not media_id or len(media_id) > MAX_MEDIA_ID or "/" in media_id:
        return None
    return media_id


def unique_id_of(media_id: str) -> str:
    """A short, stable ``file_unique_id`` for a media."""
    return hashlib.sha1(media_id.encode("utf-8")).hexdigest()[:16]


class MediaFiles:
    """``getFile`` and the downloads behind it, for the bridge's own file ids."""

    def __init__(self, api: WechatApi) -> None:
        self._api = api

    def get_file(self, params: dict[str, Any]) -> dict[str, Any]:
        """The Bot API ``File`` of a WeChat media (``MediaError`` for any other file id)."""
        file_id = params.get("file_id")
        media_id = media_id_of(file_id)
        if media_id is None:
            raise MediaError("Bad Request: invalid file_id")
        return {
            "file_id": file_id,
            "file_unique_id": unique_id_of(media_id),
            "file_path": FILE_PATH_PREFIX + media_id,
        }

    async def download(self, file_path: str) -> tuple[bytes, str]:
        """The bytes and content type behind a ``file_path`` this bridge gave."""
        media_id = media_id_of(FILE_ID_PREFIX + file_path.removeprefix(FILE_PATH_PREFIX))
        if not file_path.startswith(FILE_PATH_PREFIX) or media_id is None:
            raise MediaError(GONE)
        try:
            body, kind = await self._api.media(media_id)
        except WechatApiError as exc:
            if exc.errcode == UNREACHABLE:
                raise MediaError(f"Bad Gateway: {exc}", 502) from None
            raise MediaError(f"{GONE} ({exc})") from None
        return body, kind or "application/octet-stream"
