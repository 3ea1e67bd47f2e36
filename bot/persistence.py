"""A PTB persistence storing conversation, user and chat state as JSON rows in the database."""

from __future__ import annotations

import json
from collections import defaultdict
from copy import deepcopy
from typing import Any

from sqlalchemy import delete, select
from telegram.ext import BasePersistence, PersistenceInput
from telegram.ext._utils.types import CDCData, ConversationDict, ConversationKey

from bot.db import SessionFactory
from models.core.base import utcnow
from models.core.runtime import PtbState

USER, CHAT, CONVERSATION = "user_data", "chat_data", "conversation"


def conversation_row_key(name: str, key: ConversationKey) -> str:
    """Row key of one conversation entry, e.g. ``onboarding:[42, 42]``."""
    return f"{name}:{json.dumps(list(key))}"


class DatabasePersistence(BasePersistence[dict[str, Any], dict[str, Any], dict[str, Any]]):
    """Keeps PTB's UI state in ``ptb_state`` so a restart strands nobody mid-conversation."""

    def __init__(self, sessions: SessionFactory, update_interval: float = 1) -> None:
        super().__init__(
            store_data=PersistenceInput(bot_data=False, callback_data=False),
            update_interval=update_interval,
        )
        self._sessions = sessions

    async def _load(self, kind: str) -> list[PtbState]:
        async with self._sessions() as session:
            rows = await session.execute(select(PtbState).where(PtbState.kind == kind))  # type: ignore[arg-type]
            return list(rows.scalars())

    async def _upsert(self, kind: str, key: str, data: Any) -> None:
        async with self._sessions() as session, session.begin():
            row = await session.get(PtbState, (kind, key))
            if row is None:
                session.add(PtbState(kind=kind, key=key, data=data))
            else:
                row.data, row.updated_at = data, utcnow()

    async def _delete(self, kind: str, key: str) -> None:
        async with self._sessions() as session, session.begin():
            await session.execute(
                delete(PtbState).where(PtbState.kind == kind, PtbState.key == key)  # type: ignore[arg-type]
            )

    async def get_user_data(self) -> dict[int, dict[str, Any]]:
        """Load every user's data."""
        data: dict[int, dict[str, Any]] = defaultdict(dict)
        for row in await self._load(USER):
            data[int(row.key)] = dict(row.data or {})
        return data

    async def get_chat_data(self) -> dict[int, dict[str, Any]]:
        """Load every chat's data."""
        data: dict[int, dict[str, Any]] = defaultdict(dict)
        for row in await self._load(CHAT):
            data[int(row.key)] = dict(row.data or {})
        return data

    async def get_bot_data(self) -> dict[str, Any]:
        """Bot data is not persisted; everything shared lives in real tables."""
        return {}

    async def get_callback_data(self) -> CDCData | None:
        """Arbitrary callback data is not used."""
        return None

    async def get_conversations(self, name: str) -> ConversationDict:
        """Load the states of one conversation handler."""
        prefix = f"{name}:"
        conversations: ConversationDict = {}
        for row in await self._load(CONVERSATION):
            if row.key.startswith(prefix):
                conversations[tuple(json.loads(row.key[len(prefix) :]))] = row.data
        return conversations

    async def update_conversation(
        self, name: str, key: ConversationKey, new_state: object | None
    ) -> None:
        """Store or clear one conversation's state."""
        row_key = conversation_row_key(name, key)
        if new_state is None:
            await self._delete(CONVERSATION, row_key)
        else:
            await self._upsert(CONVERSATION, row_key, new_state)

    async def update_user_data(self, user_id: int, data: dict[str, Any]) -> None:
        """Store one user's data (a copy, as JSON)."""
        await self._upsert(USER, str(user_id), deepcopy(data))

    async def update_chat_data(self, chat_id: int, data: dict[str, Any]) -> None:
        """Store one chat's data (a copy, as JSON)."""
        await self._upsert(CHAT, str(chat_id), deepcopy(data))

    async def update_bot_data(self, data: dict[str, Any]) -> None:
        """Bot data is not persisted."""

    async def update_callback_data(self, data: CDCData) -> None:
        """Arbitrary callback data is not used."""

    async def drop_chat_data(self, chat_id: int) -> None:
        """Forget a chat's data for good."""
        await self._delete(CHAT, str(chat_id))

    async def drop_user_data(self, user_id: int) -> None:
        """Forget a user's data for good."""
        await self._delete(USER, str(user_id))

    async def refresh_user_data(self, user_id: int, user_data: dict[str, Any]) -> None:
        """Nothing to refresh: this process is the only writer of UI state."""

    async def refresh_chat_data(self, chat_id: int, chat_data: dict[str, Any]) -> None:
        """Nothing to refresh: this process is the only writer of UI state."""

    async def refresh_bot_data(self, bot_data: dict[str, Any]) -> None:
        """Bot data is not persisted."""

    async def flush(self) -> None:
        """PTB writes dirty state every ``update_interval`` and at shutdown; nothing is kept."""
