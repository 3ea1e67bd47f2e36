"""Telling what happened (words, voice notes, photos: several, then "好了"), and the choices
about it: how to be contacted, anonymity, and sharing with the other town's mediators.

Words are kept exactly as written (several messages joined by new lines); a voice note and a
photo are kept by their ``file_id`` (a photo's caption joins the words). Anything else (a
sticker, a file) is answered kindly and changes nothing.
"""

from __future__ import annotations

from telegram import Update

from bot.context import TongxinContext
from handlers.disputes.reporter.draft import (
    ANONYMOUS,
    CONSENT,
    CONTACT,
    DESCRIBE,
    DONE,
    not_understood,
    report_draft,
)
from handlers.disputes.reporter.what import ask_parties
from handlers.kit import Means, Option, ask, chosen, error_text, me, prompt
from models.disputes import (
    CONTACT as CONTACT_LABELS,
)
from models.disputes import (
    DESCRIPTION_MAX,
    MAX_ATTACHMENTS,
    Contact,
    DescriptionTooLong,
    EmptyReport,
    Parties,
)

DONE_WORDS = ("好了", "好", "完了", "说完了", "done", "ok", "finished")


def _has_something(context: TongxinContext) -> bool:
    data = report_draft(context)
    return bool(data.get("description", "").strip() or data.get("attachments"))


async def on_parties(update: Update, context: TongxinContext) -> int:
    """Where the other side is; then what happened."""
    key = chosen(update, context)
    if key is None or key not in set(Parties):
        return await ask_parties(update, context, not_understood(context))
    report_draft(context)["parties"] = key
    return await ask_describe(update, context)


async def ask_describe(update: Update, context: TongxinContext, first: str = "") -> int:
    """What happened: type, speak or send photos, as many as needed; then "好了"."""
    t = context.t
    options = []
    if _has_something(context):
        options.append(Option(DONE, t("report.describe.done"), Means(words=DONE_WORDS)))
    text = prompt(context, "report.ask_describe")
    return await ask(
        update, context, text, options, DESCRIBE, first=first, free_text=True, keeps_voice=True
    )


async def on_describe(update: Update, context: TongxinContext) -> int:
    """Keep the words, voice note or photo sent; "好了" goes on to how to be contacted."""
    t, data, message = context.t, report_draft(context), update.message
    if chosen(update, context) == DONE:
        if not _has_something(context):
            return await ask_describe(update, context, error_text(context, EmptyReport()))
        return await ask_contact(update, context)
    if message is None:
        return await ask_describe(update, context)
    attachments = list(data.get("attachments", []))
    words = message.text if message.voice is None else None
    if message.voice is not None:
        attachments.append(["voice", message.voice.file_id])
    elif message.photo:
        attachments.append(["photo", message.photo[-1].file_id])
        words = message.caption
    elif not (words or "").strip():
        return await ask_describe(update, context, t("report.describe.unsupported"))
    if len(attachments) > MAX_ATTACHMENTS:
        return await ask_describe(
            update, context, t.n("report.describe.too_many", MAX_ATTACHMENTS, most=MAX_ATTACHMENTS)
        )
    description = data.get("description", "")
    if words and words.strip():
        description = f"{description}\n{words}" if description else words
    if len(description) > DESCRIPTION_MAX:
        too_long = DescriptionTooLong(max=DESCRIPTION_MAX)
        return await ask_describe(update, context, error_text(context, too_long))
    data["description"], data["attachments"] = description, attachments
    return await ask_describe(update, context, _got(context))


def _got(context: TongxinContext) -> str:
    """What has been received so far, in a line."""
    data, t = report_draft(context), context.t
    kinds = [kind for kind, _file in data.get("attachments", [])]
    return t(
        "report.describe.got",
        chars=len(data.get("description", "")),
        voices=kinds.count("voice"),
        photos=kinds.count("photo"),
    )


def _phone_known(context: TongxinContext) -> bool:
    """The person to contact has a phone the mediator could call (a proxy found them by it)."""
    data = report_draft(context)
    return bool(data.get("resident_id")) or bool(me(context).phone)


async def ask_contact(update: Update, context: TongxinContext, first: str = "") -> int:
    """Through the bot only, or by phone too (only offered when a phone is on record)."""
    t = context.t
    if not _phone_known(context):
        report_draft(context)["contact"] = Contact.BOT.value
        return await ask_anonymous(update, context, first)
    options = [
        Option(Contact.BOT.value, t(CONTACT_LABELS[Contact.BOT]), Means(words=("这里", "bot"))),
        Option(
            Contact.PHONE.value, t(CONTACT_LABELS[Contact.PHONE]), Means(words=("电话", "phone"))
        ),
    ]
    text = prompt(context, "report.ask_contact")
    return await ask(update, context, text, options, CONTACT, first=first)


async def on_contact(update: Update, context: TongxinContext) -> int:
    """How to be contacted; then anonymity."""
    key = chosen(update, context)
    if key is None or key not in set(Contact):
        return await ask_contact(update, context, not_understood(context))
    report_draft(context)["contact"] = key
    return await ask_anonymous(update, context)


async def back_to_contact(update: Update, context: TongxinContext) -> int:
    """⬅️ on anonymity: the contact screen, or (when it was not asked) what happened."""
    if _phone_known(context):
        return await ask_contact(update, context)
    return await ask_describe(update, context)


async def ask_anonymous(update: Update, context: TongxinContext, first: str = "") -> int:
    """Whether the mediator may know who reported, explained in plain words."""
    t = context.t
    options = [
        Option("named", t("report.anonymous.no"), Means(yes=False, words=("可以", "不匿名"))),
        Option("anonymous", t("report.anonymous.yes"), Means(yes=True, words=("匿名",))),
    ]
    text = prompt(context, "report.ask_anonymous")
    return await ask(update, context, text, options, ANONYMOUS, first=first)


async def ask_consent(update: Update, context: TongxinContext, first: str = "") -> int:
    """The other town is involved: may its mediators see the case and help?"""
    t = context.t
    options = [
        Option("yes", t("report.consent.yes"), Means(yes=True)),
        Option("no", t("report.consent.no"), Means(yes=False)),
    ]
    text = prompt(context, "report.ask_consent")
    return await ask(update, context, text, options, CONSENT, first=first)
