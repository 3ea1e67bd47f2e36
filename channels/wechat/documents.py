"""Documents the bot sends to WeChat followers, served behind signed, expiring links.

WeChat's customer-service messages carry no files: ``sends`` stores a document in
``wechat_document`` and sends its link ``<public url><path>/file/<id>?e=<expiry>&s=<HMAC>``;
a wrong signature is 403, an expired or forgotten link 410.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any
from urllib.parse import quote

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from channels.wechat.tables import WechatDocument


def link_signature(key: str, document_id: int, expires: int) -> str:
    """The signature of a document link (HMAC-SHA256 over its id and expiry)."""
    data = f"{document_id}:{expires}".encode()
    return hmac.new(key.encode(), data, hashlib.sha256).hexdigest()[:32]


class Documents:
    """Serves the documents behind their signed links."""

    def __init__(
        self, sessions: async_sessionmaker[AsyncSession], link_key: str, clock: Any
    ) -> None:
        self._sessions = sessions
        self._key = link_key
        self._clock = clock

    async def download(self, request: web.Request) -> web.Response:
        """A document behind its signed link: 403 for a wrong signature, 410 once expired."""
        doc_id, expires = request.match_info["id"], request.query.get("e", "")
        if not doc_id.isdigit() or not expires.isdigit() or len(doc_id) > 10 or len(expires) > 12:
            raise web.HTTPNotFound()
        wanted = link_signature(self._key, int(doc_id), int(expires))
        if not hmac.compare_digest(wanted, request.query.get("s", "")):
            raise web.HTTPForbidden(text="bad link")
        if int(expires) <= self._clock().timestamp():
            raise web.HTTPGone(text="this link has expired")
        async with self._sessions() as session:
            row = await session.get(WechatDocument, int(doc_id))
        if row is None:
            raise web.HTTPGone(text="this document is no longer kept")
        disposition = f"attachment; filename*=UTF-8''{quote(row.filename)}"
        return web.Response(
            body=row.content,
            content_type=row.mime_type,
            headers={"Content-Disposition": disposition},
        )
