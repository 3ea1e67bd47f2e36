"""WeChat's Official Account API as the bridge calls it, with the shared ``access_token``.

The token is fetched once and kept in ``wechat_access_token`` until ``TOKEN_MARGIN`` before it
expires, so every bridge process uses the same one (each fetch makes WeChat retire the previous
token, and fetches are limited to 2000 a day). A call answered 40001 (invalid) or 42001
(expired) fetches a new token once and is tried again once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import aiohttp
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from channels.wechat.tables import WechatAccessToken
from models.core.base import upsert_insert

logger = logging.getLogger(__name__)

TOKEN_MARGIN = timedelta(minutes=5)
STALE_TOKEN = (40001, 42001, 40014)
TIMEOUT = aiohttp.ClientTimeout(total=10)


class WechatApiError(Exception):
    """WeChat refused a call (``errcode`` and ``errmsg``), or could not be reached (-1)."""

    def __init__(self, errcode: int, errmsg: str) -> None:
        super().__init__(f"{errcode} {errmsg}")
        self.errcode, self.errmsg = errcode, errmsg


class WechatApi:
    """Calls WeChat's API for one account; ``close()`` when done."""

    def __init__(
        self,
        *,
        base_url: str,
        app_id: str,
        secret: str,
        sessions: async_sessionmaker[AsyncSession],
        clock: Callable[[], datetime],
    ) -> None:
        self._base = base_url.rstrip("/")
        self._app_id = app_id
        self._secret = secret
        self._sessions = sessions
        self._clock = clock
        self._http: aiohttp.ClientSession | None = None

    def _client(self) -> aiohttp.ClientSession:
        if self._http is None:
            self._http = aiohttp.ClientSession(timeout=TIMEOUT)
        return self._http

    async def close(self) -> None:
        """Close the HTTP session."""
        if self._http is not None:
            await self._http.close()
            self._http = None

    async def access_token(self, *, fresh: bool = False) -> str:
        """The cached token, or a new one when it is missing, near expiry, or ``fresh``."""
        now: datetime = self._clock()
        if not fresh:
            async with self._sessions() as session:
                row = await session.get(WechatAccessToken, self._app_id)
                if row is not None and row.expires_at - TOKEN_MARGIN > now:
                    return row.token
        answer = await self._request(
            "GET",
            "/cgi-bin/token",
            params={
                "grant_type": "client_credential",
                "appid": self._app_id,
                "secret": self._secret,
            },
        )
        token = str(answer["access_token"])
        expires = now + timedelta(seconds=int(answer.get("expires_in", 7200)))
        async with self._sessions() as session, session.begin():
            insert = upsert_insert(session, WechatAccessToken).values(
                app_id=self._app_id, token=token, expires_at=expires
            )
            await session.execute(
                insert.on_conflict_do_update(
                    index_elements=["app_id"], set_={"token": token, "expires_at": expires}
                )
            )
        logger.info("a new WeChat access token, valid until %s", expires.isoformat())
        return token

    async def call(
        self,
        path: str,
        *,
        json: dict[str, Any] | None = None,
        form: Callable[[], aiohttp.FormData] | None = None,
        params: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        """POST to an API path with the token; a stale token is replaced once (``form``
        makes the multipart body afresh for each try: aiohttp sends a form only once)."""
        for attempt in (0, 1):
            token = await self.access_token(fresh=attempt == 1)
            query = {**(params or {}), "access_token": token}
            try:
                data = form() if form is not None else None
                return await self._request("POST", path, params=query, json=json, data=data)
            except WechatApiError as exc:
                if exc.errcode not in STALE_TOKEN or attempt == 1:
                    raise
                logger.info("WeChat said the access token is stale (%s): fetching one", exc.errcode)
        raise AssertionError("unreachable")

    async def _request(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        try:
            async with self._client().request(method, self._base + path, **kwargs) as response:
                answer = await response.json(content_type=None)
        except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
            raise WechatApiError(-1, f"WeChat unreachable: {type(exc).__name__}") from None
        if not isinstance(answer, dict):
            raise WechatApiError(-1, "not a JSON object")
        code = int(answer.get("errcode", 0) or 0)
        if code:
            raise WechatApiError(code, str(answer.get("errmsg", "")))
        return answer

    async def send(self, message: dict[str, Any]) -> None:
        """A customer-service message (``touser``, ``msgtype`` and its body)."""
        await self.call("/cgi-bin/message/custom/send", json=message)

    async def send_template(self, message: dict[str, Any]) -> None:
        """A template message (``touser``, ``template_id``, ``data``)."""
        await self.call("/cgi-bin/message/template/send", json=message)

    async def upload_image(self, filename: str, content: bytes) -> str:
        """Upload a temporary image; its ``media_id``."""

        def form() -> aiohttp.FormData:
            data = aiohttp.FormData()
            data.add_field("media", content, filename=filename or "image.jpg")
            return data

        answer = await self.call("/cgi-bin/media/upload", form=form, params={"type": "image"})
        return str(answer["media_id"])
