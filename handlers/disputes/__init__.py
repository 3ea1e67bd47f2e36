"""Disputes (矛盾调解): one feature, two sides.

- ``reporter``: reporting (the 矛盾调解 menu item and /report), /mycases, and the reporter's
  answers (follow-up, a proxy report's consent, ✏️ reply to the mediator);
- ``mediator`` (built alongside): alerts with 接案/查看/转交, /duty, /linkgroup, handling.

Both answer taps of the same callback codes (``models.disputes.CASE``, ``PROXY_REPORT``),
which this feature owns; the ✏️ reply tap is one handler (the reporter's), which hands a
mediator's tap to the mediator side's answer (``staff_reply``).
"""

from telegram.ext import BaseHandler

from bot.i18n import N_
from handlers.disputes import reporter
from handlers.kit import Feature, MenuEntry, Wiring
from jobs.disputes import JOBS
from models.disputes import CASE, PROXY_REPORT

WORDS = ("调解", "矛盾", "纠纷", "mediation", "dispute")


def _handlers(wiring: Wiring) -> list[BaseHandler]:  # type: ignore[type-arg]
    return [*reporter.handlers(wiring, staff_reply=None)]


FEATURE = Feature(
    name="disputes",
    handlers=_handlers,
    questions=[*reporter.QUESTIONS],
    jobs=JOBS,
    menu=[MenuEntry("disputes", N_("menu.disputes"), 30, WORDS)],
    callbacks=[CASE, PROXY_REPORT],
)

__all__ = ["FEATURE"]
