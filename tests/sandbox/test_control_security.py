"""The demo's control surfaces refuse other web pages: Host allowlist, same origin, JSON bodies.

The sandbox (Bot API emulator + /control) and the web chat listen on the developer's machine,
where any page the developer visits can send requests to them. These tests play that page: a
``text/plain`` or foreign-origin POST, a DNS-rebound ``Host``, a cross-site GET, and check that
nothing reached the chat. They also bound the files the sandbox keeps.
"""

from __future__ import annotations

import io
import json
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import aiohttp
import pytest

from sandbox.core import MAX_STORED_FILE_BYTES
from sandbox.server import start_sandbox, stop_sandbox
from sandbox.state import SandboxState
from sandbox.webchat import Persona, build_webchat_app, start_webchat

TOKEN = "100000:DEMO-sandbox-token"
ADMIN = 100007
EVIL = "http://evil.example"


@dataclass
class Served:
    """A sandbox and a web chat on free ports, sharing one state, and an HTTP client."""

    state: SandboxState
    http: aiohttp.ClientSession
    port: int  # the sandbox (Bot API and /control)
    web_port: int  # the web chat

    @property
    def base(self) -> str:
        """The sandbox's base URL."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def web(self) -> str:
        """The web chat's base URL."""
        return f"http://127.0.0.1:{self.web_port}"

    async def send(self, method: str, url: str, **kw: Any) -> tuple[int, Any]:
        """One request; (status, JSON body or text)."""
        async with self.http.request(method, url, **kw) as resp:
            text = await resp.text()
            try:
                return resp.status, json.loads(text)
            except ValueError:
                return resp.status, text

    def admin_chat_untouched(self) -> bool:
        """Nothing was said in the admin's chat and no update waits for the bot."""
        return self.state.last_message_id(ADMIN) == 0

    async def pending_updates(self) -> list[Any]:
        """What the bot would get from getUpdates now."""
        status, body = await self.state.call(TOKEN, "getUpdates", {"timeout": 0})
        assert status == 200
        return list(body["result"])


@pytest.fixture
async def served() -> AsyncIterator[Served]:
    """The sandbox and its web chat as the demo runs them (127.0.0.1, free ports)."""
    state, runner, port = await start_sandbox("127.0.0.1", 0, SandboxState(timeout_seconds=0.5))
    state.user(ADMIN, first_name="Emma", language_code="en")
    persona = Persona(ADMIN, "Emma", "admin", "Q", "en")
    app = build_webchat_app(state, [persona], range(200001, 300000))
    web_runner, web_port = await start_webchat(app, "127.0.0.1", 0)
    try:
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30)) as http:
            yield Served(state, http, port, web_port)
    finally:
        await web_runner.cleanup()
        await stop_sandbox(state, runner)


# -- the control API: JSON only, same origin only --------------------------------------------
async def test_a_cross_origin_text_plain_post_is_refused_and_the_chat_is_unchanged(
    served: Served, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    body = json.dumps({"text": "/broadcast 停水通知"})
    url = f"{served.base}/control/users/{ADMIN}/text"
    # What <form enctype="text/plain"> or fetch(..., {mode: "no-cors"}) on another site sends.
    status, _ = await served.send(
        "POST", url, data=body, headers={"Content-Type": "text/plain", "Origin": EVIL}
    )
    assert status == 403
    # Without an Origin (curl, a script) the body must still say it is JSON.
    for kind in ("text/plain", "application/x-www-form-urlencoded", "multipart/form-data"):
        status, answer = await served.send("POST", url, data=body, headers={"Content-Type": kind})
        assert status == 415, answer
        assert "application/json" in answer["error"]
    status, _ = await served.send("POST", url, data=body)  # no Content-Type at all
    assert status == 415
    status, _ = await served.send("POST", f"{served.base}/control/users/{ADMIN}/block")
    assert status == 415 and ADMIN not in served.state.blocked
    assert served.admin_chat_untouched() and await served.pending_updates() == []
    assert "Traceback" not in caplog.text
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]


async def test_a_foreign_origin_is_refused_even_with_json(served: Served) -> None:
    url = f"{served.base}/control/users/{ADMIN}/text"
    web_chat_origin = served.web  # same host, another port: another origin
    for origin in (EVIL, "null", web_chat_origin, f"http://localhost:{served.port}"):
        status, answer = await served.send(
            "POST", url, json={"text": "hi"}, headers={"Origin": origin}
        )
        assert status == 403, (origin, answer)
    status, _ = await served.send(
        "POST", f"{served.base}/control/faults", json={"kind": "500"}, headers={"Origin": EVIL}
    )
    assert status == 403 and served.state.faults == []
    served.state.inject("sendMessage", "500")
    status, _ = await served.send(
        "DELETE", f"{served.base}/control/faults", json={}, headers={"Origin": EVIL}
    )
    assert status == 403 and len(served.state.faults) == 1
    assert served.admin_chat_untouched() and await served.pending_updates() == []


