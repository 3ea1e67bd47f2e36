"""The reporter's side of disputes, as PTB handlers: the reporting conversation (矛盾调解 and
/report), /mycases with its case screens and relay, and the answers to taps on what the model
sends (the follow-up, the proxy's consent, 催办, ✏️ reply).

Reporting, one question a screen: (矛盾调解 for someone with cases: report or my cases?) →
what kind (last: for someone else → their phone → "is this them?") → who and where → what
happened (words, voice notes, photos; "好了") → how to be contacted (when a phone is on
record) → anonymity → (the other town involved) sharing with its mediators → confirm →
receipt with the case number and the main menu.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler

from bot.context import TongxinContext
from handlers.disputes.reporter import answers, confirm, describe, mine, what
from handlers.disputes.reporter.draft import (
    ANONYMOUS,
    CONFIRM,
    CONSENT,
    CONTACT,
    DESCRIBE,
    KIND,
    PARTIES,
    PHONE,
    RESIDENT,
    START,
)
from handlers.kit import (
    END,
    Question,
    Screen,
    Tap,
    Wiring,
    chosen,
    conversation,
    enter_at,
    entry_points,
    leave,
    tap_handler,
)
from models.disputes import CASE, PROXY_REPORT, PROXY_REPORT_QUESTION, CaseNotFound

QUESTIONS = [Question(PROXY_REPORT_QUESTION, answers.on_proxy_question)]


async def on_start(update: Update, context: TongxinContext) -> int:
    """Report something new, or (leaving this flow for /mycases) see one's cases."""
    key = chosen(update, context)
    if key == "new":
        return await what.ask_kind(update, context)
    if key != "mine":
        return await what.ask_start(update, context, context.t("report.not_understood"))
    state = await mine.start_mine(update, context)
    if state != END:
        enter_at(update, context, mine.MINE, state)
    return END


def handlers(wiring: Wiring, staff_reply: answers.StaffReply | None = None) -> list[BaseHandler]:  # type: ignore[type-arg]
    """The reporting and /mycases conversations and the reporter's taps."""

    async def reply_tap(update: Update, context: TongxinContext, tap: Tap) -> int:
        return await answers.on_reply(update, context, tap, staff_reply)

    # /report goes straight to "what kind?"; the menu item first offers one's cases, if any.
    report_command = entry_points(wiring, what.start_report, command="report", menu="disputes")[0]
    menu_item = entry_points(wiring, what.start, command="report", menu="disputes")[1]
    mycases = entry_points(wiring, mine.start_mine, command="mycases", menu="disputes")[0]

    return [
        conversation(
            "disputes_report",
            entry_points=[report_command, menu_item],
            screens={
                START: Screen(on_start, back=leave),
                KIND: Screen(what.on_kind, back=what.back_from_kind),
                PHONE: Screen(what.on_phone, back=what.back_from_kind),
                RESIDENT: Screen(what.on_resident, back=what.ask_phone),
                PARTIES: Screen(describe.on_parties, back=what.ask_kind),
                DESCRIBE: Screen(describe.on_describe, back=what.ask_parties),
                CONTACT: Screen(describe.on_contact, back=describe.ask_describe),
                ANONYMOUS: Screen(confirm.on_anonymous, back=describe.back_to_contact),
                CONSENT: Screen(confirm.on_consent, back=describe.ask_anonymous),
                CONFIRM: Screen(confirm.on_confirm, back=confirm.back_from_confirm),
            },
        ),
        conversation(
            mine.MINE,
            entry_points=[
                mycases,
                tap_handler(CASE, reply_tap, refusal=CaseNotFound, actions=("reply",)),
            ],
            screens={
                mine.LIST: Screen(mine.on_list, back=leave),
                mine.CASE: Screen(mine.on_case, back=mine.ask_list),
                mine.RELAY: Screen(mine.on_relay, back=mine.show_case),
                mine.WITHDRAW: Screen(mine.on_withdraw, back=mine.show_case),
            },
        ),
        tap_handler(PROXY_REPORT, answers.on_proxy_tap, refusal=CaseNotFound),
        tap_handler(
            CASE, answers.on_followup, refusal=CaseNotFound, actions=("star", "solved", "unsolved")
        ),
        tap_handler(CASE, answers.on_chase_tap, refusal=CaseNotFound, actions=("chase",)),
    ]


__all__ = ["QUESTIONS", "handlers"]
