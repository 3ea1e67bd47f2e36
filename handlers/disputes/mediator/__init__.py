"""The mediator's side of disputes: case alerts' buttons (a private alert, or a linked
mediators' group where the first 接案 wins), /cases with each case's work, the typed work
(notes, outcome, handover, relay), /duty and /linkgroup; admins who are not mediators see
counts only.

The disputes FEATURE (``handlers.disputes``) includes ``mediator_handlers`` in its handlers and
``mediator_group_handlers`` in its group-chat handlers.
"""

from __future__ import annotations

from telegram.ext import BaseHandler, CommandHandler

from handlers.disputes.mediator.alerts import on_alert_tap, on_group_accept, on_transfer_tap
from handlers.disputes.mediator.cases import cases_command, on_screen_tap
from handlers.disputes.mediator.staff import duty_command, linkgroup_command, on_duty_tap
from handlers.disputes.mediator.typed import reply_as_staff, typed_conversation
from handlers.kit import Wiring, group_command, group_tap_handler, tap_handler
from models.disputes import CASE, MEDIATOR

# The case-alert actions the mediator's side answers; the reporter's side answers the rest of
# ``CASE`` (reply from a reporter, chase, follow-up).
ALERT_ACTIONS = ("acc", "view", "tr", "hok")


def mediator_handlers(wiring: Wiring) -> list[BaseHandler]:  # type: ignore[type-arg]
    """The mediator's private-chat handlers (group 0)."""
    return [
        typed_conversation(),
        tap_handler(CASE, on_alert_tap, actions=ALERT_ACTIONS),
        tap_handler(MEDIATOR, on_transfer_tap, actions=("tr", "to")),
        tap_handler(MEDIATOR, on_duty_tap, actions=("duty",)),
        tap_handler(MEDIATOR, on_screen_tap),
        CommandHandler("cases", cases_command),
        CommandHandler("duty", duty_command),
    ]


def mediator_group_handlers(wiring: Wiring) -> list[BaseHandler]:  # type: ignore[type-arg]
    """What the bot does in a mediators' group: 接案 (the first wins) and /linkgroup."""
    return [
        group_tap_handler(CASE, on_group_accept, actions=("acc",)),
        group_command("linkgroup", linkgroup_command),
    ]


__all__ = ["ALERT_ACTIONS", "mediator_group_handlers", "mediator_handlers", "reply_as_staff"]
