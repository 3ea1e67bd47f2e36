"""What the suggestion conversation keeps between screens: its states and its typed draft."""

from __future__ import annotations

from typing import TypedDict

from bot.context import TongxinContext
from handlers.kit import draft

START, ABOUT, VENUE, EVENT, WORDS, ANONYMOUS, CONFIRM, MINE = range(8)


class SuggestDraft(TypedDict, total=False):
    """The suggestion being put together (kept in ``user_data``, across restarts)."""

    started: bool  # the first screen was "new, or my suggestions?"
    subject: str  # a Subject value
    subject_id: int  # the venue or event
    about: str  # its name, as shown when it was picked
    names: dict[str, str]  # the venues or events on screen: id → name as shown
    text: str  # the words, as written (or as a voice note was heard)
    voice: str  # a voice note's file id
    anonymous: bool


def suggest_draft(context: TongxinContext) -> SuggestDraft:
    """The open suggestion's draft."""
    return draft(context, SuggestDraft)


def not_understood(context: TongxinContext) -> str:
    """The gentle re-prompt line."""
    return context.t("suggest.not_understood")
