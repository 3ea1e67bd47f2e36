"""A PTB persistence keeping conversation state and user data as JSON rows in the database.

PTB hands over every used key once a second (``Application.update_persistence``, all at once).
This persistence only notes what changed since it was last written (a JSON comparison: most
keys an update touches are unchanged), and ``flush`` writes the notes in ONE transaction: one
DELETE for the removed keys and multi-row upserts for the changed ones. ``TongxinApplication``
calls ``flush`` right after each round of ``update_persistence``, under a lock, so two flushes
never run at once and an older state can never overwrite a newer one.

``chat_data`` and ``bot_data`` are not stored: no handler keeps anything there.

Each person's ``user_data`` is a ``UserData``: PTB deep-copies every used one for the
persistence at each round, and its copy is its JSON (``JsonText``), which is what the
comparison needs and what the upsert writes as it is. One encoding per person per round, where
a deep copy, an encoding to compare and another to write cost three times as much (issue 16).

``take_round`` is PTB's round of ``update_persistence`` done in place: PTB makes a task of every
used key's ``update_*`` call and gathers them (about 500 at 200 active residents, half of a
flush's time on the loop); our notes are synchronous, so the round calls them directly. It reads
the same private fields PTB's own round reads (python-telegram-bot is pinned to 22.x, and
``tests/core/test_persistence_round.py`` checks the round against PTB's).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections import defaultdict
from typing import Any

from telegram.ext import Application, BasePersistence, PersistenceInput
from telegram.ext._handlers.conversationhandler import PendingState
from telegram.ext._utils.trackingdict import TrackingDict
from telegram.ext._utils.types import CDCData, ConversationDict, ConversationKey

from bot.db import SessionFactory, WriteGate, writes_in_one_trip
from models.core.base import JsonText
from models.core.runtime import StateKey, load_ui_state, save_ui_state

logger = logging.getLogger(__name__)

USER, CHAT, CONVERSATION = "user_data", "chat_data", "conversation"


def conversation_row_key(name: str, key: ConversationKey) -> str:
    """Row key of one conversation entry, e.g. ``onboarding:[42, 42]``."""
    return f"{name}:{json.dumps(list(key))}"


def _as_json(data: Any) -> JsonText:
    if isinstance(data, JsonText):
        return data
    return JsonText(json.dumps(data, sort_keys=True, ensure_ascii=False, default=str))


class UserData(dict[str, Any]):
    """A person's ``user_data`` (JSON by contract): its deep copy is its JSON text."""

    def __deepcopy__(self, memo: dict[int, Any]) -> JsonText:
        return _as_json(self)


