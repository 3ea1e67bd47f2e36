"""Disputes (矛盾调解): one feature, two sides.

- ``reporter``: reporting (the 矛盾调解 menu item and /report), /mycases, and the reporter's
  answers (follow-up, a proxy report's consent, ✏️ reply to the mediator);
- ``mediator``: case alerts with 接案/查看/转交 (in private or in a linked mediators' group,
  where the first 接案 wins), /cases with each case's work, /duty, /linkgroup;
- ``admin``: /mediation, a town admin's SLA timings and category routes.

Both answer taps of the same callback code (``models.disputes.CASE``), each its own actions.
The ✏️ reply button is the same under messages to both sides, so one handler (the reporter's)
takes it and hands a mediator's tap to ``mediator.reply_as_staff``.
"""

from telegram.ext import BaseHandler

from bot.i18n import N_
from handlers.disputes import reporter
from handlers.disputes.admin import admin_handlers
from handlers.disputes.mediator import mediator_group_handlers, mediator_handlers, reply_as_staff
from handlers.kit import Feature, MenuEntry, Wiring
from jobs.disputes import JOBS
from models.disputes import CASE, MEDIATOR, PROXY_REPORT, TOWN_SETTINGS

WORDS = ("调解", "矛盾", "纠纷", "mediation", "dispute")


def _handlers(wiring: Wiring) -> list[BaseHandler]:  # type: ignore[type-arg]
    return [
        *reporter.handlers(wiring, staff_reply=reply_as_staff),
        *mediator_handlers(wiring),
        *admin_handlers(),
    ]


FEATURE = Feature(
    name="disputes",
    handlers=_handlers,
    groups=mediator_group_handlers,
    questions=[*reporter.QUESTIONS],
    jobs=JOBS,
    menu=[MenuEntry("disputes", N_("menu.disputes"), 30, WORDS)],
    callbacks=[CASE, MEDIATOR, PROXY_REPORT, TOWN_SETTINGS],
)

__all__ = ["FEATURE"]
