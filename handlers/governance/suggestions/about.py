"""The first screens of a suggestion: new or "my suggestions", what it is about, and which
venue or event (from the catalogue; events that ended in the last two months or start soon).
"""

from __future__ import annotations

from telegram import Update

from bot.context import TongxinContext
from bot.i18n import N_
from bot.timefmt import format_day
from handlers.governance.suggestions.draft import (
    ABOUT,
    EVENT,
    START,
    VENUE,
    not_understood,
    suggest_draft,
)
from handlers.governance.suggestions.words import ask_words
from handlers.kit import Means, Option, ask, chosen, clear_draft, leave, me, prompt, run
from models.core.base import TOWNS_TZ
from models.governance import Subject, my_suggestions, suggestion_events, suggestion_venues

SUBJECT_LABEL = {
    Subject.VENUE: N_("suggest.subject.venue"),
    Subject.EVENT: N_("suggest.subject.event"),
    Subject.BOT: N_("suggest.subject.bot"),
    Subject.OTHER: N_("suggest.subject.other"),
}
SUBJECT_WORDS = {
    Subject.VENUE: ("服务", "场地", "活动室", "食堂", "体检", "service", "venue"),
    Subject.EVENT: ("活动", "event"),
    Subject.BOT: ("机器人", "小助手", "这个", "bot"),
    Subject.OTHER: ("别的", "其他", "other"),
}


async def start(update: Update, context: TongxinContext) -> int:
    """意见建议: a new suggestion, or (asked only of someone who has sent some) one's own."""
    clear_draft(context)
    if await run(context, my_suggestions, person=me(context)):
        suggest_draft(context)["started"] = True
        return await ask_start(update, context)
    return await ask_about(update, context)


async def ask_start(update: Update, context: TongxinContext, first: str = "") -> int:
    """Make a new suggestion, or see the ones sent before."""
    t = context.t
    options = [
        Option("new", t("suggest.start.new"), Means(words=("新的", "提建议", "new"))),
        Option("mine", t("suggest.start.mine"), Means(words=("我的", "mine", "my"))),
    ]
    return await ask(update, context, t("suggest.ask_start"), options, START, first=first)


async def back_to_start(update: Update, context: TongxinContext) -> int:
    """⬅️ on "what about?": the first screen when it was shown, else the main menu."""
    if suggest_draft(context).get("started"):
        return await ask_start(update, context)
    return await leave(update, context)


async def ask_about(update: Update, context: TongxinContext, first: str = "") -> int:
    """What the suggestion is about: a service or venue, an event, this bot, something else."""
    t = context.t
    options = [Option(s.value, t(SUBJECT_LABEL[s]), Means(words=SUBJECT_WORDS[s])) for s in Subject]
    return await ask(
        update, context, prompt(context, "suggest.ask_about"), options, ABOUT, first=first
    )


async def on_about(update: Update, context: TongxinContext) -> int:
    """A venue or an event: which one; the bot or something else: the words."""
    key, data = chosen(update, context), suggest_draft(context)
    if key is None or key not in set(Subject):
        return await ask_about(update, context, not_understood(context))
    for stale in ("subject_id", "about", "names"):
        data.pop(stale, None)  # type: ignore[misc]
    data["subject"] = key
    if key == Subject.VENUE:
        return await ask_venue(update, context)
    if key == Subject.EVENT:
        return await ask_event(update, context)
    return await ask_words(update, context)


async def ask_venue(update: Update, context: TongxinContext, first: str = "") -> int:
    """Which service or venue (the catalogue's, by town and centre)."""
    t, lang = context.t, context.lang
    venues = await run(context, suggestion_venues)
    names = {
        str(v.id): t(
            "suggest.venue.label",
            name=v.name_en if lang == "en" else v.name_zh,
            centre=v.place_en if lang == "en" else v.place_zh,
        )
        for v in venues
    }
    suggest_draft(context)["names"] = names
    options = [Option(key, label) for key, label in names.items()]
    return await ask(update, context, t("suggest.ask_venue"), options, VENUE, first=first)


async def ask_event(update: Update, context: TongxinContext, first: str = "") -> int:
    """Which event (recent or coming); none: back to "what about?"."""
    t, lang = context.t, context.lang
    events = await run(context, suggestion_events)
    if not events:
        return await ask_about(update, context, t("suggest.events.none"))
    names = {}
    for e in events:
        day = (
            format_day(e.starts_at.astimezone(TOWNS_TZ).date(), lang, short=True)
            if e.starts_at
            else ""
        )
        names[str(e.id)] = t(
            "suggest.event.label", name=e.name_en if lang == "en" else e.name_zh, day=day
        )
    suggest_draft(context)["names"] = names
    options = [Option(key, label) for key, label in names.items()]
    return await ask(update, context, t("suggest.ask_event"), options, EVENT, first=first)


async def on_pick(update: Update, context: TongxinContext) -> int:
    """The venue or event picked; then the words."""
    key, data = chosen(update, context), suggest_draft(context)
    names = data.get("names", {})
    if key is None or key not in names:
        again = ask_venue if data.get("subject") == Subject.VENUE else ask_event
        return await again(update, context, not_understood(context))
    data["subject_id"], data["about"] = int(key), names[key]
    return await ask_words(update, context)
