"""Local Telegram Bot API emulator ("sandbox") for tests and ``tongxin demo``.

The core (state, server) depends only on aiohttp and the standard library;
``sandbox.transport`` adds an in-process python-telegram-bot transport. Nothing here imports
``bot``, ``handlers``, ``jobs`` or ``models``: callers pass in what they need (the web chat gets
its personas from ``bot.demo``, the only bot module that imports this package). The production
image leaves this package out.
"""

from sandbox.core import ApiError, SandboxTimeout
from sandbox.server import build_sandbox_app, start_sandbox, stop_sandbox
from sandbox.state import SandboxState

__all__ = [
    "ApiError",
    "SandboxState",
    "SandboxTimeout",
    "build_sandbox_app",
    "start_sandbox",
    "stop_sandbox",
]
