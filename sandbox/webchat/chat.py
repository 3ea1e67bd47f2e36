"""What the web chat's routes share: the sandbox and personas (``WebChat``) and JSON helpers."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from aiohttp import web

from sandbox.state import SandboxState
from sandbox.webchat.personas import NEW_USER_NAMES, Persona, TakenIds, counting_allocator
from sandbox.webchat.transcript import JSON


class WebChat:
    """What the routes need: the sandbox, the personas and how to find new user ids."""

    def __init__(
        self,
        state: SandboxState,
        personas: Sequence[Persona],
        new_user_ids: range,
        taken: TakenIds | None = None,
    ) -> None:
        clash = [p.id for p in personas if isinstance(p.id, int) and p.id in new_user_ids]
        if clash:
            raise ValueError(f"persona ids {clash} lie in the range for new users")
        self.state = state
        self.personas = {p.id: p for p in personas}
        self.allocate = counting_allocator(taken or self._sandbox_users, new_user_ids)

    async def _sandbox_users(self) -> list[int]:
        return list(self.state.users)

    def ensure_user(self, user_id: int) -> None:
        """Register the user in the sandbox (opening the private chat) unless already there."""
        if not 0 < user_id < 2**40:
            raise ValueError("user id out of range")
        if user_id in self.state.users:
            return
        persona = self.personas.get(user_id)
        if persona is None:
            self.state.user(user_id, first_name=NEW_USER_NAMES["zh"])
        else:
            self.state.user(user_id, first_name=persona.name, language_code=persona.language_code)


WEBCHAT_KEY = web.AppKey("webchat", WebChat)


def chat_of(request: web.Request) -> WebChat:
    """The web chat serving this request."""
    return request.app[WEBCHAT_KEY]


def reply(obj: Any, status: int = 200) -> web.Response:
    """A JSON answer (Chinese kept readable)."""
    return web.json_response(obj, status=status, dumps=lambda o: json.dumps(o, ensure_ascii=False))


async def json_body(request: web.Request) -> JSON:
    """The request's JSON object ({} without a body)."""
    if not request.can_read_body:
        return {}
    data = await request.json()
    if not isinstance(data, dict):
        raise ValueError("JSON object expected")
    return data


def user_of(request: web.Request) -> int:
    """The user id in the path, registered in the sandbox if new."""
    user_id = int(request.match_info["user_id"])
    chat_of(request).ensure_user(user_id)
    return user_id
