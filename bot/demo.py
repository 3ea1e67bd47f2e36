"""`tongxin demo`: the bot on a local Telegram sandbox with demo data, no real Telegram needed."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
from collections.abc import Callable

from bot.app import build_services
from bot.migrate import upgrade_to_head
from bot.runner import BotRunner, install_signal_handlers
from bot.sandbox import start_sandbox, stop_sandbox
from bot.sandbox.state import SandboxState
from bot.settings import Settings, load_settings
from models.demo import seed_places
from models.demo_people import DEMO_PEOPLE, seed_demo_people

logger = logging.getLogger(__name__)

DEMO_TOKEN = "100000:DEMO-sandbox-token"
DEMO_DATABASE_URL = "sqlite+aiosqlite:///./var/demo.db"
DEFAULT_SANDBOX_PORT = 8081
NEW_USER_ID = 424242


def demo_settings(sandbox_port: int) -> Settings:
    """Settings for the demo: sandbox token and URL, polling, ./var/demo.db unless overridden."""
    overrides: dict[str, object] = {
        "bot_token": DEMO_TOKEN,
        "bot_api_url": f"http://127.0.0.1:{sandbox_port}/bot",
        "bot_api_file_url": f"http://127.0.0.1:{sandbox_port}/file/bot",
        "mode": "polling",
    }
    if not os.environ.get("TONGXIN_DATABASE_URL"):
        overrides["database_url"] = DEMO_DATABASE_URL
    return load_settings(**overrides)


async def prepare_database(settings: Settings) -> None:
    """Migrate the database and load the demo places and people (idempotent)."""
    services = build_services(settings)
    try:
        await upgrade_to_head(services.engine)
        async with services.sessions() as session, session.begin():
            await seed_places(session)
            await seed_demo_people(session)
    finally:
        await services.engine.dispose()


def _curl(url: str, body: dict[str, object] | None = None) -> str:
    if body is None:
        return f"curl -s {url}"
    data = json.dumps(body, ensure_ascii=False)
    return f"curl -s -X POST {url} -H 'Content-Type: application/json' -d '{data}'"


def instructions(sandbox: str, health: str) -> str:
    """What to do next, in Chinese and English, with curl lines ready to paste."""
    u, c = NEW_USER_ID, f"{sandbox}/control"
    label = "<从上面 keyboard 复制的按钮文字 / a label copied from the keyboard above>"
    lines = [
        "================ 同心 Tongxin demo ================",
        "机器人已在本地 Telegram 沙盒上运行（不连接真正的 Telegram）。",
        "The bot is running against a local Telegram sandbox (no real Telegram involved).",
        "",
        f"  沙盒 Sandbox:        {sandbox}",
        f"  健康检查 Health:     {health}/healthz     指标 Metrics: {health}/metrics",
        "  演示用户 Demo users: 100001 王阿姨 (D镇 长江新村社区), 100002 李大爷 (Q镇 兴隆社区),",
        "                       100003 家属 family proxy, 100004 志愿者 volunteer,",
        "                       100005/100006 调解员 mediators (D/Q), 100007/100008 管理员 admins",
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


async def run_demo(
    port: int = DEFAULT_SANDBOX_PORT,
    exit_after: float | None = None,
    echo: Callable[[str], None] = print,
) -> None:
    """Sandbox + demo DB + the bot in polling mode, until Ctrl-C (or ``exit_after`` seconds)."""
    state, sandbox_runner, bound = await start_sandbox("127.0.0.1", port, SandboxState())
    stop = asyncio.Event()
    try:
        settings = demo_settings(bound)
        await prepare_database(settings)
        for tg_id, name, _town, _community, language, _roles in DEMO_PEOPLE:
            state.user(
                tg_id, first_name=name, language_code="en" if language == "en" else "zh-hans"
            )
        runner = BotRunner(settings)
        with install_signal_handlers(stop):
            await runner.start()
            try:
                health = f"http://{settings.listen_host}:{runner.port}"
                echo(instructions(f"http://127.0.0.1:{bound}", health))
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), exit_after)
            finally:
                await runner.stop()
    finally:
        await stop_sandbox(state, sandbox_runner)
