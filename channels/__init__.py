"""Bridges that present the Telegram Bot API to the unmodified bot and speak another platform.

A channel imports nothing of the bot's flows (``handlers``, ``jobs``), nor Telegram, nor the
sandbox (an import-linter contract in pyproject.toml); see ``docs/wechat.md``.
"""
