"""Tongxin (同心): wiring of the Telegram bot for the D town / Q town community life circle."""

__version__ = "0.1.0"
