"""`tongxin demo`: the bot on a local Telegram sandbox with demo data, no real Telegram needed."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import socket
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

from sqlalchemy import select
from sqlmodel import col

from bot.app import build_services
from bot.context import Services
from bot.demo_wechat import (
    ACCOUNT_NAME,
    DEMO_WECHAT_PEOPLE,
    FEED_POLL_SECONDS,
    WechatSide,
    seed_wechat_people,
    wechat_side,
)
from bot.migrate import upgrade_to_head
from bot.runner import BotRunner, install_signal_handlers
from bot.settings import Settings, load_settings
from models.core.base import utcnow
from models.core.people import Person
from models.demo import DEMO_PEOPLE, demo_phone, seed_demo_people, seed_history, seed_places
from sandbox import start_sandbox, stop_sandbox
from sandbox.state import SandboxState
from sandbox.webchat import Persona, build_webchat_app, start_webchat
from sandbox.webchat.wechat import WechatChats

logger = logging.getLogger(__name__)

DEMO_TOKEN = "100000:DEMO-sandbox-token"
DEMO_DATABASE_URL = "sqlite+aiosqlite:///./var/demo.db"
DEFAULT_SANDBOX_PORT = 8081
DEFAULT_WEB_PORT = 8082
NEW_USER_ID = 424242
#: Fresh web chat users get Telegram ids from here on (above the demo people's reserved range).
NEW_USER_IDS = range(200001, 2**40)
# What each demo person is, for the web chat's picker (the page translates the kind and the town).
_KINDS = {100003: "proxy"}
_ROLE_KINDS = {"volunteer": "volunteer", "mediator": "mediator", "admin": "admin"}
# A visitor trying a broadcast in the evening should see it arrive, so the demo's quiet hours
# are one minute at night unless TONGXIN_QUIET_HOURS says otherwise.
DEMO_QUIET_HOURS = "03:00-03:01"


def demo_settings(sandbox_port: int, **extra: object) -> Settings:
    """Settings for the demo: sandbox token and URL, polling, ./var/demo.db unless overridden."""
    overrides: dict[str, object] = {
        "bot_token": DEMO_TOKEN,
        "bot_api_url": f"http://127.0.0.1:{sandbox_port}/bot",
        "bot_api_file_url": f"http://127.0.0.1:{sandbox_port}/file/bot",
        "mode": "polling",
    }
    if not os.environ.get("TONGXIN_DATABASE_URL"):
        overrides["database_url"] = DEMO_DATABASE_URL
    if not os.environ.get("TONGXIN_QUIET_HOURS"):
        overrides["quiet_hours"] = DEMO_QUIET_HOURS
    if not os.environ.get("TONGXIN_LISTEN") and not _port_free("127.0.0.1", 8080):
        # A second demo (or anything else) holds 8080: take a free port rather than fail.
        overrides["listen"] = "127.0.0.1:0"
    overrides.update(extra)
    return load_settings(**overrides)


def demo_personas() -> list[Persona]:
    """The seeded demo people as web chat personas, in the order of ``DEMO_PEOPLE``."""
    out = []
    for tg_id, name, town, _community, language, roles in DEMO_PEOPLE:
        kind = _KINDS.get(tg_id) or next(
            (_ROLE_KINDS[role] for role, _town in roles if role in _ROLE_KINDS), "resident"
        )
        out.append(Persona(tg_id, name, kind, town, "en" if language == "en" else "zh"))
    for openid, name, town, _community in DEMO_WECHAT_PEOPLE:
        out.append(Persona(openid, name, "resident", town, "zh", channel="wechat"))
    return out


def _port_free(host: str, port: int) -> bool:
    """Whether a TCP port can be bound right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


async def prepare_database(settings: Settings) -> None:
    """Migrate the database and load the demo places, people and history (idempotent)."""
    services = build_services(settings)
    try:
        await upgrade_to_head(services.engine)
        async with services.sessions() as session, session.begin():
            ids = await seed_places(session)
            await seed_demo_people(session)
            await seed_history(session, ids, utcnow())
            await seed_wechat_people(session)
    finally:
        await services.engine.dispose()


def _curl(url: str, body: dict[str, object] | None = None) -> str:
    if body is None:
        return f"curl -s {url}"
    data = json.dumps(body, ensure_ascii=False)
    return f"curl -s -X POST {url} -H 'Content-Type: application/json' -d '{data}'"


