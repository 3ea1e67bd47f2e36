"""/ratings: an admin's view of residents' ratings in their towns, low-rated items first,
with the trend against the period before and the latest comments (voice ones as "🎤 语音")."""

from __future__ import annotations

from telegram import Update

from bot.context import TongxinContext
from bot.i18n import Translator
from bot.timefmt import format_day
from handlers.governance.meetings.texts import score
from handlers.kit import current_scopes, main_menu_keyboard, reply, requires, run
from models.core.authz import Action, admin_towns
from models.core.base import TOWNS_TZ, utcnow
from models.governance import LOW_AVERAGE, LOW_MIN_COUNT, SUBJECT, RatedItem, ratings_report

SHOWN = 12  # items on the screen; the lowest come first, so the ones cut are the best rated


def _item_lines(t: Translator, n: int, item: RatedItem) -> list[str]:
    lines = [
        t.n(
            "governance.ratings.item",
            item.count,
            n=n,
            subject=t(SUBJECT[item.subject]),
            name=item.name(t.language),
            average=score(item.average),
            count=item.count,
        )
    ]
    if item.low:
        lines.append(t("governance.ratings.low_mark"))
    if item.trend is not None:
        msgid = (
            "governance.ratings.trend.up"
            if item.trend > 0
            else "governance.ratings.trend.down"
            if item.trend < 0
            else "governance.ratings.trend.same"
        )
        lines.append(
            t(msgid, delta=f"{abs(item.trend):.1f}", previous=score(item.previous_average))
        )
    for said in item.comments:
        if said.voice and not said.text:
            lines.append(t("governance.ratings.voice", rating=said.rating))
        else:
            lines.append(t("governance.ratings.comment", rating=said.rating, text=said.text or ""))
    return lines


@requires(Action.STATS_VIEW)
async def ratings_command(update: Update, context: TongxinContext) -> None:
    """/ratings: the ratings of the last two months in the admin's towns, low-rated first."""
    t = context.t
    towns = admin_towns(await current_scopes(context))
    report = await run(context, ratings_report, end=utcnow(), towns=towns)
    start = format_day(report.start.astimezone(TOWNS_TZ).date(), t.language)
    end = format_day(report.end.astimezone(TOWNS_TZ).date(), t.language)
    lines = [t("governance.ratings.title", start=start, end=end)]
    lines.append(t("governance.ratings.rule", average=score(LOW_AVERAGE), count=LOW_MIN_COUNT))
    if not report.items:
        lines.append(t("governance.ratings.empty"))
    for n, item in enumerate(report.items[:SHOWN], 1):
        lines.append("")
        lines.extend(_item_lines(t, n, item))
    if len(report.items) > SHOWN:
        lines.append(t("governance.ratings.more", more=len(report.items) - SHOWN))
    if report.towns:
        lines.extend(["", t("governance.ratings.towns")])
        for town in report.towns:
            lines.append(
                t.n(
                    "governance.ratings.town",
                    town.count,
                    name=town.name(t.language),
                    average=score(town.average),
                    count=town.count,
                )
            )
    await reply(update, context, "\n".join(lines), main_menu_keyboard(context))
