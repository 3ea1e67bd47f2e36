"""/agenda: the next joint meeting's agenda draft for committee members, secretaries and
admins, as a message and as a .txt file to print or pass on."""

from __future__ import annotations

import io

from telegram import InputFile, Update

from bot.context import TongxinContext
from bot.timefmt import format_day, format_when
from handlers.governance.meetings.texts import payload_text
from handlers.kit import current_scopes, main_menu_keyboard, reply, requires, run, send_file
from models.core.authz import Action
from models.core.base import TOWNS_TZ
from models.governance import Agenda, agenda_draft


def agenda_text(context: TongxinContext, agenda: Agenda) -> str:
    """The agenda draft as text in the reader's language."""
    t, lang = context.t, context.lang
    meeting = agenda.meeting
    lines = [t("governance.agenda.title")]
    if meeting.starts_at is None:
        lines.append(t("governance.agenda.no_date", town=meeting.host_town.name(lang)))
    else:
        msgid = "governance.agenda.meeting" if meeting.id else "governance.agenda.proposed"
        when = format_when(meeting.starts_at, lang, TOWNS_TZ)
        lines.append(
            t(msgid, when=when, town=meeting.host_town.name(lang), place=meeting.where(lang))
        )
    since = format_day(agenda.since.astimezone(TOWNS_TZ).date(), lang)
    until = format_day(agenda.until.astimezone(TOWNS_TZ).date(), lang)
    lines.append(t("governance.agenda.period", since=since, until=until))
    if not agenda.sections:
        lines.extend(["", t("governance.agenda.empty")])
    for number, section in enumerate(agenda.sections, 1):
        lines.extend(["", t(section.title, n=number)])
        lines.extend(f"• {payload_text(t, line)}" for line in section.lines)
    return "\n".join(lines)


@requires(Action.MEETING_VIEW)
async def agenda_command(update: Update, context: TongxinContext) -> None:
    """/agenda: the draft, then the same as a .txt file."""
    agenda = await run(context, agenda_draft, scopes=await current_scopes(context))
    text = agenda_text(context, agenda)
    await reply(update, context, text, main_menu_keyboard(context))
    chat = update.effective_chat
    if chat is not None:
        file = InputFile(io.BytesIO(text.encode("utf-8")), filename="agenda.txt")
        await send_file(context.bot, chat.id, "document", file, context.t("governance.agenda.file"))
