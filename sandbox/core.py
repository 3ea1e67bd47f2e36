"""Data model, errors and shared helpers of the Telegram Bot API emulator (no HTTP here)."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import logging
import mimetypes
import time
import uuid
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sandbox.limits import RateLimiter

logger = logging.getLogger(__name__)

JSON = dict[str, Any]
FileTuple = tuple[str, bytes, str]

BOT_USERNAME = "tongxin_bot"
BOT_FIRST_NAME = "同心"
MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_DATA = 64
SEND_METHODS = frozenset({"sendmessage", "sendphoto", "senddocument", "sendvoice"})
#: Methods hit by a fault injected with ``method=None``.
FAULT_ANY_METHODS = SEND_METHODS | {"editmessagetext", "editmessagereplymarkup"}
FAULT_KINDS = frozenset({"429", "403", "500", "502", "timeout", "400"})
#: The most the emulator keeps of the files users and the bot send (bytes, and files): beyond
#: either, the least recently used files are forgotten, as Telegram forgets old uploads; a
#: forgotten file_id gets Telegram's "invalid file_id" / "wrong file identifier" errors.
MAX_STORED_FILE_BYTES = 64 * 1024 * 1024
MAX_STORED_FILES = 2000
_FILE_DIRS = {"photo": "photos", "document": "documents", "voice": "voice", "sticker": "stickers"}


class ApiError(Exception):
    """A Bot API failure, answered with Telegram's error envelope."""

    def __init__(self, code: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.retry_after = retry_after

    def body(self) -> JSON:
        """Return Telegram's JSON error envelope."""
        out: JSON = {"ok": False, "error_code": self.code, "description": self.description}
        if self.retry_after is not None:
            out["parameters"] = {"retry_after": self.retry_after}
        return out


def bad_request(text: str) -> ApiError:
    """Build a 400 'Bad Request: ...' error."""
    return ApiError(400, f"Bad Request: {text}")


class SandboxTimeout(Exception):
    """Raised (instead of sleeping) for a 'timeout' fault when the caller is in-process."""


@dataclass
class Fault:
    """One queued fault, consumed by the next ``count`` matching calls."""

    method: str | None
    kind: str
    count: int = 1
    retry_after: int = 3
    chat_id: int | None = None
    description: str | None = None
    processed: bool = True

    def matches(self, method: str, chat_id: int | None) -> bool:
        """Tell whether this fault applies to a call of ``method`` for ``chat_id``."""
        if self.method is None:
            if method not in FAULT_ANY_METHODS:
                return False
        elif self.method != method:
            return False
        return self.chat_id is None or self.chat_id == chat_id

    def error(self) -> ApiError:
        """Return the error this fault answers with (not for 'timeout')."""
        if self.kind == "429":
            text = self.description or f"Too Many Requests: retry after {self.retry_after}"
            return ApiError(429, text, retry_after=self.retry_after)
        defaults = {
            "403": "Forbidden: bot was blocked by the user",
            "500": "Internal Server Error",
            "502": "Bad Gateway",
            "400": "Bad Request: injected fault",
            "timeout": "Gateway Timeout",
        }
        code = 504 if self.kind == "timeout" else int(self.kind)
        return ApiError(code, self.description or defaults[self.kind])


@dataclass
class StoredFile:
    """A file known to the emulator (uploaded by the bot or sent by a user)."""

    file_id: str
    file_unique_id: str
    data: bytes
    file_name: str | None
    mime_type: str | None
    file_path: str
    url: str | None = None


@dataclass
class ChatState:
    """One chat: its Telegram ``Chat`` dict, message records and reply keyboard."""

    chat_id: int
    info: JSON
    next_message_id: int = 1
    messages: dict[int, JSON] = field(default_factory=dict)
    reply_keyboard: list[list[JSON]] | None = None
    actions: list[JSON] = field(default_factory=list)


def decode_json(value: Any, what: str = "JSON object") -> Any:
    """Decode a JSON-encoded string (as sent in form data); leave other values alone."""
    if isinstance(value, str | bytes):
        try:
            return json.loads(value)
        except ValueError as exc:
            raise bad_request(f"can't parse {what}") from exc
    return value


def as_int(value: Any, name: str) -> int:
    """Coerce a parameter to int or fail like Telegram."""
    if value is None or value == "":
        raise bad_request(f"{name} is empty")
    if isinstance(value, bool):
        raise bad_request(f"invalid {name} specified")
    try:
        return int(value)
    except (TypeError, ValueError) as exc:
        raise bad_request(f"invalid {name} specified") from exc


def as_bool(value: Any) -> bool:
    """Coerce a form/JSON parameter to bool."""
    if isinstance(value, str):
        return value.strip().lower() in {"true", "1", "yes"}
    return bool(value)


def utf16_len(text: str) -> int:
    """Length of ``text`` in UTF-16 code units, as Telegram counts entity offsets."""
    return len(text.encode("utf-16-le")) // 2


def now_ts() -> int:
    """Current Unix time in whole seconds (message dates)."""
    return int(time.time())


class StateBase:
    """Storage and plumbing shared by the Bot API side and the simulated-user side."""

    def __init__(
        self,
        timeout_seconds: float = 30.0,
        *,
        max_file_bytes: int = MAX_STORED_FILE_BYTES,
        max_files: int = MAX_STORED_FILES,
    ) -> None:
        self.timeout_seconds = timeout_seconds
        self.max_file_bytes = max_file_bytes
        self.max_files = max_files
        self.bot_id = 0
        self.users: dict[int, JSON] = {}
        self.phones: dict[int, str] = {}
        self.chats: dict[int, ChatState] = {}
        self.blocked: set[int] = set()
        # Both in least recently used order: the first is the next to be forgotten.
        self.files: dict[str, StoredFile] = {}
        self.files_by_path: dict[str, StoredFile] = {}
        self.file_stats = {"bytes": 0, "evicted": 0}
        self.callback_queries: dict[str, JSON] = {}
        self.answers: dict[int, list[JSON]] = {}
        self.commands: dict[str, list[JSON]] = {}
        self.menu_buttons: dict[int | None, JSON] = {}
        self.bot_settings: dict[str, JSON] = {}
        self.faults: list[Fault] = []
        self.limiter = RateLimiter()
        self.bot_statuses: dict[int, str] = {}  # the bot's member status in each group
        self.stats: JSON = {"calls": 0, "method": Counter(), "status": Counter()}
        self.allowed_updates: list[str] | None = None
        self.closed = False
        self._update_ids = itertools.count(1)
        self._ids = itertools.count(1)
        self._updates: deque[JSON] = deque()
        self._updates_event = asyncio.Event()
        self._changed = asyncio.Event()

    # -- identities -------------------------------------------------------------------------
    def bot_user(self) -> JSON:
        """Telegram ``User`` dict of the bot."""
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": BOT_FIRST_NAME,
            "username": BOT_USERNAME,
        }

    def next_id(self) -> int:
        """A fresh process-wide integer id."""
        return next(self._ids)

    def get_chat(self, chat_id: int) -> ChatState:
        """Return a chat or raise 400 'chat not found'."""
        chat = self.chats.get(chat_id)
        if chat is None:
            raise bad_request("chat not found")
        return chat

    # -- files ------------------------------------------------------------------------------
    def store_file(
        self,
        kind: str,
        data: bytes,
        file_name: str | None = None,
        mime_type: str | None = None,
        url: str | None = None,
    ) -> StoredFile:
        """Register file bytes and give them a file_id and a download path."""
        n = self.next_id()
        ext = mimetypes.guess_extension(mime_type or "") or ""
        if file_name and "." in file_name:
            ext = "." + file_name.rsplit(".", 1)[1]
        prefix = {"photo": "AgAC", "document": "BQAC", "voice": "AwAC", "sticker": "CAAC"}
        stored = StoredFile(
            file_id=f"{prefix.get(kind, 'BQAC')}{uuid.uuid4().hex}",
            file_unique_id=f"AQAD{n:08d}",
            data=data,
            file_name=file_name,
            mime_type=mime_type,
            file_path=f"{_FILE_DIRS.get(kind, 'documents')}/file_{n}{ext}",
            url=url,
        )
        self.files[stored.file_id] = stored
        self.files_by_path[stored.file_path] = stored
        self.file_stats["bytes"] += len(data)
        self._forget_old_files()
        return stored

    def _forget_old_files(self) -> None:
        """Drop least recently used files beyond the caps; the newest one always stays."""
        while len(self.files) > 1 and (
            self.file_stats["bytes"] > self.max_file_bytes or len(self.files) > self.max_files
        ):
            oldest = self.files.pop(next(iter(self.files)))
            self.files_by_path.pop(oldest.file_path, None)
            self.file_stats["bytes"] -= len(oldest.data)
            self.file_stats["evicted"] += 1
            logger.debug("file %s forgotten (file store full)", oldest.file_path)

    def _used(self, stored: StoredFile | None) -> StoredFile | None:
        """Mark a file as just used (it is forgotten last)."""
        if stored is not None:
            self.files[stored.file_id] = self.files.pop(stored.file_id)
            self.files_by_path[stored.file_path] = self.files_by_path.pop(stored.file_path)
        return stored

    def file_by_id(self, file_id: str) -> StoredFile | None:
        """A stored file by its file_id (None if unknown or forgotten); counts as a use."""
        return self._used(self.files.get(file_id))

    def file_by_path(self, file_path: str) -> StoredFile | None:
        """A stored file by its download path (None if unknown or forgotten); counts as a use."""
        return self._used(self.files_by_path.get(file_path))

    def file_bytes(self, file_path: str) -> bytes | None:
        """Bytes of a stored file by its ``file_path`` (the getFile download route)."""
        stored = self.file_by_path(file_path)
        return None if stored is None else stored.data

    # -- updates ----------------------------------------------------------------------------
    def emit(self, body: JSON) -> JSON:
        """Wrap ``body`` into an Update with a fresh update_id and deliver it."""
        update: JSON = {"update_id": next(self._update_ids), **body}
        kind = next(iter(body))
        if self.allowed_updates and kind not in self.allowed_updates:
            logger.debug("update %s of type %s not allowed, dropped", update["update_id"], kind)
            return update
        if self.webhook_active():
            self.webhook_submit(update)
        else:
            self._updates.append(update)
            self._updates_event.set()
        self.notify_change()
        return update

    def webhook_active(self) -> bool:
        """Whether updates go to a webhook (implemented by the webhook mixin)."""
        return False

    def tg_message(self, rec: JSON) -> JSON:
        """Telegram ``Message`` dict of a bot record (implemented by the messages mixin)."""
        raise NotImplementedError

    def webhook_submit(self, update: JSON) -> None:
        """Queue an update for webhook delivery (implemented by the webhook mixin)."""
        raise NotImplementedError

    # -- change notification ----------------------------------------------------------------
    def notify_change(self) -> None:
        """Wake everything waiting in :meth:`wait_until`."""
        self._changed.set()
        self._changed = asyncio.Event()

    async def wait_until(
        self,
        predicate: Callable[[], bool],
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> bool:
        """Wait until ``predicate()`` is true (re-checked on every change); False on timeout."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not predicate():
            remaining = deadline - loop.time()
            if remaining <= 0 or self.closed:
                return predicate()
            event = self._changed
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(event.wait(), min(remaining, 0.5))
        return True
