"""The web chat's HTTP side: the page, its assets, and a JSON API over the in-process sandbox.

Like the sandbox, it sits behind :mod:`sandbox.guard`: the Host must name this server, POSTs
must come from this page (or from no page at all) and carry ``application/json``, the photo and
voice uploads ``multipart/form-data``.
"""

from __future__ import annotations

import errno
import logging
from collections.abc import Awaitable, Callable, Iterable, Sequence
from pathlib import Path

from aiohttp import web

from sandbox.guard import JSON_BODY, UPLOAD_BODY, Guard, guard_of, install_guard
from sandbox.state import SandboxState
from sandbox.webchat.acts import UPLOADS, add_act_routes
from sandbox.webchat.chat import WEBCHAT_KEY, WebChat, chat_of, json_body, reply
from sandbox.webchat.personas import Persona, TakenIds, new_persona
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
_Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@web.middleware
async def _headers_and_errors(request: web.Request, handler: _Handler) -> web.StreamResponse:
    try:
        response = await handler(request)
    except (ValueError, KeyError, TypeError) as exc:
        return reply({"ok": False, "error": f"{type(exc).__name__}: {exc}"}, 400)
    response.headers.setdefault("Content-Security-Policy", _CSP)
    response.headers.setdefault("Cache-Control", "no-store")
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    return response


async def _asset(request: web.Request) -> web.Response:
    name, content_type = _PAGES[request.path]
    body = (ASSETS / name).read_bytes()
    return web.Response(body=body, content_type=content_type, charset="utf-8")


async def _personas(request: web.Request) -> web.Response:
    chat = chat_of(request)
    wechat = request.app.get(WECHAT_KEY)
    return reply(
        {
            "personas": [p.as_json() for p in chat.personas.values()],
            "wechat": {"account": wechat.account} if wechat is not None else None,
        }
    )


async def _new_persona(request: web.Request) -> web.Response:
    chat = chat_of(request)
    body = await json_body(request)
    user_id = await chat.allocate()
    persona = new_persona(user_id, str(body.get("language", "zh")))
    chat.state.user(user_id, first_name=persona.name, language_code=persona.language_code)
    logger.info("web chat: new user %s", user_id)
    return reply(persona.as_json())


async def _updates(request: web.Request) -> web.Response:
    """Long-poll: answer as soon as any watched chat differs from what the page has."""
    chat = chat_of(request)
    body = await json_body(request)
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
    return reply({"chats": changed})


def _body_types(request: web.Request) -> frozenset[str]:
    """Uploads are multipart forms; everything else the page posts is JSON."""
    upload = request.path.startswith("/api/chats/") and request.path.rsplit("/", 1)[-1] in UPLOADS
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
    add_act_routes(r)
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
