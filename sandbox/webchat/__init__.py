"""A Telegram-like web page over the sandbox: chat as any demo person from a browser."""

from sandbox.webchat.personas import NEW_USER_BASE, Persona, demo_personas
from sandbox.webchat.server import build_webchat_app, start_webchat

__all__ = ["NEW_USER_BASE", "Persona", "build_webchat_app", "demo_personas", "start_webchat"]