class DatabasePersistence(BasePersistence[dict[str, Any], dict[str, Any], dict[str, Any]]):
    """Keeps PTB's UI state in ``ptb_state`` so a restart strands nobody mid-conversation."""

    def __init__(
        self, sessions: SessionFactory, update_interval: float = 1, gate: WriteGate | None = None
    ) -> None:
        super().__init__(
            store_data=PersistenceInput(bot_data=False, chat_data=False, callback_data=False),
            update_interval=update_interval,
        )
        self._sessions = sessions
        self._gate = gate or contextlib.nullcontext()
        self._stored: dict[StateKey, str] = {}  # what the database holds, as JSON
        self._changed: dict[StateKey, JsonText] = {}
        self._removed: set[StateKey] = set()
        self._lock = asyncio.Lock()
        self._conversations: dict[str, ConversationDict] | None = None  # read at start-up
        self._served: set[str] = set()  # names handed out since

    def _note(self, kind: str, key: str, data: Any) -> None:
        row = (kind, key)
        self._removed.discard(row)
        encoded = _as_json(data)
        if self._stored.get(row) == encoded:
            self._changed.pop(row, None)  # back to what is stored: nothing to write
        else:
            self._changed[row] = encoded

    def _forget(self, kind: str, key: str) -> None:
        row = (kind, key)
        self._changed.pop(row, None)
        if row in self._stored:
            self._removed.add(row)

    async def _load(self, kind: str, prefix: str = "") -> list[tuple[str, Any]]:
        async with self._sessions() as session:
            rows = await load_ui_state(session, kind, prefix)
        for row in rows:
            self._stored[(kind, row.key)] = _as_json(row.data)
        return [(row.key, row.data) for row in rows]

    async def get_user_data(self) -> dict[int, dict[str, Any]]:
        """Load every user's data."""
        self._conversations = None  # a new start: conversations are read afresh
        data: dict[int, dict[str, Any]] = defaultdict(UserData)
        for key, value in await self._load(USER):
            data[int(key)] = UserData(value or {})
        return data

    async def get_chat_data(self) -> dict[int, dict[str, Any]]:
        """Chat data is not stored."""
        return defaultdict(dict)

    async def get_bot_data(self) -> dict[str, Any]:
        """Bot data is not stored; everything shared lives in real tables."""
        return {}

    async def get_callback_data(self) -> CDCData | None:
        """Arbitrary callback data is not used."""
        return None

    async def get_conversations(self, name: str) -> ConversationDict:
        """The states of one conversation handler.

        PTB asks once per conversation handler at start-up (about eighty): all of them are
        read in one query at the first question of a start (``get_user_data`` comes first)
        and handed out from that, each once; asked again, a name reads everything afresh.
        """
        if self._conversations is None or name in self._served:
            self._conversations, self._served = defaultdict(dict), set()
            for key, state in await self._load(CONVERSATION):
                owner, _, conversation = key.rpartition(":")
                self._conversations[owner][tuple(json.loads(conversation))] = state
        self._served.add(name)
        return self._conversations.pop(name, {})

    def take_round(self, application: Application) -> None:  # type: ignore[type-arg]
        """Note every user's data and conversation state used since the last round."""
        updated = application._user_ids_to_be_updated_in_persistence
        deleted = application._user_ids_to_be_deleted_in_persistence
        application._user_ids_to_be_updated_in_persistence = set()
        application._user_ids_to_be_deleted_in_persistence = set()
        for user_id in updated - deleted:
            self._note(USER, str(user_id), application.user_data[user_id])
        for user_id in deleted:
            self._forget(USER, str(user_id))
        for name, states in application._conversation_handler_conversations.items():
            for key, state in states.pop_accessed_write_items():
                if isinstance(state, PendingState):
                    # A non-blocking step still running: its old state now, its new one at
                    # the next round (as PTB's own round does).
                    if not state.done():
                        states.mark_as_accessed(key)
                        state = state.old_state
                    else:
                        state = state.resolve()
                self._note_conversation(name, key, None if state is TrackingDict.DELETED else state)

    def _note_conversation(self, name: str, key: ConversationKey, new_state: object) -> None:
        row_key = conversation_row_key(name, key)
        if new_state is None:
            self._forget(CONVERSATION, row_key)
        else:
            self._note(CONVERSATION, row_key, new_state)

    async def update_conversation(
        self, name: str, key: ConversationKey, new_state: object | None
    ) -> None:
        """Note one conversation's new state (None: the conversation ended)."""
        self._note_conversation(name, key, new_state)

    async def update_user_data(self, user_id: int, data: dict[str, Any]) -> None:
        """Note one user's data (PTB hands over a deep copy)."""
        self._note(USER, str(user_id), data)

    async def update_chat_data(self, chat_id: int, data: dict[str, Any]) -> None:
        """Chat data is not stored."""

    async def update_bot_data(self, data: dict[str, Any]) -> None:
        """Bot data is not stored."""

    async def update_callback_data(self, data: CDCData) -> None:
        """Arbitrary callback data is not used."""

    async def drop_chat_data(self, chat_id: int) -> None:
        """Chat data is not stored."""

    async def drop_user_data(self, user_id: int) -> None:
        """Forget a user's data for good (at the next flush)."""
        self._forget(USER, str(user_id))

    async def refresh_user_data(self, user_id: int, user_data: dict[str, Any]) -> None:
        """Nothing to refresh: this process is the only writer of UI state."""

    async def refresh_chat_data(self, chat_id: int, chat_data: dict[str, Any]) -> None:
        """Chat data is not stored."""

    async def refresh_bot_data(self, bot_data: dict[str, Any]) -> None:
        """Bot data is not stored."""

    async def flush(self) -> None:
        """Write what changed since the last flush, in one transaction."""
        async with self._lock:
            changed, removed = self._changed, self._removed
            if not changed and not removed:
                return
            self._changed, self._removed = {}, set()
            try:
                async with (
                    self._gate,
                    self._sessions() as session,
                    writes_in_one_trip(session),
                ):
                    await save_ui_state(session, changed, removed)
            except Exception:
                # Nothing is lost: the notes go back, behind anything noted meanwhile.
                for row in removed:
                    if row not in self._changed:
                        self._removed.add(row)
                for row, data in changed.items():
                    if row not in self._removed:
                        self._changed.setdefault(row, data)
                raise
            for row in removed:
                self._stored.pop(row, None)
            for row, data in changed.items():
                self._stored[row] = data
