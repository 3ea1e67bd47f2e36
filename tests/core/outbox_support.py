"""Helpers for outbox tests: people and rows in bulk, a recording transport, a fast pump."""

from __future__ import annotations

import dataclasses
import json
import time
from collections import Counter
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import insert, select
from sqlmodel import col
from telegram._utils.defaultvalue import DEFAULT_NONE
from telegram._utils.types import ODVInput
from telegram.request import RequestData

from bot.context import Services
from jobs.outbox import OutboxPump
from models.core.base import utcnow
from models.core.outbox import OutboxKind, OutboxMessage, enqueue, message_payload
from models.core.people import Person
from sandbox.state import SandboxState
from sandbox.transport import SandboxRequest


def notice(text: str, **extra: Any) -> dict[str, Any]:
    """What most outbox tests send: a broadcast notice carrying ``text`` (``extra``: photo …)."""
    return {**message_payload("broadcast.notice", text=text), **extra}


def as_received(services: Services, text: str, language: str = "zh_CN") -> str:
    """What a recipient reads for ``notice(text)``: the words under the notice's header."""
    return services.i18n.translator(language)("broadcast.notice", text=text)


class RecordingRequest(SandboxRequest):
    """The in-process sandbox transport, recording (monotonic time, method, chat_id, status).

    ``migrated`` maps a chat id to the supergroup id Telegram says it became.
    """

    def __init__(self, state: SandboxState, migrated: dict[int, int] | None = None) -> None:
        super().__init__(state)
        self.calls: list[tuple[float, str, int | None, int]] = []
        self.migrated = migrated or {}

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = DEFAULT_NONE,
        write_timeout: ODVInput[float] = DEFAULT_NONE,
        connect_timeout: ODVInput[float] = DEFAULT_NONE,
        pool_timeout: ODVInput[float] = DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        """Record the call, answer a migration for migrated chats, else ask the sandbox."""
        api_method = url.rsplit("/", 1)[-1]
        params = dict(request_data.parameters) if request_data else {}
        chat_id = int(str(params["chat_id"])) if "chat_id" in params else None
        started = time.monotonic()
        if chat_id in self.migrated:
            body = {
                "ok": False,
                "error_code": 400,
                "description": "Bad Request: group chat was upgraded to a supergroup chat",
                "parameters": {"migrate_to_chat_id": self.migrated[chat_id]},
            }
            self.calls.append((started, api_method, chat_id, 400))
            return 400, json.dumps(body).encode()
        try:
            status, body_bytes = await super().do_request(url, method, request_data)
        except Exception:
            self.calls.append((started, api_method, chat_id, 0))
            raise
        self.calls.append((started, api_method, chat_id, status))
        return status, body_bytes

    def sends(self) -> list[tuple[float, str, int | None, int]]:
        """Only the send* calls."""
        return [c for c in self.calls if c[1].startswith("send")]

    def attempts_per_chat(self) -> Counter[int]:
        """How many send calls each chat got (whatever their outcome)."""
        return Counter(c[2] for c in self.sends() if c[2] is not None)


class FailingNthSend(RecordingRequest):
    """Answers the ``fail_on``-th sendMessage (1-based) with a 502 once; the rest go through."""

    def __init__(self, state: SandboxState, fail_on: int) -> None:
        super().__init__(state)
        self.fail_on = fail_on
        self.seen = 0

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = DEFAULT_NONE,
        write_timeout: ODVInput[float] = DEFAULT_NONE,
        connect_timeout: ODVInput[float] = DEFAULT_NONE,
        pool_timeout: ODVInput[float] = DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        """Fail the chosen sendMessage with Bad Gateway, pass everything else on."""
        if url.endswith("/sendMessage"):
            self.seen += 1
            if self.seen == self.fail_on:
                body = {"ok": False, "error_code": 502, "description": "Bad Gateway"}
                return 502, json.dumps(body).encode()
        return await super().do_request(url, method, request_data)


def fast(services: Services, **changes: Any) -> Services:
    """The same services with settings changed (by default a high outbox rate for speed)."""
    changes.setdefault("outbox_rate", 1000.0)
    return dataclasses.replace(services, settings=services.settings.model_copy(update=changes))


def make_pump(
    services: Services, request: SandboxRequest, *, rate: float = 1000.0, **kw: Any
) -> OutboxPump:
    """A pump over ``request`` at ``rate`` msg/s, with short backoff unless given."""
    kw.setdefault("backoff", (0.05, 0.05, 0.05, 0.05))
    return OutboxPump(fast(services, outbox_rate=rate), request=request, **kw)


async def add_people(
    services: Services, state: SandboxState, ids: list[int], language: str = "zh_CN"
) -> dict[int, int]:
    """Consented people with private chats (sandbox users); returns tg id -> person id."""
    now = utcnow()
    async with services.sessions() as session, session.begin():
        await session.execute(
            insert(Person),
            [{"tg_user_id": i, "chat_id": i, "consent_at": now, "language": language} for i in ids],
        )
        rows = await session.execute(
            select(col(Person.tg_user_id), col(Person.id)).where(col(Person.tg_user_id).in_(ids))
        )
        found = {int(tg): int(pid) for tg, pid in rows.all() if tg is not None and pid is not None}
    for i in ids:
        state.user(i, language_code="zh-hans")
    return found


async def add_rows(
    services: Services,
    chats: list[int],
    *,
    people: dict[int, int] | None = None,
    payload: dict[str, Any] | None = None,
    key: str = "t",
    kind: OutboxKind = OutboxKind.BROADCAST,
    due_at: datetime | None = None,
    **kw: Any,
) -> None:
    """One outbox row per chat (person linked when known), in one transaction."""
    async with services.sessions() as session, session.begin():
        for chat in chats:
            await enqueue(
                session,
                chat_id=chat,
                person_id=(people or {}).get(chat),
                kind=kind,
                payload=payload or notice(f"通知 {key}"),
                dedupe_key=f"{key}:{chat}",
                due_at=due_at,
                **kw,
            )


async def rows(services: Services) -> list[OutboxMessage]:
    """Every outbox row, by id."""
    async with services.sessions() as session:
        result = await session.execute(select(OutboxMessage).order_by(col(OutboxMessage.id)))
        return list(result.scalars())


async def status_counts(services: Services) -> Counter[str]:
    """How many rows are in each status."""
    return Counter(row.status for row in await rows(services))


def received(state: SandboxState, chat_id: int) -> list[str]:
    """Texts (or captions) the bot sent to ``chat_id``."""
    return [str(m.get("text") or m.get("caption") or "") for m in state.messages(chat_id)]


def away_from_now(minutes: int = 720, zone: str = "Asia/Shanghai") -> str:
    """A one-minute quiet-hours window ``minutes`` from now (so tests never run in it)."""
    start = (datetime.now(ZoneInfo(zone)) + timedelta(minutes=minutes)).replace(
        second=0, microsecond=0
    )
    end = start + timedelta(minutes=1)
    return f"{start:%H:%M}-{end:%H:%M}"
