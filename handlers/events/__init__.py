"""联合活动: joint events of the two towns, for residents (and family members registering for
them) and for the staff who run them.

Each side is a sub-package exporting a ``PART`` (a ``Feature`` of its handlers, questions,
deep links and callback codes); ``FEATURE`` joins them with the menu entry and the jobs:

- ``resident``: the list, details, registering, my events, and answers to reminders, offers
  and ratings (``handlers/events/resident/``).
"""

from __future__ import annotations

from telegram.ext import BaseHandler

from bot.i18n import N_
from handlers.events.resident.flow import PART as RESIDENT
from handlers.kit import Feature, MenuEntry, Wiring
from jobs.events import JOBS

# What people ask for the menu item by, in either language (read at the main menu).
EVENT_WORDS = ("活动", "联合活动", "我的活动", "event", "events", "my events")
# Order matters: the parts' handlers are added in this order (the first that takes an update
# handles it).
PARTS: tuple[Feature, ...] = (RESIDENT,)


def _handlers(wiring: Wiring) -> list[BaseHandler]:  # type: ignore[type-arg]
    return [handler for part in PARTS for handler in part.handlers(wiring)]


FEATURE = Feature(
    name="events",
    handlers=_handlers,
    questions=[question for part in PARTS for question in part.questions],
    jobs=JOBS,
    menu=[MenuEntry("events", N_("menu.events"), 20, EVENT_WORDS)],
    deep_links=[link for part in PARTS for link in part.deep_links],
    callbacks=[code for part in PARTS for code in part.callbacks],
)

__all__ = ["FEATURE"]
