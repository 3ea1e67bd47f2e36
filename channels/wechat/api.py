"""WeChat's Official Account API as the bridge calls it, with the shared ``access_token``.

The token is fetched once and kept in ``wechat_access_token`` until ``TOKEN_MARGIN`` before it
expires, so every bridge process uses the same one (each fetch makes WeChat retire the previous
token, and fetches are limited to 2000 a day). A call answered 40001 (invalid) or 42001
(expired) fetches a new token once and is tried again once.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from json import loads as json_loads
from typing import Any, TypeVar

import aiohttp
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from channels.wechat.tables import WechatAccessToken
from models.core.base import upsert_insert

logger = logging.getLogger(__name__)
T = TypeVar("T")

TOKEN_MARGIN = timedelta(minutes=5)
STALE_TOKEN = (40001, 42001, 40014)
TIMEOUT = aiohttp.ClientTimeout(total=10)
UNREACHABLE = -1
MAX_MEDIA_BYTES = 20 * 1024 * 1024  # the Bot API's download limit; WeChat's media are smaller


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

        async def post(token: str) -> dict[str, Any]:
            query = {**(params or {}), "access_token": token}
            data = form() if form is not None else None
            return await self._request("POST", path, params=query, json=json, data=data)

        return await self._with_token(post)

    async def _with_token(self, attempt: Callable[[str], Awaitable[T]]) -> T:
        """One call with the token, once more with a fresh one when WeChat says it is stale."""
        try:
            return await attempt(await self.access_token())
        except WechatApiError as exc:
            if exc.errcode not in STALE_TOKEN:
                raise
            logger.info("WeChat said the access token is stale (%s): fetching one", exc.errcode)
        return await attempt(await self.access_token(fresh=True))

    async def _request(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        try:
            async with self._client().request(method, self._base + path, **kwargs) as response:
                _check_status(response)
                answer = await response.json(content_type=None)
        except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
            raise _unreachable(exc) from None
        return _checked(answer)

    async def media(self, media_id: str) -> tuple[bytes, str]:
        """A temporary media's bytes and content type (``/cgi-bin/media/get``); 40007 when
        WeChat no longer keeps it (three days)."""

        async def get(token: str) -> tuple[bytes, str]:
            query = {"access_token": token, "media_id": media_id}
            try:
                url = self._base + "/cgi-bin/media/get"
                async with self._client().get(url, params=query) as response:
                    _check_status(response)
                    if (response.content_length or 0) > MAX_MEDIA_BYTES:
                        raise WechatApiError(40006, "the media is larger than the bridge takes")
                    kind, body = response.content_type, await response.read()
            except (aiohttp.ClientError, TimeoutError) as exc:
                raise _unreachable(exc) from None
            if kind in ("application/json", "text/plain") and body.lstrip().startswith(b"{"):
                with contextlib.suppress(ValueError):  # WeChat's errors are JSON, media never
                    _checked(json_loads(body))
            return body, kind

        return await self._with_token(get)

    async def send(self, message: dict[str, Any]) -> None:
        """A customer-service message (``touser``, ``msgtype`` and its body)."""
        await self.call("/cgi-bin/message/custom/send", json=message)

    async def send_template(self, message: dict[str, Any]) -> None:
        """A template message (``touser``, ``template_id``, ``data``)."""
        await self.call("/cgi-bin/message/template/send", json=message)

    async def upload(self, kind: str, filename: str, content: bytes) -> str:
        """Upload a temporary media (``kind``: "image" or "voice"); its ``media_id``."""
        default = "image.jpg" if kind == "image" else "voice.amr"

        def form() -> aiohttp.FormData:
            data = aiohttp.FormData()
            data.add_field("media", content, filename=filename or default)
            return data

        answer = await self.call("/cgi-bin/media/upload", form=form, params={"type": kind})
        return str(answer["media_id"])


def _unreachable(exc: Exception) -> WechatApiError:
    return WechatApiError(UNREACHABLE, f"WeChat unreachable: {type(exc).__name__}")


def _check_status(response: aiohttp.ClientResponse) -> None:
    """A server error (5xx) is WeChat unreachable; other answers carry WeChat's own code."""
    if response.status >= 500:
        raise WechatApiError(UNREACHABLE, f"WeChat unreachable: HTTP {response.status}")


def _checked(answer: Any) -> dict[str, Any]:
    """WeChat's JSON answer, or ``WechatApiError`` with its ``errcode``."""
    if not isinstance(answer, dict):
        raise WechatApiError(UNREACHABLE, "not a JSON object")
    code = int(answer.get("errcode", 0) or 0)
    if code:
        raise WechatApiError(code, str(answer.get("errmsg", "")))
    return answer
