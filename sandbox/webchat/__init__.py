"""A Telegram-like web page over the sandbox: chat as any persona the caller passes in."""

from sandbox.webchat.personas import Persona, counting_allocator
from sandbox.webchat.server import build_webchat_app, start_webchat

__all__ = ["Persona", "build_webchat_app", "counting_allocator", "start_webchat"]
