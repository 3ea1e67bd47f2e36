"""A tiny client for the sandbox's HTTP control API, plus free-port picking."""

from __future__ import annotations

import socket
from typing import Any

import aiohttp

JSON = dict[str, Any]


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Control:
    """Acts as Telegram users through ``/control`` over real HTTP."""

    def __init__(self, http: aiohttp.ClientSession, base: str) -> None:
        self.http = http
        self.base = base

    async def _post(self, path: str, body: JSON) -> Any:
        async with self.http.post(f"{self.base}/control{path}", json=body) as resp:
            assert resp.status == 200, await resp.text()
            return await resp.json()

    async def _get(self, path: str) -> Any:
        async with self.http.get(f"{self.base}/control{path}") as resp:
            assert resp.status == 200, await resp.text()
            return await resp.json()

    async def user(self, user_id: int, language_code: str = "zh-hans") -> JSON:
        """Register a simulated user."""
        body = {"user_id": user_id, "first_name": "E2E", "language_code": language_code}
        return dict(await self._post("/users", body))

    async def text(self, user_id: int, text: str) -> JSON:
        """The user types ``text``; returns the update the sandbox emitted."""
        return dict(await self._post(f"/users/{user_id}/text", {"text": text}))

    async def press(self, user_id: int, label: str) -> JSON:
        """The user presses a reply-keyboard button."""
        return dict(await self._post(f"/users/{user_id}/press", {"label": label}))

    async def contact(self, user_id: int, phone_number: str) -> JSON:
        """The user shares their own contact with this number."""
        body = {"phone_number": phone_number}
        return dict(await self._post(f"/users/{user_id}/contact", body))

    async def wait(self, chat_id: int, count: int, since: int = 0) -> list[JSON]:
        """Wait until the bot sent ``count`` messages after ``since``; return them.

        Up to 30 s: the first answer after a start includes the bot process's start-up, which
        took over 10 s with both database passes of ``make test`` running at once."""
        body = {"chat_id": chat_id, "count": count, "since": since, "timeout": 30}
        answer = await self._post("/wait", body)
        assert answer["ok"], f"bot sent {answer['messages']} only"
        return list(answer["messages"])

    async def messages(self, chat_id: int) -> list[JSON]:
        """Every message the bot sent in the chat."""
        return list(await self._get(f"/chats/{chat_id}/messages"))

    async def buttons(self, chat_id: int) -> list[str]:
        """Labels of the reply keyboard shown in the chat."""
        keyboard = (await self._get(f"/chats/{chat_id}/keyboard"))["keyboard"] or []
        return [label for row in keyboard for label in row]
