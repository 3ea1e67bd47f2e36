"""The web chat's acts: what a persona says, taps, shares or sends, and the files it opens.

Each act is one sandbox call (``SandboxState.send_text`` …), as a Telegram client would make it.
"""

from __future__ import annotations

from urllib.parse import quote

from aiohttp import web

from sandbox.core import StoredFile
from sandbox.webchat.chat import chat_of, json_body, reply, user_of

MAX_TEXT = 4096
#: The acts whose body is a multipart upload (the rest post JSON).
UPLOADS = frozenset({"photo", "voice"})


async def _text(request: web.Request) -> web.Response:
    user_id, body = user_of(request), await json_body(request)
    text = str(body["text"])
    if not text.strip() or len(text) > MAX_TEXT:
        raise ValueError(f"text must have 1 to {MAX_TEXT} characters")
    chat_of(request).state.send_text(user_id, text)
    return reply({"ok": True})


async def _press(request: web.Request) -> web.Response:
    user_id, body = user_of(request), await json_body(request)
    chat_of(request).state.press(user_id, str(body["label"]))
    return reply({"ok": True})


async def _tap(request: web.Request) -> web.Response:
    user_id, body = user_of(request), await json_body(request)
    chat_of(request).state.tap(user_id, int(body["message_id"]), str(body["data"]))
    return reply({"ok": True})


async def _contact(request: web.Request) -> web.Response:
    chat_of(request).state.share_contact(user_of(request))
    return reply({"ok": True})


async def _upload(request: web.Request) -> tuple[bytes, dict[str, str]]:
    data, fields = b"", {}
    form = await request.post()
    for name, value in form.items():
        if isinstance(value, web.FileField):
            data = bytes(value.file.read())
        else:
            fields[name] = str(value)
    if not data:
        raise ValueError("no file in the upload")
    return data, fields


async def _photo(request: web.Request) -> web.Response:
    user_id = user_of(request)
    data, fields = await _upload(request)
    chat_of(request).state.send_photo(user_id, data, fields.get("caption", "")[:1024])
    return reply({"ok": True})


async def _voice(request: web.Request) -> web.Response:
    user_id = user_of(request)
    data, fields = await _upload(request)
    duration = max(1, min(int(float(fields.get("duration") or 1)), 3600))
    chat_of(request).state.send_voice(user_id, data, duration)
    return reply({"ok": True})


async def _file(request: web.Request) -> web.Response:
    stored = chat_of(request).state.file_by_id(request.match_info["file_id"])
    if stored is None or not stored.data:
        return reply({"ok": False, "error": "no such file"}, 404)
    response = web.Response(body=stored.data, content_type=_mime(stored))
    if stored.file_path.startswith("documents/"):
        name = stored.file_name or stored.file_path.rsplit("/", 1)[-1]
        response.headers["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


def _mime(stored: StoredFile) -> str:
    if stored.mime_type:
        return stored.mime_type
    head = stored.data[:12]
    for magic, mime in (
        (b"\x89PNG", "image/png"), (b"\xff\xd8", "image/jpeg"), (b"GIF8", "image/gif"),
        (b"OggS", "audio/ogg"), (b"%PDF", "application/pdf"),
    ):  # fmt: skip
        if head.startswith(magic):
            return mime
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return "image/webp"
    return "application/octet-stream"


def add_act_routes(router: web.UrlDispatcher) -> None:
    """The acts under ``/api/chats/<user id>/`` and the files under ``/api/files/``."""
    chat = "/api/chats/{user_id:\\d+}"
    for suffix, handler in (
        ("text", _text), ("press", _press), ("tap", _tap), ("contact", _contact),
        ("photo", _photo), ("voice", _voice),
    ):  # fmt: skip
        router.add_post(f"{chat}/{suffix}", handler)
    router.add_get("/api/files/{file_id}", _file)
