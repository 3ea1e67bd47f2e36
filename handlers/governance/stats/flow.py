"""/stats: an admin chooses the period, reads a short summary, gets the three charts as photos,
then may ask for every figure as a CSV file or choose another period.

A town-limited admin sees their own town's figures with the two towns' totals beside them;
an admin of both towns sees both (``models.governance.stats_town``). The charts are drawn in
a worker thread (matplotlib is CPU-bound) so the bot keeps answering others meanwhile.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TypedDict

from telegram import InputFile, Update
from telegram.ext import BaseHandler, CommandHandler

from bot.context import TongxinContext
from handlers.governance.stats.summary import PERIODS, summary_text
from handlers.kit import (
    Option,
    Screen,
    ask,
    chosen,
    conversation,
    current_scopes,
    draft,
    leave,
    reply,
    requires,
    run,
    send_file,
    today,
)
from models.core.authz import Action
from models.governance import (
    CHART_CAPTIONS,
    FontMissing,
    PeriodKind,
    StatsReport,
    chart_data,
    render_charts,
    stats_csv,
    stats_report,
)

logger = logging.getLogger(__name__)

FLOW = "governance_stats"
PERIOD, SHOWN = "period", "shown"
CSV_NAME = "tongxin-stats-{first}-{last}.csv"


class StatsDraft(TypedDict, total=False):
    """The period last shown (for the CSV)."""

    kind: str


async def ask_period(update: Update, context: TongxinContext, first: str = "") -> object:
    """Which period: this month, last month, this quarter, this year."""
    t = context.t
    options = [Option(kind.value, t(PERIODS[kind])) for kind in PeriodKind]
    return await ask(
        update, context, t("governance_stats.ask_period"), options, PERIOD, first=first
    )


@requires(Action.STATS_VIEW)
async def stats_command(update: Update, context: TongxinContext) -> object:
    """/stats: the participation statistics, for admins."""
    return await ask_period(update, context)


async def _report(context: TongxinContext, kind: PeriodKind) -> StatsReport:
    scopes = await current_scopes(context)
    return await run(context, stats_report, scopes=scopes, kind=kind, today=today(context))


async def _send_charts(update: Update, context: TongxinContext, report: StatsReport) -> None:
    chat = update.effective_chat
    if chat is None:
        return
    font = context.services.settings.cjk_font
    try:
        charts = await asyncio.to_thread(
            render_charts, chart_data(report), t=context.t, language=context.lang, font=font
        )
    except FontMissing:
        logger.exception("the /stats charts need the CJK font")
        await reply(update, context, context.t("governance_stats.no_charts"))
        return
    for chart in charts:
        photo = InputFile(chart.png, filename=f"stats-{chart.name}.png")
        await send_file(context.bot, chat.id, "photo", photo, context.t(CHART_CAPTIONS[chart.name]))


async def ask_next(update: Update, context: TongxinContext, first: str = "") -> object:
    """After the charts: 📄 the CSV, or another period."""
    t = context.t
    options = [
        Option("csv", t("governance_stats.next.csv")),
        Option("other", t("governance_stats.next.other")),
    ]
    return await ask(update, context, t("governance_stats.ask_next"), options, SHOWN, first=first)


@requires(Action.STATS_VIEW)
async def on_period(update: Update, context: TongxinContext) -> object:
    """A period chosen: the summary, then the charts, then what next."""
    key = chosen(update, context)
    if key not in {k.value for k in PeriodKind}:
        return await ask_period(update, context, context.t("governance_stats.pick_period"))
    kind = PeriodKind(key)
    draft(context, StatsDraft)["kind"] = kind.value
    report = await _report(context, kind)
    await reply(update, context, summary_text(context.t, context.lang, report))
    await _send_charts(update, context, report)
    return await ask_next(update, context)


@requires(Action.STATS_VIEW)
async def on_next(update: Update, context: TongxinContext) -> object:
    """📄 CSV: every figure of the period shown as a file; or choose another period."""
    key = chosen(update, context)
    kind = draft(context, StatsDraft).get("kind")
    if key == "other" or kind not in {k.value for k in PeriodKind}:
        return await ask_period(update, context)
    if key != "csv":
        return await ask_next(update, context, context.t("governance_stats.pick_next"))
    report = await _report(context, PeriodKind(str(kind)))
    chat = update.effective_chat
    if chat is not None:
        period = report.period
        name = CSV_NAME.format(first=period.first.isoformat(), last=period.last.isoformat())
        document = InputFile(stats_csv(report), filename=name)
        caption = context.t("governance_stats.csv_caption")
        await send_file(context.bot, chat.id, "document", document, caption)
    return await ask_next(update, context)


def handlers() -> list[BaseHandler]:  # type: ignore[type-arg]
    """/stats and its two screens (persistent: a restart keeps the admin's place)."""
    return [
        conversation(
            FLOW,
            entry_points=[CommandHandler("stats", stats_command)],
            screens={
                PERIOD: Screen(on_period, back=leave),
                SHOWN: Screen(on_next, back=ask_period),
            },
        )
    ]
