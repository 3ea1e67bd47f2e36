"""HTTP face of the emulator: the Bot API under /bot<token>/, files, and a /control API.

Every request passes :mod:`sandbox.guard` first: the Host must name this server, a browser's
request must come from this server's own origin, and every state-changing ``/control`` request
(POST, DELETE) must carry ``Content-Type: application/json``, a body included or not. The media
actions take their bytes base64-encoded in that JSON (``{"data_base64": "…", "caption": "…"}``
for ``photo``; ``duration`` for ``voice``; ``file_name`` and ``mime_type`` for ``document``);
without ``data_base64`` a small placeholder file is sent.
"""

from __future__ import annotations

import base64
import json
import logging
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from aiohttp import web

from sandbox.core import JSON, FileTuple
from sandbox.guard import JSON_BODY, Guard, guard_of, install_guard
from sandbox.state import SandboxState

logger = logging.getLogger(__name__)

STATE_KEY = web.AppKey("sandbox_state", SandboxState)
_Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def _state(request: web.Request) -> SandboxState:
    return request.app[STATE_KEY]


def _dumps(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, default=_default)


def _default(obj: Any) -> Any:
    if isinstance(obj, bytes | bytearray):
        return {"size": len(obj)}
    raise TypeError(f"{type(obj).__name__} is not JSON serialisable")


def _reply(obj: Any, status: int = 200) -> web.Response:
    return web.json_response(obj, status=status, dumps=_dumps)


async def _bot_api(request: web.Request) -> web.Response:
    params: JSON = dict(request.query)
    files: dict[str, FileTuple] = {}
    if request.method == "POST" and request.can_read_body:
        if request.content_type == "application/json":
            body = await request.json()
            if not isinstance(body, dict):
                return _reply({"ok": False, "error_code": 400, "description": "Bad Request"}, 400)
            params.update(body)
        else:
            form = await request.post()
            for name, value in form.items():
                if isinstance(value, web.FileField):
                    data = value.file.read()
                    files[name] = (value.filename, data, value.content_type)
                elif isinstance(value, bytes | bytearray):
                    params[name] = bytes(value).decode()
                else:
                    params[name] = value
    token, method = request.match_info["token"], request.match_info["method"]
    status, body = await _state(request).call(token, method, params, files)
    return _reply(body, status)


async def _file(request: web.Request) -> web.Response:
    stored = _state(request).file_by_path(request.match_info["path"])
    if stored is None:
        return _reply({"ok": False, "error_code": 404, "description": "Not Found"}, 404)
    return web.Response(
        body=stored.data, content_type=stored.mime_type or "application/octet-stream"
    )


