"""Local Telegram Bot API emulator ("sandbox") for tests and ``tongxin demo``.

The core (state, server) depends only on aiohttp and the standard library;
``sandbox.transport`` adds an in-process python-telegram-bot transport.
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
