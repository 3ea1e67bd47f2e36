"""Every simulated user's answers, played on an emulated WeChat: does each fit WeChat's quota?

The flow suite drives the real bot through the Telegram sandbox (``tests.harness``). WeChat
residents get the same answers through the bridge, which merges the sends caused by one act
into as few WeChat messages as it can (``channels.wechat.pieces.merge``) and may send only a
few of them: 5 after a message, 3 after a follow, a menu click or a scan (issue 15). So every
act of a ``SimUser`` in a private chat is audited:

- its sends to that chat (including edits and callback answers with a text) become the
  bridge's pieces, merged by the bridge's own ``merge``;
- an emulated WeChat ``World`` (``channels.wechat.emulator``) opens the act's window (a
  ``/start``, which is how a follow reaches the bot, counts as an event: 3) and takes the merged
  messages as customer-service sends, refusing what is over the quota;
- a refusal fails the test at that act, naming what would not have arrived.

Windows opened by earlier acts are closed first, so each answer must fit on its own (stricter
than WeChat, where an older window with room could carry more). Acts of one user that overlap
(a double tap) share a burst, as on the bridge, with one window each. ``AUDITED`` sums the acts
for the run's summary line (``tests/conftest.py``).
"""

from __future__ import annotations

import contextlib
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from channels.wechat.emulator.world import WECHAT_QUOTA, WechatError, Window, World
from channels.wechat.pieces import Piece, buttons_of, merge, wechat_body

#: Totals of this process's audit: acts, messages, the largest answer, refusals.
AUDITED: Counter[str] = Counter()

# Bot API methods that show nothing on WeChat (sends.ACCEPTED and the reads).
_SILENT_PREFIXES = ("get", "set", "delete", "unpin", "pin", "log", "close", "answerinline")
_SILENT = frozenset({"sendchataction", "setmessagereaction", "leavechat", "banchatmember"})


def piece_of(method: str, params: dict[str, Any], has_file: bool) -> Piece | None:
    """What the bridge would hold for one successful Bot API call (None: nothing is shown).

    Mirrors ``channels.wechat.sends.Sends.call``: an edit is a new message unless it only
    removes buttons; a photo (or any other media) is a message of its own, its caption joining
    what follows; a document is a link, a text.
    """
    method = method.lower()
    if method == "answercallbackquery":
        text = str(params.get("text") or "")
        return Piece(0, text) if text else None
    if method in _SILENT or method.startswith(_SILENT_PREFIXES):
        return None
    buttons = buttons_of(params.get("reply_markup"))
    caption = str(params.get("caption") or "")
    if method == "editmessagereplymarkup":
        return Piece(0, "", buttons) if buttons else None
    if method in ("editmessagetext", "editmessagecaption", "sendmessage"):
        return Piece(0, str(params.get("text") or caption), buttons)
    if method == "senddocument":
        return Piece(0, "\n".join(p for p in (caption, "📄 document\nhttps://…") if p), buttons)
    if method.startswith("send") or has_file:
        return Piece(0, caption, buttons, media_id="media")
    return None


@dataclass
class _Burst:
    """The acts of one chat in progress and what was sent to it meanwhile."""

    acts: int = 0
    kinds: list[str] = field(default_factory=list)
    pieces: list[Piece] = field(default_factory=list)


class WechatQuotaAudit:
    """Plays the sandbox users' answers on an emulated WeChat (one per harness)."""

    def __init__(self) -> None:
        self.world = World(app_id="audit", secret="audit")
        self._bursts: dict[int, _Burst] = {}
        self._media_id = self.world.upload("image", "audit.png", b"")["media_id"]

    def begin(self, chat_id: int, kind: str) -> None:
        """A user's act starts ("message" or "event"): its window opens."""
        burst = self._bursts.setdefault(chat_id, _Burst())
        user = self.world.follower(str(chat_id))
        user.following = True
        if burst.acts == 0:
            user.windows.clear()
        seconds, limit = WECHAT_QUOTA[kind]
        now = self.world.clock()
        user.windows[f"{kind}-{burst.acts}"] = Window(kind, now, seconds, limit)
        burst.acts += 1
        burst.kinds.append(kind)

    def sent(
        self, chat_id: int | None, method: str, params: dict[str, Any], has_file: bool
    ) -> None:
        """The bot's successful call: held when it shows something in a chat acting now."""
        if chat_id is None or chat_id not in self._bursts:
            return
        piece = piece_of(method, params, has_file)
        if piece is not None:
            self._bursts[chat_id].pieces.append(piece)

    def end(self, chat_id: int) -> list[str]:
        """The act is answered: send its burst once the chat's last act ends; what was refused."""
        burst = self._bursts[chat_id]
        burst.acts -= 1
        if burst.acts > 0:
            return []
        del self._bursts[chat_id]
        openid = str(chat_id)
        user = self.world.follower(openid)
        refused = len(user.refused)
        messages = merge(burst.pieces)
        for message in messages:
            if message.media_id is not None:
                message.media_id = self._media_id
            body = wechat_body(openid, message, list(range(len(message.lines))))
            with contextlib.suppress(WechatError):  # a refusal is kept in user.refused
                self.world.custom_send(body)
        AUDITED["acts"] += 1
        AUDITED["messages"] += len(messages)
        AUDITED["largest"] = max(AUDITED["largest"], len(messages))
        over = user.refused[refused:]
        if not over:
            return []
        AUDITED["refused"] += len(over)
        limit = sum(WECHAT_QUOTA[kind][1] for kind in burst.kinds)
        return [
            f"On WeChat this answer takes {len(messages)} messages, over the quota of {limit} "
            f"for {'+'.join(burst.kinds)}; not delivered: "
            + " | ".join(_summary(body) for _code, body in over)
        ]


def _summary(body: dict[str, Any]) -> str:
    kind = body.get("msgtype")
    if kind == "text":
        return str(body["text"]["content"])[:60]
    if kind == "msgmenu":
        return str(body["msgmenu"]["head_content"])[:60] + " [menu]"
    return f"[{kind}]"


def act_kind(update: dict[str, Any]) -> str:
    """A ``/start`` (how a follow or a scan reaches the bot) is an event; the rest messages."""
    text = str((update.get("message") or {}).get("text") or "")
    return "event" if text.startswith("/start") else "message"
