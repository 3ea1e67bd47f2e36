"""The proxy's first question: the resident's phone number (asked from "for whom?" and from the
kind screen's last choice, so both reach it without importing each other)."""

from __future__ import annotations

from telegram import Update

from bot.context import TongxinContext
from handlers.booking.book.draft import PHONE
from handlers.kit import ask, prompt


async def ask_phone(update: Update, context: TongxinContext, first: str = "") -> int:
    """The resident's phone number, typed."""
    return await ask(update, context, prompt(context, "booking.ask_phone"), [], PHONE, first=first)
