"""The web chat's HTTP API over a bare sandbox (no bot, no browser, no database)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from bot.demo import NEW_USER_IDS, demo_personas
from bot.demo_wechat import DEMO_WECHAT_PEOPLE
from models.demo.people import DEMO_ID_RANGE, DEMO_PEOPLE
from sandbox.state import SandboxState
from sandbox.webchat import Persona, build_webchat_app, counting_allocator, start_webchat
from sandbox.webchat.transcript import snapshot

TOKEN = "100000:TEST-webchat"
NEW_USER_BASE = NEW_USER_IDS.start


class Client:
    """Talks to one running web chat."""

    def __init__(self, http: aiohttp.ClientSession, base: str, state: SandboxState) -> None:
        self.http, self.base, self.state = http, base, state

    async def post(self, path: str, body: Any = None, **kw: Any) -> tuple[int, Any]:
        """POST JSON (or ``data=``) and return (status, decoded JSON)."""
        if body is not None:
            kw["json"] = body
        async with self.http.post(self.base + path, **kw) as resp:
            return resp.status, await resp.json()

    async def bot(self, method: str, **params: Any) -> Any:
        """A Bot API call as the bot would make it."""
        status, body = await self.state.call(TOKEN, method, params)
        assert status == 200, body
        return body["result"]


@pytest.fixture
async def web() -> AsyncIterator[Client]:
    """The web chat on a free port over a fresh sandbox."""
    state = SandboxState()
    app = build_webchat_app(state, demo_personas(), NEW_USER_IDS)
    runner, port = await start_webchat(app, "127.0.0.1", 0)
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as http:
        yield Client(http, f"http://127.0.0.1:{port}/", state)
    await state.close()
    await runner.cleanup()


async def test_page_and_assets_are_served_locally_with_a_strict_policy(web: Client) -> None:
    assets = [("", "text/html"), ("style.css", "text/css")]
    assets += [(f"{name}.js", "text/javascript") for name in ("i18n", "common", "panel", "app")]
    for path, kind in assets:
        async with web.http.get(web.base + path) as resp:
            assert resp.status == 200 and resp.content_type == kind
            policy = resp.headers["Content-Security-Policy"]
            body = await resp.text()
        assert "default-src 'self'" in policy and "connect-src 'self'" in policy
        assert "http://" not in body and "https://" not in body  # nothing from the internet
    async with web.http.get(web.base + "../sandbox/server.py") as resp:
        assert resp.status == 404


async def test_personas_cover_every_demo_person_and_new_users_get_fresh_ids(web: Client) -> None:
    async with web.http.get(web.base + "api/personas") as resp:
        personas = (await resp.json())["personas"]
    assert [p["id"] for p in personas] == [row[0] for row in DEMO_PEOPLE]
    kinds = {p["id"]: (p["kind"], p["town"], p["language"]) for p in personas}
    assert kinds[100001] == ("resident", "D", "zh") and kinds[100002] == ("resident", "Q", "zh")
    assert kinds[100003][0] == "proxy" and kinds[100004] == ("volunteer", "D", "zh")
    assert kinds[100005] == ("mediator", "D", "zh") and kinds[100006] == ("mediator", "Q", "zh")
    assert kinds[100008] == ("admin", "Q", "en")

    web.state.user(NEW_USER_BASE + 4)  # someone already there: the next id is above it
    _, first = await web.post("api/personas/new", {"language": "en"})
    _, second = await web.post("api/personas/new", {})
    assert (first["id"], first["kind"], first["language"]) == (NEW_USER_BASE + 5, "new", "en")
    assert second["id"] == NEW_USER_BASE + 6
    assert web.state.users[first["id"]]["language_code"] == "en"
    assert web.state.users[second["id"]]["language_code"] == "zh-hans"


async def test_allocator_skips_ids_the_database_knows() -> None:
    known = [NEW_USER_BASE, NEW_USER_BASE + 1, 424242]

    async def taken() -> list[int]:
        return known

    allocate = counting_allocator(taken, NEW_USER_IDS)
    assert await allocate() == 424243
    assert await allocate() == 424244


async def test_allocator_refuses_once_the_range_is_used_up() -> None:
    async def taken() -> list[int]:
        return [7]

    allocate = counting_allocator(taken, range(5, 9))
    assert await allocate() == 8
    with pytest.raises(ValueError, match="no user ids left"):
        await allocate()


def test_personas_must_lie_outside_the_range_for_new_users() -> None:
    someone = Persona(12, "Someone", "resident", "D", "zh")
    with pytest.raises(ValueError, match=r"persona ids \[12\]"):
        build_webchat_app(SandboxState(), [someone], range(10, 20))


async def test_long_poll_returns_changes_edits_and_deletions(web: Client) -> None:
    uid = 100001
    status, answer = await web.post("api/updates", {"chats": {str(uid): ""}, "timeout": 1})
    assert status == 200
    first = answer["chats"][str(uid)]
    assert first["messages"] == [] and first["keyboard"] is None
    assert web.state.users[uid]["first_name"] == "王阿姨"  # registered on first sight

    quiet = await web.post("api/updates", {"chats": {str(uid): first["digest"]}, "timeout": 0.2})
    assert quiet == (200, {"chats": {}})

    async def later() -> None:
        await asyncio.sleep(0.2)
        await web.bot("sendMessage", chat_id=uid, text="您好")

    sender = asyncio.create_task(later())
    _, answer = await web.post("api/updates", {"chats": {str(uid): first["digest"]}, "timeout": 5})
    await sender
    [hello] = answer["chats"][str(uid)]["messages"]
    assert (hello["side"], hello["text"], hello["edited"]) == ("bot", "您好", False)

    keyboard = {"keyboard": [["1. 好"], [{"text": "📱 分享", "request_contact": True}]]}
    await web.bot("sendMessage", chat_id=uid, text="选一个", reply_markup=keyboard)
    await web.bot("editMessageText", chat_id=uid, message_id=hello["id"], text="您好！")
    status, _ = await web.post(f"api/chats/{uid}/press", {"label": "📱 分享"})
    assert status == 200
    snap = snapshot(web.state, uid)
    texts = [(m["side"], m["kind"], m["text"], m["edited"]) for m in snap["messages"]]
    assert texts == [
        ("bot", "text", "您好！", True),
        ("bot", "text", "选一个", False),
        ("me", "contact", web.state.phones[uid], False),
    ]
    assert snap["keyboard"] == [
        [{"text": "1. 好", "contact": False}],
        [{"text": "📱 分享", "contact": True}],
    ]
    await web.bot("deleteMessage", chat_id=uid, message_id=snap["messages"][-1]["id"])
    assert [m["text"] for m in snapshot(web.state, uid)["messages"]] == ["您好！", "选一个"]


async def test_actions_become_telegram_updates(web: Client) -> None:
    uid = 100002
    markup = {"inline_keyboard": [[{"text": "确认", "callback_data": "bk:yes:7"}]]}
    await web.post("api/updates", {"chats": {str(uid): ""}, "timeout": 0})
    sent = await web.bot("sendMessage", chat_id=uid, text="明天见", reply_markup=markup)
    assert (await web.post(f"api/chats/{uid}/text", {"text": "/start"}))[0] == 200
    tap = {"message_id": sent["message_id"], "data": "bk:yes:7"}
    assert (await web.post(f"api/chats/{uid}/tap", tap))[0] == 200
    form = aiohttp.FormData()
    form.add_field("file", b"OggS-voice", filename="v.ogg", content_type="audio/ogg")
    form.add_field("duration", "7")
    assert (await web.post(f"api/chats/{uid}/voice", data=form))[0] == 200

    updates = await web.bot("getUpdates", timeout=0)
    kinds = [next(k for k in u if k != "update_id") for u in updates]
    assert kinds == ["message", "callback_query", "message"]
    assert updates[0]["message"]["text"] == "/start"
    assert updates[0]["message"]["entities"][0]["type"] == "bot_command"
    assert updates[1]["callback_query"]["data"] == "bk:yes:7"
    assert updates[2]["message"]["voice"]["duration"] == 7


async def test_bad_requests_are_refused_and_change_nothing(web: Client) -> None:
    uid = 100001
    web.state.user(uid)
    before = web.state.last_message_id(uid)
    status, body = await web.post(f"api/chats/{uid}/press", {"label": "1. 不存在"})
    assert status == 400 and "no reply keyboard button" in body["error"]
    assert (await web.post(f"api/chats/{uid}/text", {"text": "   "}))[0] == 400
    assert (await web.post(f"api/chats/{uid}/text", {"text": "长" * 4097}))[0] == 400
    no_file = aiohttp.FormData({"x": "1"}, default_to_multipart=True)
    assert (await web.post(f"api/chats/{uid}/photo", data=no_file))[0] == 400
    assert (await web.post(f"api/chats/{uid}/photo", data=aiohttp.FormData({"x": "1"})))[0] == 415
    assert (await web.post("api/updates", {"chats": {"0": ""}}))[0] == 400
    many = {str(100 + i): "" for i in range(21)}
    assert (await web.post("api/updates", {"chats": many}))[0] == 400
    forged = {"Origin": "http://evil.example"}
    status, _ = await web.post(f"api/chats/{uid}/text", {"text": "hi"}, headers=forged)
    assert status == 403
    assert web.state.last_message_id(uid) == before
    async with web.http.get(web.base + "api/files/nope") as resp:
        assert resp.status == 404


async def test_files_download_with_their_names(web: Client) -> None:
    uid = 100001
    web.state.user(uid)
    status, body = await web.state.call(
        TOKEN,
        "sendDocument",
        {"chat_id": uid},
        {"document": ("预约 1.ics", b"BEGIN:VCALENDAR", "text/calendar")},
    )
    assert status == 200
    [doc] = snapshot(web.state, uid)["messages"]
    assert doc["kind"] == "document" and doc["file"]["name"] == "预约 1.ics"
    async with web.http.get(web.base + doc["file"]["url"]) as resp:
        assert await resp.read() == b"BEGIN:VCALENDAR"
        assert resp.content_type == "text/calendar"
        disposition = resp.headers["Content-Disposition"]
    assert disposition == "attachment; filename*=UTF-8''%E9%A2%84%E7%BA%A6%201.ics"
    assert body["result"]["document"]["file_name"] == "预约 1.ics"


def test_demo_personas_match_the_demo_people() -> None:
    telegram = {p.id for p in demo_personas() if p.channel == "telegram"}
    wechat = {p.id for p in demo_personas() if p.channel == "wechat"}
    assert telegram == {row[0] for row in DEMO_PEOPLE}
    assert wechat == {row[0] for row in DEMO_WECHAT_PEOPLE}
    assert DEMO_ID_RANGE.stop <= NEW_USER_IDS.start  # new users never get a demo person's id
