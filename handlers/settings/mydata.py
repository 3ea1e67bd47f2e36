"""/mydata and "📄 查看我的信息": a readable summary first, then the complete file.

The export is every stored row, as JSON: complete, and what the law asks for, but unreadable
to an elderly resident. So the summary comes first as a message (name, phone masked, town,
community, language, elder mode, notice topics, bookings, queue places, staff roles), and the
file follows at once with a caption that says what it is ("您的全部资料"), never its name and
size. Sending it at once rather than behind a "download" choice saves a tap and adds no
second set of choices to the screen the person is on.
"""

from __future__ import annotations

import json
import logging

from telegram import InputFile, Update

from bot.context import TongxinContext
from bot.i18n import Translator
from bot.timefmt import format_span
from handlers.kit import reply, reply_not_registered, run
from models.core.people import mask_phone
from models.settings import DataSummary, my_data

logger = logging.getLogger(__name__)

EXPORT_NAME = "mydata.json"


def _bookings_line(context: TongxinContext, summary: DataSummary) -> str:
    t, soonest = context.t, summary.next_booking
    if soonest is None:
        return t("privacy.summary.no_bookings")
    lang = context.lang
    when = format_span(
        soonest.slot.starts_at, soonest.slot.ends_at, lang, context.services.settings.tz
    )
    return t.n(
        "privacy.summary.bookings",
        len(summary.bookings),
        count=len(summary.bookings),
        when=when,
        venue=soonest.venue.name(lang),
        centre=soonest.centre.name(lang),
    )


def summary_text(context: TongxinContext, summary: DataSummary) -> str:
    """The summary message: one line a fact, then what the file below is."""
    t: Translator = context.t
    view, unset = summary.settings, t("settings.unset")
    person, lang = view.person, context.lang
    topics = [t(f"topic.{k}") for k in view.receiving]
    lines = [
        t(
            "privacy.summary",
            name=person.display_name or unset,
            phone=mask_phone(person.phone) or unset,
            town=view.town.name(lang) if view.town else unset,
            community=view.community.name(lang) if view.community else unset,
            language=t(f"settings.language.{person.language or 'zh_CN'}"),
            elder=t("settings.elder.on" if person.elder_mode else "settings.elder.off"),
            topics=t("settings.topics.list_sep").join(topics) or t("settings.topics.none"),
        ),
        _bookings_line(context, summary),
    ]
    if summary.waiting:
        lines.append(t.n("privacy.summary.waiting", summary.waiting, count=summary.waiting))
    if summary.roles:
        names = t("settings.topics.list_sep").join(t(f"roles.role.{r}") for r in summary.roles)
        lines.append(t("privacy.summary.roles", roles=names))
    lines.append(t("privacy.summary.file_below"))
    return "\n".join(lines)


async def mydata(update: Update, context: TongxinContext) -> None:
    """The summary of everything stored, then the complete file, captioned with what it is."""
    chat, person = update.effective_chat, context.person
    if person is None or chat is None:
        await reply_not_registered(update, context, "privacy.nothing_stored")
        return
    found = await run(context, my_data, person=person)
    await reply(update, context, summary_text(context, found.summary))
    body = json.dumps(found.export, ensure_ascii=False, indent=2).encode("utf-8")
    logger.info("exported data of person %s", person.id)
    await context.bot.send_document(
        chat.id,
        InputFile(body, filename=EXPORT_NAME),
        caption=context.t("privacy.export.caption"),
    )