async def test_same_origin_and_origin_less_json_posts_are_accepted(served: Served) -> None:
    url = f"{served.base}/control/users/{ADMIN}/text"
    status, _ = await served.send("POST", url, json={"text": "1"})
    assert status == 200
    status, _ = await served.send("POST", url, json={"text": "2"}, headers={"Origin": served.base})
    assert status == 200
    status, _ = await served.send(
        "POST",
        url,
        data=json.dumps({"text": "3"}),
        headers={"Content-Type": "application/json; charset=utf-8"},
    )
    assert status == 200
    status, _ = await served.send("POST", f"{served.base}/control/users/{ADMIN}/block", json={})
    assert status == 200 and ADMIN in served.state.blocked
    status, _ = await served.send("DELETE", f"{served.base}/control/faults", json={})
    assert status == 200
    texts = [u["message"]["text"] for u in await served.pending_updates()]
    assert texts == ["1", "2", "3"]


async def test_a_cross_site_browser_get_cannot_send_as_the_bot(served: Served) -> None:
    # <img src="http://127.0.0.1:8081/bot<demo token>/sendMessage?chat_id=…&text=…"> on any page:
    # no Origin, but the browser marks it cross-site.
    url = f"{served.base}/bot{TOKEN}/sendMessage?chat_id={ADMIN}&text=pwned"
    for site in ("cross-site", "same-site"):
        status, _ = await served.send("GET", url, headers={"Sec-Fetch-Site": site})
        assert status == 403
    assert served.admin_chat_untouched()
    # Typed into the address bar, or sent by a program, the Bot API answers as before.
    status, _ = await served.send("GET", url, headers={"Sec-Fetch-Site": "none"})
    assert status == 200
    status, _ = await served.send("GET", f"{served.base}/bot{TOKEN}/getMe")
    assert status == 200


