"""The resident's side of suggestions: the conversation (意见建议 and /suggest).

One question a screen: (for someone who has sent some: new, or my suggestions?) → what about
(a service or venue, an event, this bot, something else) → which venue or event → the words
or a voice note → signed or anonymous → confirm → receipt with the number, and the main menu.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler

from bot.context import TongxinContext
from handlers.governance.suggestions import about, mine, words
from handlers.governance.suggestions.draft import (
    ABOUT,
    ANONYMOUS,
    CONFIRM,
    EVENT,
    MINE,
    START,
    VENUE,
    WORDS,
    not_understood,
    suggest_draft,
)
from handlers.kit import Screen, Wiring, chosen, conversation, entry_points, leave
from models.governance import Subject

MENU_KEY = "suggest"


async def on_start(update: Update, context: TongxinContext) -> int:
    """A new suggestion, or one's own."""
    key = chosen(update, context)
    if key == "new":
        return await about.ask_about(update, context)
    if key == "mine":
        return await mine.show_mine(update, context)
    return await about.ask_start(update, context, not_understood(context))


async def back_from_words(update: Update, context: TongxinContext) -> int:
    """⬅️ on the words: the venue or event list when one was picked, else "what about?"."""
    subject = suggest_draft(context).get("subject")
    if subject == Subject.VENUE:
        return await about.ask_venue(update, context)
    if subject == Subject.EVENT:
        return await about.ask_event(update, context)
    return await about.ask_about(update, context)


async def back_from_mine(update: Update, context: TongxinContext) -> int:
    """⬅️ on my suggestions: the first screen."""
    return await about.ask_start(update, context)


def handlers(wiring: Wiring) -> list[BaseHandler]:  # type: ignore[type-arg]
    """The suggestion conversation."""
    return [
        conversation(
            "governance_suggest",
            entry_points=entry_points(wiring, about.start, command="suggest", menu=MENU_KEY),
            screens={
                START: Screen(on_start, back=leave),
                ABOUT: Screen(about.on_about, back=about.back_to_start),
                VENUE: Screen(about.on_pick, back=about.ask_about),
                EVENT: Screen(about.on_pick, back=about.ask_about),
                WORDS: Screen(words.on_words, back=back_from_words),
                ANONYMOUS: Screen(words.on_anonymous, back=words.ask_words),
                CONFIRM: Screen(words.on_confirm, back=words.ask_anonymous),
                MINE: Screen(mine.on_mine, back=back_from_mine),
            },
        )
    ]
