"""Who may use the sandbox's web apps: one aiohttp middleware against other web pages.

The sandbox (Bot API emulator with its ``/control`` API) and the web chat listen on the
developer's machine, and every web page the developer's browser opens can send requests there:
without a guard, any site could type into the administrator's chat, or send messages as the bot.
:class:`Guard` is installed as the first middleware of both apps and applies three rules, in
this order, before any handler runs:

1. **The Host header must name this server** (against DNS rebinding, where a hostile name is
   re-pointed at 127.0.0.1 so the browser treats our server as that site): ``127.0.0.1``,
   ``localhost`` or ``[::1]``, the address the connection arrived at, or the host the server was
   started on, each followed by the port it listens on (the bare name on port 80). A server
   bound to ``0.0.0.0`` thus answers to the IP a client dialled, never to an unknown *name*.
   There is no "public host" setting in the bot's Settings (``tongxin demo`` binds 127.0.0.1
   only); names for a reverse proxy or a port mapping are passed explicitly as
   ``allowed_hosts`` (``python -m sandbox --allow-host demo.example.org``) and match the Host
   header exactly as written (``name`` or ``name:port``, case-insensitive). Otherwise: **421**.
2. **Browsers' requests must come from this server's own page.** A state-changing request
   (any method but GET, HEAD and OPTIONS) with an ``Origin`` other than ``http(s)://<Host>``
   is refused, and so is any request a browser marks ``Sec-Fetch-Site: cross-site`` or
   ``same-site`` (an ``<img>`` pointing at ``/bot<token>/sendMessage?…`` sends no Origin), except
   a top-level navigation to an app with pages (a link to the web chat). Programs (PTB, curl,
   the tests) send neither header and pass. Otherwise: **403**.
3. **State-changing requests must say what their body is**: ``Content-Type:
   application/json`` for the control API and the web chat's JSON API (``multipart/form-data``
   where the web chat takes an upload). JSON is a type a browser cannot send cross-origin
   without a CORS preflight, which these servers never grant. The Bot API routes take what
   Telegram takes (form data, multipart, JSON). Otherwise: **415**.

A refusal is a JSON body ``{"ok": false, "error_code": …, "description": …, "error": …}`` (the
Bot API's envelope plus the ``error`` field the control API and the web chat use) and one
warning in the log, naming the route pattern, never the path (it may hold a bot token).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable
from typing import Any
from urllib.parse import urlsplit

from aiohttp import web

logger = logging.getLogger(__name__)

JSON_BODY = frozenset({"application/json"})
UPLOAD_BODY = frozenset({"multipart/form-data"})
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")
_WILDCARDS = frozenset({"", "0.0.0.0", "::", "[::]"})
_OTHER_SITES = frozenset({"cross-site", "same-site"})

#: What body a state-changing request must carry (``None``: anything, e.g. the Bot API).
BodyTypes = Callable[[web.Request], frozenset[str] | None]
_Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def _host_name(host: str) -> str:
    """A host as it appears in a Host header: lower case, IPv6 literals in brackets."""
    name = host.strip().lower()
    return f"[{name}]" if ":" in name and not name.startswith("[") else name


class Guard:
    """The Host allowlist, same-origin and body-type rules of one app (see the module doc)."""

    def __init__(
        self, body_types: BodyTypes, *, pages: bool = False, allowed_hosts: Iterable[str] = ()
    ) -> None:
        self.body_types = body_types
        self.pages = pages
        self.names: set[str] = set(LOOPBACK_NAMES)
        self.exact: set[str] = {h.strip().lower() for h in allowed_hosts if h.strip()}

    def bind(self, host: str | None) -> None:
        """Also answer to the host the server is started on (a wildcard adds nothing)."""
        name = _host_name(host or "")
        if name not in _WILDCARDS:
            self.names.add(name)

    def host_allowed(self, host: str | None, local: Any) -> bool:
        """Whether a Host header names this server; ``local`` is the connection's sockname."""
        if not host:
            return False
        host = host.strip().lower()
        if host in self.exact:
            return True
        if not isinstance(local, tuple) or len(local) < 2:
            return False
        port = int(local[1])
        names = {*self.names, _host_name(str(local[0]))}
        return host in {f"{name}:{port}" for name in names} or (port == 80 and host in names)

    def refusal(self, request: web.Request) -> tuple[int, str] | None:
        """Why this request is refused, as (status, reason), or None if it may proceed."""
        transport = request.transport
        local = transport.get_extra_info("sockname") if transport is not None else None
        if not self.host_allowed(request.headers.get("Host"), local):
            return 421, "Misdirected Request: this server does not answer to that host name"
        site = request.headers.get("Sec-Fetch-Site", "").strip().lower()
        navigation = (
            self.pages
            and request.method in ("GET", "HEAD")
            and request.headers.get("Sec-Fetch-Mode", "").lower() == "navigate"
        )
        if site in _OTHER_SITES and not navigation:
            return 403, "Forbidden: requests from other sites are refused"
        if request.method in SAFE_METHODS:
            return None
        origin = request.headers.get("Origin")
        if origin is not None and not _same_origin(origin, request.headers["Host"]):
            return 403, "Forbidden: cross-origin request refused"
        wanted = self.body_types(request)
        if wanted is not None and request.content_type not in wanted:
            return 415, f"Unsupported Media Type: send Content-Type {' or '.join(sorted(wanted))}"
        return None

    @web.middleware
    async def middleware(self, request: web.Request, handler: _Handler) -> web.StreamResponse:
        """Answer a refused request here; pass the others on."""
        refused = self.refusal(request)
        if refused is None:
            return await handler(request)
        status, reason = refused
        resource = request.match_info.route.resource
        logger.warning(
            "refused %s %s (Host %r, Origin %r): %s",
            request.method,
            resource.canonical if resource is not None else "(no route)",
            request.headers.get("Host"),
            request.headers.get("Origin"),
            reason,
        )
        body = {"ok": False, "error_code": status, "description": reason, "error": reason}
        return web.json_response(body, status=status)


def _same_origin(origin: str, host: str) -> bool:
    """Whether an Origin header names the server at ``host`` (http, or https behind a proxy)."""
    try:
        parts = urlsplit(origin.strip())
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and parts.netloc.lower() == host.strip().lower()


GUARD_KEY = web.AppKey("sandbox_guard", Guard)


def install_guard(app: web.Application, guard: Guard) -> None:
    """Make ``guard`` the app's first middleware (before any handler or error mapping)."""
    app[GUARD_KEY] = guard
    app.middlewares.insert(0, guard.middleware)


def guard_of(app: web.Application) -> Guard | None:
    """The guard installed on ``app``, if any."""
    return app.get(GUARD_KEY)
