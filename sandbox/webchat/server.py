"""The web chat's HTTP side: the page, its assets, and a JSON API over the in-process sandbox.

Like the sandbox, it sits behind :mod:`sandbox.guard`: the Host must name this server, POSTs
must come from this page (or from no page at all) and carry ``application/json``, the photo and
voice uploads ``multipart/form-data``.
"""

from __future__ import annotations

import errno
import json
import logging
from collections.abc import Awaitable, Callable, Iterable, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote

from aiohttp import web

from sandbox.core import StoredFile
from sandbox.guard import JSON_BODY, UPLOAD_BODY, Guard, guard_of, install_guard
from sandbox.state import SandboxState
from sandbox.webchat.personas import (
    NEW_USER_NAMES,
    Persona,
    TakenIds,
    counting_allocator,
    new_persona,
)
from sandbox.webchat.transcript import JSON, digest, snapshot
from sandbox.webchat.wechat import WECHAT_KEY, WechatChats, add_wechat_routes

logger = logging.getLogger(__name__)

ASSETS = Path(__file__).parent
_PAGES = {
    "/": ("index.html", "text/html"),
    "/i18n.js": ("i18n.js", "text/javascript"),
    "/common.js": ("common.js", "text/javascript"),
    "/panel.js": ("panel.js", "text/javascript"),
    "/wechat.js": ("wechat.js", "text/javascript"),
    "/app.js": ("app.js", "text/javascript"),
    "/style.css": ("style.css", "text/css"),
}
# Nothing may come from anywhere but this server: the page must work offline.
_CSP = (
    "default-src 'self'; img-src 'self' blob: data:; media-src 'self' blob:; "
    "style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'"
)
MAX_CHATS = 20  # chats one long-poll may watch
MAX_WAIT = 25.0  # seconds a long-poll may wait
MAX_TEXT = 4096
_Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


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


def _chat(request: web.Request) -> WebChat:
    return request.app[WEBCHAT_KEY]


def _reply(obj: Any, status: int = 200) -> web.Response:
    return web.json_response(obj, status=status, dumps=lambda o: json.dumps(o, ensure_ascii=False))


@web.middleware
async def _headers_and_errors(request: web.Request, handler: _Handler) -> web.StreamResponse:
    try:
        response = await handler(request)
    except (ValueError, KeyError, TypeError) as exc:
        return _reply({"ok": False, "error": f"{type(exc).__name__}: {exc}"}, 400)
    response.headers.setdefault("Content-Security-Policy", _CSP)
    response.headers.setdefault("Cache-Control", "no-store")
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    return response


async def _asset(request: web.Request) -> web.Response:
    name, content_type = _PAGES[request.path]
    body = (ASSETS / name).read_bytes()
    return web.Response(body=body, content_type=content_type, charset="utf-8")


async def _json_body(request: web.Request) -> JSON:
    if not request.can_read_body:
        return {}
    data = await request.json()
    if not isinstance(data, dict):
        raise ValueError("JSON object expected")
    return data


def _uid(request: web.Request) -> int:
    user_id = int(request.match_info["user_id"])
    _chat(request).ensure_user(user_id)
    return user_id


async def _personas(request: web.Request) -> web.Response:
    chat = _chat(request)
    wechat = request.app.get(WECHAT_KEY)
    return _reply(
        {
            "personas": [p.as_json() for p in chat.personas.values()],
            "wechat": {"account": wechat.account} if wechat is not None else None,
        }
    )


async def _new_persona(request: web.Request) -> web.Response:
    chat = _chat(request)
    body = await _json_body(request)
    user_id = await chat.allocate()
    persona = new_persona(user_id, str(body.get("language", "zh")))
    chat.state.user(user_id, first_name=persona.name, language_code=persona.language_code)
    logger.info("web chat: new user %s", user_id)
    return _reply(persona.as_json())


async def _updates(request: web.Request) -> web.Response:
    """Long-poll: answer as soon as any watched chat differs from what the page has."""
    chat = _chat(request)
    body = await _json_body(request)
    known = {int(k): str(v) for k, v in dict(body["chats"]).items()}
    if len(known) > MAX_CHATS:
        raise ValueError(f"at most {MAX_CHATS} chats")
    for user_id in known:
        chat.ensure_user(user_id)
    timeout = min(max(float(body.get("timeout", MAX_WAIT)), 0.0), MAX_WAIT)
    changed: dict[str, JSON] = {}

    def news() -> bool:
        changed.clear()
        for user_id, seen in known.items():
            snap = snapshot(chat.state, user_id)
            fingerprint = digest(snap)
            if fingerprint != seen:
                changed[str(user_id)] = {"digest": fingerprint, **snap}
        return bool(changed)

    await chat.state.wait_until(news, timeout)
    return _reply({"chats": changed})


