"""/noshows: residents who missed bookings at least twice lately, at the admin's towns."""

from __future__ import annotations

from telegram import Update

from bot.context import TongxinContext
from handlers.booking.staff.words import staff_name
from handlers.kit import current_scopes, main_menu_keyboard, reply, requires, run
from models.booking import no_show_report
from models.core.authz import Action


@requires(Action.VENUE_MANAGE)
async def noshows_command(update: Update, context: TongxinContext) -> None:
    """/noshows: the repeat cases, most missed first."""
    t = context.t
    report = await run(context, no_show_report, scopes=await current_scopes(context))
    if not report.total:
        text = t.n("noshows.empty", report.days, days=report.days)
        await reply(update, context, text, main_menu_keyboard(context))
        return
    lines = [t.n("noshows.title", report.total, days=report.days, count=report.total)]
    for n, line in enumerate(report.lines, 1):
        where = line.community.name(context.lang) if line.community else "—"
        name = staff_name(context, line.person)
        lines.append(
            t.n("noshows.line", line.times, n=n, name=name, community=where, times=line.times)
        )
    if report.more:
        lines.append(t("noshows.more", more=report.more))
    await reply(update, context, "\n".join(lines), main_menu_keyboard(context))