# -- control API ----------------------------------------------------------------------------
@web.middleware
async def _control_errors(request: web.Request, handler: _Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except (ValueError, KeyError, TypeError) as exc:
        if not request.path.startswith("/control"):
            raise
        return _reply({"ok": False, "error": f"{type(exc).__name__}: {exc}"}, 400)


async def _body(request: web.Request) -> JSON:
    if not request.can_read_body:
        return {}
    raw = await request.read()
    if not raw.strip():
        return {}
    data = json.loads(raw)
    if not isinstance(data, dict):
        raise ValueError("JSON object expected")
    return data


def _uid(request: web.Request) -> int:
    return int(request.match_info["user_id"])


def _opt_int(value: Any) -> int | None:
    return None if value is None or value == "" else int(value)


def _media(body: JSON, placeholder: bytes) -> bytes:
    """The file bytes of a media action (``data_base64``), or a placeholder without them."""
    raw = body.get("data_base64")
    if raw is None or raw == "":
        return placeholder
    return base64.b64decode(str(raw), validate=True)  # binascii.Error is a ValueError: 400


async def _c_user(request: web.Request) -> web.Response:
    b = await _body(request)
    kwargs = {
        k: b[k] for k in ("first_name", "language_code", "username", "phone_number") if k in b
    }
    return _reply(_state(request).user(int(b["user_id"]), **kwargs))


async def _c_text(request: web.Request) -> web.Response:
    b = await _body(request)
    return _reply(
        _state(request).send_text(_uid(request), str(b["text"]), _opt_int(b.get("chat_id")))
    )


async def _c_press(request: web.Request) -> web.Response:
    b = await _body(request)
    return _reply(_state(request).press(_uid(request), str(b["label"]), _opt_int(b.get("chat_id"))))


async def _c_tap(request: web.Request) -> web.Response:
    b = await _body(request)
    state, uid = _state(request), _uid(request)
    message_id, chat_id = _opt_int(b.get("message_id")), _opt_int(b.get("chat_id"))
    if "callback_data" in b:
        return _reply(state.tap(uid, message_id, str(b["callback_data"]), chat_id))
    return _reply(state.tap_label(uid, message_id, str(b["text"]), chat_id))


async def _c_contact(request: web.Request) -> web.Response:
    b = await _body(request)
    return _reply(_state(request).share_contact(_uid(request), b.get("phone_number")))


async def _c_voice(request: web.Request) -> web.Response:
    b = await _body(request)
    data = _media(b, b"OggS-fake-voice")
    return _reply(_state(request).send_voice(_uid(request), data, int(b.get("duration", 3))))


async def _c_photo(request: web.Request) -> web.Response:
    b = await _body(request)
    data = _media(b, b"\xff\xd8\xff-fake-photo")
    return _reply(_state(request).send_photo(_uid(request), data, str(b.get("caption", ""))))


async def _c_document(request: web.Request) -> web.Response:
    b = await _body(request)
    data, name = _media(b, b"%PDF-fake"), str(b.get("file_name", "file.pdf"))
    mime = str(b.get("mime_type", "application/pdf"))
    return _reply(_state(request).send_document(_uid(request), data, name, mime))


async def _c_sticker(request: web.Request) -> web.Response:
    b = await _body(request)
    return _reply(_state(request).send_sticker(_uid(request), str(b.get("emoji", "👍"))))


async def _c_block(request: web.Request) -> web.Response:
    _state(request).block(_uid(request))
    return _reply({"ok": True})


async def _c_unblock(request: web.Request) -> web.Response:
    _state(request).unblock(_uid(request))
    return _reply({"ok": True})


async def _c_answers(request: web.Request) -> web.Response:
    return _reply(_state(request).callback_answers(_uid(request)))


async def _c_messages(request: web.Request) -> web.Response:
    q = request.query
    chat_id = int(request.match_info["chat_id"])
    deleted = q.get("include_deleted", "") in ("1", "true")
    return _reply(_state(request).messages(chat_id, _opt_int(q.get("since")), deleted))


async def _c_keyboard(request: web.Request) -> web.Response:
    chat_id = int(request.match_info["chat_id"])
    state = _state(request)
    return _reply(
        {
            "keyboard": state.reply_keyboard(chat_id),
            "buttons": state.reply_keyboard_buttons(chat_id),
        }
    )


async def _c_faults(request: web.Request) -> web.Response:
    state = _state(request)
    if request.method == "DELETE":
        state.clear_faults()
        return _reply({"ok": True})
    b = await _body(request)
    state.inject(
        b.get("method"),
        str(b["kind"]),
        count=int(b.get("count", 1)),
        retry_after=int(b.get("retry_after", 3)),
        chat_id=_opt_int(b.get("chat_id")),
        description=b.get("description"),
        processed=bool(b.get("processed", True)),
    )
    return _reply({"ok": True, "queued": len(state.faults)})


async def _c_limits(request: web.Request) -> web.Response:
    b = await _body(request)
    state = _state(request)
    if not b.get("enabled", True):
        state.disable_limits()
    else:
        state.enforce_limits(
            global_per_sec=int(b.get("global_per_sec", 30)),
            per_private_chat_per_sec=float(b.get("per_private_chat_per_sec", 1.0)),
            per_group_per_min=int(b.get("per_group_per_min", 20)),
        )
    return _reply({"ok": True, "enabled": state.limiter.enabled})


async def _c_stats(request: web.Request) -> web.Response:
    return _reply(_state(request).stats_snapshot())


async def _c_wait(request: web.Request) -> web.Response:
    b = await _body(request)
    state = _state(request)
    chat_id, since = int(b["chat_id"]), _opt_int(b.get("since"))
    count = int(b.get("count", 1))
    timeout = float(b.get("timeout", 10.0))
    ok = await state.wait_until(lambda: len(state.messages(chat_id, since)) >= count, timeout)
    return _reply({"ok": ok, "messages": state.messages(chat_id, since)})


def _body_types(request: web.Request) -> frozenset[str] | None:
    """JSON for the control API; the Bot API takes whatever Telegram takes."""
    return JSON_BODY if request.path.startswith("/control/") else None


def build_sandbox_app(state: SandboxState, allowed_hosts: Iterable[str] = ()) -> web.Application:
    """Build the aiohttp application serving the Bot API, file downloads and /control.

    ``allowed_hosts`` are further Host header values to answer to (see :mod:`sandbox.guard`).
    """
    app = web.Application(client_max_size=64 * 1024 * 1024, middlewares=[_control_errors])
    install_guard(app, Guard(_body_types, allowed_hosts=allowed_hosts))
    app[STATE_KEY] = state
    r = app.router
    r.add_route("*", "/bot{token}/{method}", _bot_api)
    r.add_get("/file/bot{token}/{path:.+}", _file)
    r.add_post("/control/users", _c_user)
    user = "/control/users/{user_id}"
    for suffix, handler in (
        ("text", _c_text), ("press", _c_press), ("tap", _c_tap), ("contact", _c_contact),
        ("voice", _c_voice), ("photo", _c_photo), ("document", _c_document),
        ("sticker", _c_sticker), ("block", _c_block), ("unblock", _c_unblock),
    ):  # fmt: skip
        r.add_post(f"{user}/{suffix}", handler)
    r.add_get(f"{user}/callback_answers", _c_answers)
    r.add_get("/control/chats/{chat_id}/messages", _c_messages)
    r.add_get("/control/chats/{chat_id}/keyboard", _c_keyboard)
    r.add_route("POST", "/control/faults", _c_faults)
    r.add_route("DELETE", "/control/faults", _c_faults)
    r.add_post("/control/limits", _c_limits)
    r.add_get("/control/stats", _c_stats)
    r.add_post("/control/wait", _c_wait)
    return app


async def start_sandbox(
    host: str = "127.0.0.1",
    port: int = 0,
    state: SandboxState | None = None,
    allowed_hosts: Iterable[str] = (),
) -> tuple[SandboxState, web.AppRunner, int]:
    """Serve a (new) sandbox on ``host:port`` (0 = any free port); return state, runner, port.

    It answers to Host headers naming the loopback addresses or ``host`` on the bound port, and
    to ``allowed_hosts`` exactly as written (see :mod:`sandbox.guard`).
    """
    state = state or SandboxState()
    app = build_sandbox_app(state, allowed_hosts)
    guard = guard_of(app)
    if guard is not None:
        guard.bind(host)
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    await site.start()
    bound = int(runner.addresses[0][1])
    logger.info("sandbox listening on http://%s:%s", host, bound)
    return state, runner, bound


async def stop_sandbox(state: SandboxState, runner: web.AppRunner) -> None:
    """Wake pending long-polls, stop webhook deliveries and shut the server down."""
    await state.close()
    await runner.cleanup()