# -- DNS rebinding: the Host header must name this server -------------------------------------
async def test_a_rebinding_host_is_refused_by_the_control_api_and_the_web_chat(
    served: Served, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    rebound = {"Host": f"evil.example:{served.port}"}
    requests: tuple[tuple[str, str, dict[str, Any]], ...] = (
        ("GET", "/control/stats", {}),
        ("GET", f"/control/chats/{ADMIN}/messages", {}),
        ("POST", f"/control/users/{ADMIN}/text", {"json": {"text": "hi"}}),
        ("GET", f"/bot{TOKEN}/getMe", {}),
    )
    for method, path, kw in requests:
        status, _ = await served.send(method, served.base + path, headers=rebound, **kw)
        assert status == 421, (method, path)
    web_rebound = {"Host": f"evil.example:{served.web_port}"}
    requests = (
        ("GET", "/", {}),
        ("GET", "/api/personas", {}),
        ("POST", "/api/updates", {"json": {"chats": {str(ADMIN): ""}, "timeout": 0}}),
        ("POST", f"/api/chats/{ADMIN}/text", {"json": {"text": "hi"}}),
    )
    for method, path, kw in requests:
        status, _ = await served.send(method, served.web + path, headers=web_rebound, **kw)
        assert status == 421, (method, path)
    assert served.admin_chat_untouched() and await served.pending_updates() == []
    assert "Traceback" not in caplog.text and TOKEN.split(":")[1] not in caplog.text


async def test_the_loopback_names_are_allowed_on_the_bound_port_only(served: Served) -> None:
    for name in ("127.0.0.1", "localhost", "LOCALHOST", "[::1]"):
        status, _ = await served.send(
            "GET", f"{served.base}/control/stats", headers={"Host": f"{name}:{served.port}"}
        )
        assert status == 200, name
        status, _ = await served.send(
            "GET", f"{served.web}/", headers={"Host": f"{name}:{served.web_port}"}
        )
        assert status == 200, name
    for host in (f"127.0.0.1:{served.web_port}", "localhost", f"localhost.:{served.port}", ""):
        status, _ = await served.send("GET", f"{served.base}/control/stats", headers={"Host": host})
        assert status == 421, host


async def test_extra_hosts_are_allowed_exactly_as_configured() -> None:
    state, runner, port = await start_sandbox(
        "127.0.0.1", 0, SandboxState(), allowed_hosts=["Demo.Example.org", "localhost:9000"]
    )
    try:
        async with aiohttp.ClientSession() as http:
            for host, expected in (
                ("demo.example.org", 200),
                ("localhost:9000", 200),
                (f"demo.example.org:{port}", 421),
                ("other.example.org", 421),
            ):
                url = f"http://127.0.0.1:{port}/control/stats"
                async with http.get(url, headers={"Host": host}) as resp:
                    assert resp.status == expected, host
    finally:
        await stop_sandbox(state, runner)


# -- the web chat: same rules for its own API ------------------------------------------------
async def test_the_web_chat_wants_json_or_an_upload_from_its_own_page(served: Served) -> None:
    url = f"{served.web}/api/chats/{ADMIN}/text"
    body = json.dumps({"text": "hi"})
    status, _ = await served.send("POST", url, data=body, headers={"Content-Type": "text/plain"})
    assert status == 415
    status, _ = await served.send(
        "POST", url, data=body, headers={"Content-Type": "text/plain", "Origin": EVIL}
    )
    assert status == 403
    status, _ = await served.send(
        "POST", f"{served.web}/api/chats/{ADMIN}/photo", json={"caption": "x"}
    )
    assert status == 415
    assert served.admin_chat_untouched()
    status, _ = await served.send("POST", url, json={"text": "hi"}, headers={"Origin": served.web})
    assert status == 200
    form = aiohttp.FormData()
    form.add_field("file", b"\xff\xd8\xff-photo", filename="p.jpg", content_type="image/jpeg")
    status, _ = await served.send(
        "POST", f"{served.web}/api/chats/{ADMIN}/photo", data=form, headers={"Origin": served.web}
    )
    assert status == 200
    assert served.state.last_message_id(ADMIN) == 2


# -- stored files are bounded ------------------------------------------------------------------
async def test_twenty_big_photos_do_not_grow_the_file_store_beyond_its_cap(served: Served) -> None:
    state = served.state
    photo = 4 * 1024 * 1024
    for n in range(20):
        form = aiohttp.FormData()
        data = io.BytesIO(bytes([n]) * photo)  # (raw bytes this big make aiohttp warn)
        form.add_field("file", data, filename=f"{n}.jpg", content_type="image/jpeg")
        status, _ = await served.send("POST", f"{served.web}/api/chats/{ADMIN}/photo", data=form)
        assert status == 200
    updates = await served.pending_updates()
    ids = [u["message"]["photo"][-1]["file_id"] for u in updates]
    assert len(ids) == 20
    stored = sum(len(f.data) for f in state.files.values())
    assert stored <= MAX_STORED_FILE_BYTES < 20 * photo
    assert stored == state.stats_snapshot()["files"]["bytes"]
    assert len(state.files) == len(state.files_by_path)
    # The newest photo is still there; the oldest is gone, as an expired file is on Telegram.
    newest, oldest = ids[-1], ids[0]
    assert state.files[newest].data == bytes([19]) * photo
    status, body = await state.call(TOKEN, "getFile", {"file_id": oldest})
    assert (status, body["description"]) == (400, "Bad Request: invalid file_id")
    status, body = await state.call(TOKEN, "sendPhoto", {"chat_id": ADMIN, "photo": oldest})
    assert (status, body["description"]) == (
        400,
        "Bad Request: wrong file identifier/HTTP URL specified",
    )
    status, _ = await served.send("GET", f"{served.web}/api/files/{oldest}")
    assert status == 404
    status, body = await state.call(TOKEN, "getFile", {"file_id": newest})
    assert status == 200
    status, _ = await served.send(
        "GET", f"{served.base}/file/bot{TOKEN}/{body['result']['file_path']}"
    )
    assert status == 200


async def test_the_file_store_evicts_the_least_recently_used_file_first() -> None:
    state = SandboxState(max_file_bytes=1000, max_files=3)
    state.user(ADMIN)
    first = state.store_file("photo", b"a" * 400, mime_type="image/jpeg")
    second = state.store_file("document", b"b" * 400, "b.pdf", "application/pdf")
    status, _ = await state.call(TOKEN, "getFile", {"file_id": first.file_id})  # used again
    assert status == 200
    third = state.store_file("photo", b"c" * 400, mime_type="image/jpeg")  # 1200 > 1000
    assert set(state.files) == {first.file_id, third.file_id}
    assert state.file_bytes(second.file_path) is None
    small = [state.store_file("voice", b"v", mime_type="audio/ogg") for _ in range(3)]
    assert set(state.files) == {s.file_id for s in small}  # the count cap
    huge = state.store_file("document", b"h" * 5000, "h.pdf", "application/pdf")
    assert list(state.files) == [huge.file_id]  # alone over the cap, the newest file stays
    assert state.stats_snapshot()["files"] == {"count": 1, "bytes": 5000, "evicted": 6}
    await state.close()