def instructions(sandbox: str, health: str, web: str, wechat: str = "") -> str:
    """What to do next, in Chinese and English, with curl lines ready to paste."""
    u, c = NEW_USER_ID, f"{sandbox}/control"
    label = "<从上面 keyboard 复制的按钮文字 / a label copied from the keyboard above>"
    lines = [
        "================ 同心 Tongxin demo ================",
        "机器人已在本地 Telegram 沙盒上运行（不连接真正的 Telegram）。",
        "The bot is running against a local Telegram sandbox (no real Telegram involved).",
        "",
        f"  在浏览器中打开 Open in a browser:  {web}",
        "  （选择一个角色聊天 · pick a persona and chat as them; see docs/try-it.md）",
        "",
        f"  沙盒 Sandbox:        {sandbox}",
        f"  健康检查 Health:     {health}/healthz     指标 Metrics: {health}/metrics",
        "  演示用户 Demo users: 100001 王阿姨 (D镇 长江新村社区), 100002 李大爷 (Q镇 兴隆社区),",
        "                       100003 家属 family proxy, 100004 志愿者 volunteer,",
        "                       100005/100006 调解员 mediators (D/Q), 100007/100008 管理员 admins",
        "  微信 WeChat:          周奶奶 (D镇) 在网页里用微信聊天 chats on the emulated WeChat",
        f"                       (emulator, its /control API: {wechat or '-'})",
        "",
        f"1) 新用户 {u} 发送 /start  ·  A new user {u} sends /start:",
        _curl(f"{c}/users", {"user_id": u, "first_name": "Alice", "language_code": "zh-hans"}),
        _curl(f"{c}/users/{u}/text", {"text": "/start"}),
        "",
        "2) 读取机器人的回复和按钮  ·  Read the bot's replies and the buttons it shows:",
        _curl(f"{c}/wait", {"chat_id": u, "count": 2, "timeout": 5}),
        _curl(f"{c}/chats/{u}/messages"),
        _curl(f"{c}/chats/{u}/keyboard"),
        "",
        "3) 按第一个按钮（或直接输入数字 1）",
        "   Press the first button (or just type its number, 1):",
        _curl(f"{c}/users/{u}/text", {"text": "1"}),
        _curl(f"{c}/users/{u}/press", {"label": label}),
        "",
        '用英文界面试试：把 language_code 换成 "en"。  Try English: use "language_code": "en".',
        "按 Ctrl-C 退出。  Press Ctrl-C to stop.",
        "====================================================",
    ]
    return "\n".join(["", *lines, ""])


@dataclass
class DemoStack:
    """The running demo: the sandbox, the bot and the web chat, with their URLs."""

    state: SandboxState
    runner: BotRunner
    sandbox_url: str
    health_url: str
    web_url: str
    wechat: WechatSide


@contextlib.asynccontextmanager
async def demo_stack(
    port: int = DEFAULT_SANDBOX_PORT, web_port: int = DEFAULT_WEB_PORT, **settings: object
) -> AsyncIterator[DemoStack]:
    """Start the sandbox, the demo database, the bot (polling) and the web chat; stop them after.

    ``settings`` override :func:`demo_settings` (tests pass their database and ports).
    """
    state, sandbox_runner, bound = await start_sandbox("127.0.0.1", port, SandboxState())
    try:
        demo = demo_settings(bound, **settings)
        await prepare_database(demo)
        personas = demo_personas()
        for persona in personas:
            if isinstance(persona.id, int):
                state.user(
                    persona.id,
                    first_name=persona.name,
                    language_code=persona.language_code,
                    phone_number=demo_phone(persona.id),  # the phone the database has for them
                )
        async with wechat_side(demo) as wechat:
            # One bot for both channels, as TONGXIN_WECHAT_BRIDGE_URL makes it (bot/channels.py):
            # sends to WeChat chats go to the bridge, and the bridge's updates join the
            # sandbox's on the Application's queue.
            both = demo.model_copy(update={"wechat_bridge_url": f"{wechat.bridge_url}/bot"})
            runner = BotRunner(both, wechat_poll_seconds=FEED_POLL_SECONDS)
            await runner.start()
            try:
                app = runner.application
                web_app = build_webchat_app(
                    state,
                    personas,
                    NEW_USER_IDS,
                    lambda: _taken_ids(app.services, state),
                    wechat=WechatChats(wechat.emulator_url, ACCOUNT_NAME),
                )
                web_runner, web_bound = await start_webchat(web_app, "127.0.0.1", web_port)
                try:
                    yield DemoStack(
                        state=state,
                        runner=runner,
                        sandbox_url=f"http://127.0.0.1:{bound}",
                        health_url=f"http://{demo.listen_host}:{runner.port}",
                        web_url=f"http://127.0.0.1:{web_bound}/",
                        wechat=wechat,
                    )
                finally:
                    await web_runner.cleanup()
            finally:
                await runner.stop()
    finally:
        await stop_sandbox(state, sandbox_runner)


async def _taken_ids(services: Services, state: SandboxState) -> list[int]:
    """Telegram ids that are not new: known to the sandbox, or a person in the database."""
    async with services.sessions() as session:
        query = select(col(Person.tg_user_id)).where(col(Person.tg_user_id) >= NEW_USER_IDS.start)
        known = [tg for tg in (await session.execute(query)).scalars() if tg is not None]
    return [*known, *state.users]


async def run_demo(
    port: int = DEFAULT_SANDBOX_PORT,
    exit_after: float | None = None,
    echo: Callable[[str], None] = print,
    web_port: int = DEFAULT_WEB_PORT,
) -> None:
    """Sandbox, demo DB, the bot (polling) and the web chat, until Ctrl-C or ``exit_after``."""
    stop = asyncio.Event()
    with install_signal_handlers(stop):
        async with demo_stack(port, web_port) as stack:
            urls = (stack.sandbox_url, stack.health_url, stack.web_url)
            echo(instructions(*urls, stack.wechat.emulator_url))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), exit_after)
