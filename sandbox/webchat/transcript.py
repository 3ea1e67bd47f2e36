"""What the page shows of one chat: both sides of it, the reply keyboard and callback answers.

Snapshots are plain JSON; the page re-renders what changed (edits, deletions) by message id.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from sandbox.state import SandboxState

JSON = dict[str, Any]

HISTORY = 150  # messages of a chat the page shows (the newest)
ANSWERS = 5  # callback answers sent with each snapshot (the page shows only unseen ones)


def snapshot(state: SandboxState, user_id: int) -> JSON:
    """The private chat of ``user_id`` as the page renders it."""
    answers = state.callback_answers(user_id)
    first = max(len(answers) - ANSWERS, 0)
    return {
        "messages": [_message(rec) for rec in state.conversation(user_id, HISTORY)],
        "keyboard": _keyboard(state.reply_keyboard_buttons(user_id)),
        "answers_total": len(answers),
        "answers": [
            {"index": first + i, "text": a.get("text") or "", "alert": bool(a.get("show_alert"))}
            for i, a in enumerate(answers[first:])
        ],
    }


def digest(snap: JSON) -> str:
    """A short fingerprint of a snapshot: the page asks for news against it."""
    raw = json.dumps(snap, sort_keys=True, ensure_ascii=False).encode()
    return hashlib.sha256(raw).hexdigest()[:20]


def file_url(file_id: str) -> str:
    """Where the page downloads a file the sandbox holds (relative to the page)."""
    return f"api/files/{file_id}"


def _keyboard(rows: list[list[JSON]] | None) -> list[list[JSON]] | None:
    if rows is None:
        return None
    return [
        [{"text": str(b.get("text", "")), "contact": bool(b.get("request_contact"))} for b in row]
        for row in rows
    ]


def _inline(markup: Any) -> list[list[JSON]]:
    rows = markup.get("inline_keyboard") if isinstance(markup, dict) else None
    out = []
    for row in rows or []:
        buttons = []
        for b in row:
            button: JSON = {"text": str(b.get("text", ""))}
            if "callback_data" in b:
                button["data"] = str(b["callback_data"])
            elif "url" in b:
                button["url"] = str(b["url"])
            buttons.append(button)
        out.append(buttons)
    return out


def _message(rec: JSON) -> JSON:
    if not rec["from_bot"]:
        return _user_message(rec)
    info = rec.get("file") or {}
    out: JSON = {
        "id": rec["message_id"],
        "side": "bot",
        "kind": rec["kind"],
        "text": rec["text"] if rec["kind"] == "text" else rec["caption"] or "",
        "edited": rec["edited"] > 0,
        "date": rec["date"],
        "inline": _inline(rec.get("reply_markup")),
    }
    if info:
        out["file"] = {
            "url": file_url(info["file_id"]) if info.get("bytes") else None,
            "name": info.get("file_name") or "",
            "mime": info.get("mime_type") or "",
            "size": info.get("file_size") or 0,
            "duration": info.get("duration"),
        }
    return out


def _user_message(rec: JSON) -> JSON:
    msg = rec["message"]
    out: JSON = {
        "id": rec["message_id"],
        "side": "me",
        "kind": "text",
        "text": msg.get("text") or msg.get("caption") or "",
        "edited": "edit_date" in msg,
        "date": msg.get("date", 0),
        "inline": [],
    }
    media: JSON | None = None
    if msg.get("photo"):
        out["kind"], media = "photo", msg["photo"][-1]
    elif "voice" in msg:
        out["kind"], media = "voice", msg["voice"]
    elif "document" in msg:
        out["kind"], media = "document", msg["document"]
    elif "sticker" in msg:
        out.update(kind="sticker", text=msg["sticker"].get("emoji", ""))
    elif "contact" in msg:
        out.update(kind="contact", text=msg["contact"].get("phone_number", ""))
    elif "text" not in msg:
        out["kind"] = "other"
    if media is not None:
        out["file"] = {
            "url": file_url(media["file_id"]),
            "name": media.get("file_name") or "",
            "mime": media.get("mime_type") or "",
            "size": media.get("file_size") or 0,
            "duration": media.get("duration"),
        }
    return out
