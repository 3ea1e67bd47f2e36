"""我的建议: the resident's latest suggestions, each with its number, what it is about, its
status and (once decided) what was done or why not; from there, a new suggestion."""

from __future__ import annotations

from telegram import Update

from bot.context import TongxinContext
from bot.i18n import N_
from bot.timefmt import format_day
from handlers.governance.suggestions.about import SUBJECT_LABEL, ask_about
from handlers.governance.suggestions.draft import MINE, not_understood
from handlers.kit import Means, Option, ask, chosen, me, run
from models.core.base import TOWNS_TZ
from models.governance import MySuggestion, Subject, SuggestionStatus, my_suggestions

STATUS_LABEL = {
    SuggestionStatus.OPEN: N_("suggest.status.open"),
    SuggestionStatus.ADOPTED: N_("suggest.status.adopted"),
    SuggestionStatus.NOT_ADOPTED: N_("suggest.status.not_adopted"),
}


def _line(context: TongxinContext, item: MySuggestion) -> str:
    t, lang = context.t, context.lang
    about = item.about_en if lang == "en" else item.about_zh
    if item.subject in (Subject.BOT, Subject.OTHER) or not about:
        about = t(SUBJECT_LABEL[item.subject])
    line = t(
        "suggest.mine.line",
        number=item.number,
        day=format_day(item.created_at.astimezone(TOWNS_TZ).date(), lang, short=True),
        about=about,
        status=t(STATUS_LABEL[item.status]),
    )
    if item.replies:
        line += "\n" + t.n("suggest.mine.replies", item.replies, count=item.replies)
    if item.outcome:
        line += "\n" + t("suggest.mine.outcome", text=item.outcome)
    return line


async def show_mine(update: Update, context: TongxinContext, first: str = "") -> int:
    """The resident's suggestions, newest first; then a new one, ⬅️ or 🏠."""
    t = context.t
    mine = await run(context, my_suggestions, person=me(context))
    body = "\n\n".join(_line(context, item) for item in mine) or t("suggest.mine.none")
    text = "\n".join([t("suggest.mine.title"), "", body])
    options = [Option("new", t("suggest.start.new"), Means(words=("新的", "提建议", "new")))]
    return await ask(update, context, text, options, MINE, first=first)


async def on_mine(update: Update, context: TongxinContext) -> int:
    """A new suggestion from the list."""
    if chosen(update, context) != "new":
        return await show_mine(update, context, not_understood(context))
    return await ask_about(update, context)
