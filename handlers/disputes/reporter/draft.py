"""What the reporting conversation keeps between screens: its states and its typed draft."""

from __future__ import annotations

from typing import TypedDict

from bot.context import TongxinContext
from handlers.kit import draft

START, KIND, PHONE, RESIDENT, PARTIES, DESCRIBE, CONTACT, ANONYMOUS, CONSENT, CONFIRM = range(10)
PROXY = "proxy"  # the kind screen's last choice: reporting for someone else
DONE = "done"  # "好了" on the describe screen


class ReportDraft(TypedDict, total=False):
    """The report being put together (kept in ``user_data``, across restarts)."""

    proxy: bool  # reporting for someone else …
    resident_id: int  # … the resident the proxy named, their name (as shown) and phone
    resident_name: str
    resident_phone: bool  # the resident has a phone the mediator could call
    category: str  # a Category value
    parties: str  # a Parties value
    description: str  # the words, as written (several messages joined by new lines)
    attachments: list[list[str]]  # [kind, file_id] of voice notes and photos
    contact: str  # a Contact value
    anonymous: bool
    consent: bool  # share with the other town's mediators


def report_draft(context: TongxinContext) -> ReportDraft:
    """The open report's draft."""
    return draft(context, ReportDraft)


def not_understood(context: TongxinContext) -> str:
    """The gentle re-prompt line."""
    return context.t("report.not_understood")
