"""The last screens of a report: the summary to confirm, then the receipt: the case number,
what happens next and when to expect a first answer, with the main menu.

The words are shown exactly as written (no markup is ever parsed: they cannot change how the
message reads). A proxy's report without the resident's standing consent waits for the
resident's answer; the receipt says so.
"""

from __future__ import annotations

import logging

from telegram import Update

from bot.context import TongxinContext
from handlers.disputes.reporter.describe import ask_anonymous, ask_consent, ask_describe
from handlers.disputes.reporter.draft import CONFIRM, not_understood, report_draft
from handlers.kit import Means, Option, ask, chosen, error_text, leave, me, run
from models.core.errors import DomainError
from models.disputes import (
    CATEGORY,
    CONTACT,
    PARTIES,
    Attachment,
    CaseStatus,
    Category,
    Contact,
    DescriptionTooLong,
    EmptyReport,
    Parties,
    Receipt,
    Report,
    report_case,
)

logger = logging.getLogger(__name__)


async def on_anonymous(update: Update, context: TongxinContext) -> int:
    """Named or anonymous; then (across the border) sharing, else the summary."""
    key, data = chosen(update, context), report_draft(context)
    if key not in ("named", "anonymous"):
        return await ask_anonymous(update, context, not_understood(context))
    data["anonymous"] = key == "anonymous"
    if data.get("parties") == Parties.OTHER_TOWN.value:
        return await ask_consent(update, context)
    data["consent"] = False
    return await ask_confirm(update, context)


async def on_consent(update: Update, context: TongxinContext) -> int:
    """Shared with both towns or not; then the summary."""
    key = chosen(update, context)
    if key not in ("yes", "no"):
        return await ask_consent(update, context, not_understood(context))
    report_draft(context)["consent"] = key == "yes"
    return await ask_confirm(update, context)


async def ask_confirm(update: Update, context: TongxinContext, first: str = "") -> int:
    """Everything gathered, in words, to send or change."""
    t, data = context.t, report_draft(context)
    kinds = [kind for kind, _file in data.get("attachments", [])]
    crosses = data.get("parties") == Parties.OTHER_TOWN.value
    lines = [
        t("report.summary.kind", kind=t(CATEGORY[Category(data.get("category", "other"))])),
        t("report.summary.where", where=t(PARTIES[Parties(data.get("parties", "same_community"))])),
        t("report.summary.words", words=data.get("description") or "—"),
        t("report.summary.media", voices=kinds.count("voice"), photos=kinds.count("photo")),
        t("report.summary.contact", contact=t(CONTACT[Contact(data.get("contact", "bot"))])),
        t(
            "report.summary.anonymous.yes"
            if data.get("anonymous")
            else "report.summary.anonymous.no"
        ),
    ]
    if crosses:
        lines.append(
            t("report.summary.shared.yes" if data.get("consent") else "report.summary.shared.no")
        )
    if data.get("resident_id"):
        head = t("report.ask_confirm.proxy", name=data.get("resident_name") or "—")
    else:
        head = t("report.ask_confirm")
    options = [
        Option("send", t("report.confirm.send"), Means(yes=True, words=("提交", "发送", "send")))
    ]
    text = "\n".join([head, "", *lines])
    return await ask(update, context, text, options, CONFIRM, first=first)


async def back_from_confirm(update: Update, context: TongxinContext) -> int:
    """⬅️ on the summary: the sharing question when it was asked, else anonymity."""
    if report_draft(context).get("parties") == Parties.OTHER_TOWN.value:
        return await ask_consent(update, context)
    return await ask_anonymous(update, context)


def _report(context: TongxinContext) -> Report:
    data = report_draft(context)
    return Report(
        category=Category(data.get("category", Category.OTHER.value)),
        parties=Parties(data.get("parties", Parties.SAME_COMMUNITY.value)),
        description=data.get("description", ""),
        attachments=tuple(
            Attachment(kind, file_id) for kind, file_id in data.get("attachments", [])
        ),
        contact=Contact(data.get("contact", Contact.BOT.value)),
        anonymous=bool(data.get("anonymous")),
        cross_border_consent=bool(data.get("consent")),
    )


async def on_confirm(update: Update, context: TongxinContext) -> int:
    """Send: the case is filed and numbered; the receipt and the main menu."""
    if chosen(update, context) != "send":
        return await ask_confirm(update, context, not_understood(context))
    resident_id = report_draft(context).get("resident_id")
    try:
        receipt = await run(
            context,
            report_case,
            person=me(context),
            report=_report(context),
            resident_id=resident_id,
        )
    except (EmptyReport, DescriptionTooLong) as error:
        return await ask_describe(update, context, error_text(context, error))
    except DomainError as error:
        return await leave(update, context, error.message_id)
    logger.info("person %s reported case %s", me(context).id, receipt.case_id)
    anonymous = bool(report_draft(context).get("anonymous"))
    return await leave(
        update, context, "report.receipt", **_receipt_params(context, receipt, anonymous)
    )


def _receipt_params(
    context: TongxinContext, receipt: Receipt, anonymous: bool
) -> dict[str, object]:
    t = context.t
    if receipt.status is CaseStatus.AWAITING_RESIDENT:
        after = t("report.receipt.waiting")
    else:
        hours = receipt.first_response_hours
        after = t.n(
            "report.receipt.joint" if receipt.joint else "report.receipt.next", hours, hours=hours
        )
    privacy = t("report.receipt.anonymous" if anonymous else "report.receipt.named")
    return {"number": receipt.number, "next": after, "privacy": privacy}