async def _text(request: web.Request) -> web.Response:
    user_id, body = _uid(request), await _json_body(request)
    text = str(body["text"])
    if not text.strip() or len(text) > MAX_TEXT:
        raise ValueError(f"text must have 1 to {MAX_TEXT} characters")
    _chat(request).state.send_text(user_id, text)
    return _reply({"ok": True})


async def _press(request: web.Request) -> web.Response:
    user_id, body = _uid(request), await _json_body(request)
    _chat(request).state.press(user_id, str(body["label"]))
    return _reply({"ok": True})


async def _tap(request: web.Request) -> web.Response:
    user_id, body = _uid(request), await _json_body(request)
    _chat(request).state.tap(user_id, int(body["message_id"]), str(body["data"]))
    return _reply({"ok": True})


async def _contact(request: web.Request) -> web.Response:
    _chat(request).state.share_contact(_uid(request))
    return _reply({"ok": True})


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
    user_id = _uid(request)
    data, fields = await _upload(request)
    _chat(request).state.send_photo(user_id, data, fields.get("caption", "")[:1024])
    return _reply({"ok": True})


async def _voice(request: web.Request) -> web.Response:
    user_id = _uid(request)
    data, fields = await _upload(request)
    duration = max(1, min(int(float(fields.get("duration") or 1)), 3600))
    _chat(request).state.send_voice(user_id, data, duration)
    return _reply({"ok": True})


async def _file(request: web.Request) -> web.Response:
    stored = _chat(request).state.file_by_id(request.match_info["file_id"])
    if stored is None or not stored.data:
        return _reply({"ok": False, "error": "no such file"}, 404)
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


_UPLOADS = frozenset({"photo", "voice"})


def _body_types(request: web.Request) -> frozenset[str]:
    """Uploads are multipart forms; everything else the page posts is JSON."""
    upload = request.path.startswith("/api/chats/") and request.path.rsplit("/", 1)[-1] in _UPLOADS
    return UPLOAD_BODY if upload else JSON_BODY


def build_webchat_app(
    state: SandboxState,
    personas: Sequence[Persona],
    new_user_ids: range,
    taken: TakenIds | None = None,
    allowed_hosts: Iterable[str] = (),
    wechat: WechatChats | None = None,
) -> web.Application:
    """The page and its ``/api`` for ``personas``; new users get ids in ``new_user_ids``.

    With ``wechat`` (the emulator's control API) the page also chats as WeChat personas.

    ``allowed_hosts`` are further Host header values to answer to (see :mod:`sandbox.guard`).
    """
    # taken() names ids already in use (default: the sandbox's users); new ids lie above them.
    app = web.Application(client_max_size=20 * 1024 * 1024, middlewares=[_headers_and_errors])
    install_guard(app, Guard(_body_types, pages=True, allowed_hosts=allowed_hosts))
    if wechat is None:  # no emulated WeChat to chat through: its personas are left out
        personas = [p for p in personas if p.channel != "wechat"]
    app[WEBCHAT_KEY] = WebChat(state, personas, new_user_ids, taken)
    r = app.router
    for path in _PAGES:
        r.add_get(path, _asset)
    r.add_get("/api/personas", _personas)
    r.add_post("/api/personas/new", _new_persona)
    r.add_post("/api/updates", _updates)
    chat = "/api/chats/{user_id:\\d+}"
    for suffix, handler in (
        ("text", _text), ("press", _press), ("tap", _tap), ("contact", _contact),
        ("photo", _photo), ("voice", _voice),
    ):  # fmt: skip
        r.add_post(f"{chat}/{suffix}", handler)
    r.add_get("/api/files/{file_id}", _file)
    if wechat is not None:
        add_wechat_routes(app, wechat)
    return app


async def start_webchat(
    app: web.Application, host: str = "127.0.0.1", port: int = 0, *, any_port: bool = True
) -> tuple[web.AppRunner, int]:
    """Serve the web chat on host:port; if that port is taken (and ``any_port``), on a free one.

    It answers to Host headers naming the loopback addresses or ``host`` on the bound port.
    """
    guard = guard_of(app)
    if guard is not None:
        guard.bind(host)
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    try:
        await site.start()
    except OSError as exc:
        await site.stop()
        if not any_port or port == 0 or exc.errno != errno.EADDRINUSE:
            await runner.cleanup()
            raise
        logger.warning("port %s is taken; the web chat uses another one", port)
        await web.TCPSite(runner, host, 0).start()
    bound = int(runner.addresses[0][1])
    logger.info("web chat on http://%s:%s/", host, bound)
    return runner, bound
