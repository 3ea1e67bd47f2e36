"""Drive the real PTB Application through the in-process sandbox, as simulated users."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from telegram import Update
from telegram.request import RequestData

from bot.app import build_application
from bot.context import Services, TongxinApplication
from bot.settings import Settings
from handlers.kit import Feature
from jobs.outbox import OutboxPump
from sandbox.state import SandboxState
from sandbox.transport import SandboxRequest
from tests.channels.wechat.quota_audit import WechatQuotaAudit, act_kind

# The "➡️ more" choice under a screen too long for elder mode (nav.more, in every language).
MORE_MARK = "➡️"
MAX_PAGES = 5

Message = dict[str, Any]


class BotHarness:
    """One sandbox plus the bot; ``restart()`` builds a fresh Application on the same DB."""

    def __init__(self, settings: Settings, services: Services) -> None:
        self.settings = settings
        self.services = services
        self.state = SandboxState()
        self.app: TongxinApplication | None = None
        self.features: Sequence[Feature] | None = None  # None: the registry's FEATURES
        # Every private act's answer is also played on an emulated WeChat (quota_audit.py).
        self.audit = WechatQuotaAudit()

    async def start(self) -> TongxinApplication:
        """Build, initialise and start the Application (no updater: updates are fed in)."""
        self.app = build_application(
            self.settings,
            services=self.services,
            request=AuditedRequest(self.state, self.audit),
            get_updates_request=SandboxRequest(self.state),
            rate_limit=False,
            updater=False,
            sender_request=AuditedRequest(self.state, self.audit),
            features=self.features,
        )
        await self.app.initialize()
        await self.app.start()
        return self.app

    @property
    def pump(self) -> OutboxPump:
        """The application's outbox pump (sending through the same sandbox)."""
        assert isinstance(self.app, TongxinApplication)
        assert isinstance(self.app.pump, OutboxPump)
        return self.app.pump

    async def drain_outbox(self, *, quiet: bool | None = False, horizon: float = 5.0) -> int:
        """Send every outbox row due now (or within ``horizon`` s); return how many were handled.

        Quiet hours are ignored unless ``quiet`` is True, or None (then the clock decides).
        """
        return await self.pump.drain(quiet=quiet, horizon=horizon)

    async def flush_persistence(self) -> None:
        """Write UI state to the database now, exactly as PTB's periodic persistence flush does
        while the bot runs (instead of waiting for it)."""
        assert self.app is not None and self.app.running
        await self.app.update_persistence()

    async def stop(self) -> None:
        """Stop and shut down (flushes persistence)."""
        if self.app is not None:
            if self.app.running:
                await self.app.stop()
            await self.app.shutdown()
            self.app = None

    async def restart(self) -> TongxinApplication:
        """Simulate a process restart: a new Application reading state back from the DB."""
        await self.stop()
        return await self.start()

    async def feed(self, update: dict[str, Any]) -> None:
        """Process one update dict exactly as the bot would receive it."""
        assert self.app is not None
        await self.app.process_update(Update.de_json(update, self.app.bot))

    def group(self, chat_id: int, title: str = "社区群", kind: str = "group") -> int:
        """A group chat (or "supergroup", "channel") in the sandbox; returns its id."""
        self.state.group(chat_id, title, kind)
        return chat_id

    async def channel_post(self, chat_id: int, text: str) -> list[Message]:
        """A post in a channel; returns what the bot said there."""
        since = self.state.last_message_id(chat_id)
        await self.feed(self.state.channel_post(chat_id, text))
        return self.state.messages(chat_id, since=since)

    def user(
        self, user_id: int, language_code: str | None = "zh-hans", first_name: str = "王阿姨"
    ) -> SimUser:
        """A simulated Telegram user with a private chat."""
        self.state.user(user_id, first_name=first_name, language_code=language_code)
        return SimUser(self, user_id)


class AuditedRequest(SandboxRequest):
    """The sandbox transport, telling the WeChat quota audit what each successful call showed."""

    def __init__(self, state: SandboxState, audit: WechatQuotaAudit) -> None:
        super().__init__(state)
        self.audit = audit

    async def do_request(  # type: ignore[override]
        self, url: str, method: str, request_data: RequestData | None = None, **timeouts: Any
    ) -> tuple[int, bytes]:
        """Run the call in the sandbox; a success is shown to the audit."""
        status, body = await super().do_request(url, method, request_data, **timeouts)
        if status == 200 and request_data is not None and "/bot" in url:
            params = request_data.parameters
            self.audit.sent(
                self._chat_of(params),
                url.rsplit("/", 1)[-1],
                dict(params),
                request_data.contains_files,
            )
        return status, body

    def _chat_of(self, params: Any) -> int | None:
        query = params.get("callback_query_id")
        if query is not None:
            found = self.state.callback_queries.get(str(query))
            return int(found["user_id"]) if found else None
        chat = params.get("chat_id")
        try:
            return int(chat) if chat is not None else None
        except (TypeError, ValueError):
            return None


class SimUser:
    """A person talking to the bot; each action returns what the bot sent in reply."""

    def __init__(self, harness: BotHarness, user_id: int) -> None:
        self.harness = harness
        self.id = user_id

    @property
    def state(self) -> SandboxState:
        """The sandbox."""
        return self.harness.state

    def _mark(self, chat: int | None = None) -> int:
        return int(self.state.last_message_id(self.id if chat is None else chat) or 0)

    async def _act(self, update: dict[str, Any], chat: int | None = None) -> list[Message]:
        since = self._mark(chat)
        if chat is not None:  # a group: WeChat has none
            await self.harness.feed(update)
            return self.state.messages(chat, since=since)
        audit = self.harness.audit
        audit.begin(self.id, act_kind(update))
        try:
            await self.harness.feed(update)
        finally:
            over_quota = audit.end(self.id)
        assert not over_quota, over_quota[0]
        return self.state.messages(self.id, since=since)

    async def send(self, text: str) -> list[Message]:
        """Type a text message (or a /command)."""
        return await self._act(self.state.send_text(self.id, text))

    async def send_in(self, chat: int, text: str) -> list[Message]:
        """Type a text message (or a /command) in a group; returns what the bot said there."""
        return await self._act(self.state.send_text(self.id, text, chat), chat)

    async def edit(self, text: str, chat: int | None = None) -> list[Message]:
        """Edit the text of this user's latest message in the chat (private unless ``chat``)."""
        where = self.state.get_user_chat(self.id, chat)
        mine = [r for r in where.messages.values() if not r["from_bot"]]
        update = self.state.edit_text(self.id, mine[-1]["message_id"], text, chat)
        return await self._act(update, chat)

    async def add_bot_to(self, chat: int, status: str = "member") -> list[Message]:
        """Add the bot to a group (or make it an "administrator" there)."""
        return await self._act(self.state.set_bot_status(chat, status, self.id), chat)

    async def remove_bot_from(self, chat: int, status: str = "kicked") -> list[Message]:
        """Remove the bot from a group ("kicked", or "left")."""
        return await self._act(self.state.set_bot_status(chat, status, self.id), chat)

    async def press(self, label: str) -> list[Message]:
        """Tap a reply-keyboard button by its exact label (must be on the current keyboard)."""
        return await self._act(self.state.press(self.id, label))

    async def choose(self, words: str) -> list[Message]:
        """Tap the reply-keyboard button whose label contains ``words``, paging with "➡️ more"
        (elder mode's screens hold 6 choices) while it is not on screen, as a person would."""
        for _ in range(MAX_PAGES):
            if any(words in label for label in self.buttons()):
                break
            more = [label for label in self.buttons() if MORE_MARK in label]
            if not more:
                break
            await self.press(more[0])
        return await self.press(self.button(words))

    async def tap(
        self, message: Message, callback_data: str, chat: int | None = None
    ) -> list[Message]:
        """Tap an inline button under one of the bot's messages (in a group when ``chat``)."""
        update = self.state.tap(self.id, message["message_id"], callback_data, chat)
        return await self._act(update, chat)

    async def forge_tap(self, callback_data: str) -> list[Message]:
        """Tap any ``callback_data`` under the bot's last message, as a modified client can."""
        state = self.state
        chat = state.get_user_chat(self.id, None)
        rec = next(
            r for r in reversed(chat.messages.values()) if r["from_bot"] and not r["deleted"]
        )
        query_id = str(4_000_000_000_000 + state.next_id())
        state.callback_queries[query_id] = {
            "id": query_id,
            "user_id": self.id,
            "message_id": rec["message_id"],
            "data": callback_data,
            "answered": False,
        }
        query = {
            "id": query_id,
            "from": dict(state.users[self.id]),
            "message": state.tg_message(rec),
            "chat_instance": "42",
            "data": callback_data,
        }
        return await self._act(state.emit({"callback_query": query}))

    async def share_contact(self, phone: str) -> list[Message]:
        """Share a phone number through the contact button."""
        return await self._act(self.state.share_contact(self.id, phone))

    async def sticker(self) -> list[Message]:
        """Send a sticker."""
        return await self._act(self.state.send_sticker(self.id))

    async def voice(self, data: bytes = b"OggS-fake-voice") -> list[Message]:
        """Send a voice note."""
        return await self._act(self.state.send_voice(self.id, data))

    async def photo(self, data: bytes = b"\x89PNG-fake") -> list[Message]:
        """Send a photo."""
        return await self._act(self.state.send_photo(self.id, data))

    def keyboard(self) -> list[list[str]]:
        """Labels of the reply keyboard currently shown (empty when none)."""
        return self.state.reply_keyboard(self.id) or []

    def buttons(self) -> list[str]:
        """All reply-keyboard labels, flattened."""
        return [label for row in self.keyboard() for label in row]

    def button(self, words: str) -> str:
        """The one label on the keyboard containing ``words``."""
        found = [label for label in self.buttons() if words in label]
        assert len(found) == 1, f"{words!r} not exactly once in {self.buttons()}"
        return found[0]

    def last_text(self) -> str:
        """Text (or caption) of the bot's latest message in this chat."""
        message = self.state.last_message(self.id)
        assert message is not None, "the bot has said nothing"
        return str(message.get("text") or message.get("caption") or "")
