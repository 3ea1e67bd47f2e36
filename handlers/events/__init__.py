"""联合活动: joint events of the two towns, for residents (and family members registering for
them) and for the staff who run them.

Each side is a sub-package; ``FEATURE`` joins them with the menu entry and the jobs:

- ``resident``: the list, details, registering, my events, and answers to reminders, offers
  and ratings (``handlers/events/resident/``; ``/events``, ``/myevents``, the menu item).
- ``staff``: organisers create, manage and announce events (``/eventadmin``), volunteers work
  the door under ``/checkin`` (``handlers/events/staff/``).

``/events`` is the residents' list for everyone, staff included (they register for events
too); organisers manage theirs with ``/eventadmin``, listed in their /help.
"""

from __future__ import annotations

from telegram.ext import BaseHandler

from bot.i18n import N_
from handlers.events.resident.flow import PART as RESIDENT
from handlers.events.staff import (
    STAFF_CALLBACKS,
    STAFF_CHECKIN,
    STAFF_DEEP_LINKS,
    STAFF_QUESTIONS,
    staff_handlers,
)
from handlers.kit import Feature, MenuEntry, Wiring
from jobs.events import JOBS

# What people ask for the menu item by, in either language (read at the main menu).
EVENT_WORDS = ("活动", "联合活动", "我的活动", "event", "events", "my events")


def _handlers(wiring: Wiring) -> list[BaseHandler]:  # type: ignore[type-arg]
    # Staff first: their conversations' entry taps (new, a detail, copy) come before the
    # general evm: handler, and no resident screen takes them.
    return [*staff_handlers(wiring), *RESIDENT.handlers(wiring)]


FEATURE = Feature(
    name="events",
    handlers=_handlers,
    questions=[*RESIDENT.questions, *STAFF_QUESTIONS],
    jobs=JOBS,
    menu=[MenuEntry("events", N_("menu.events"), 20, EVENT_WORDS)],
    deep_links=[*RESIDENT.deep_links, *STAFF_DEEP_LINKS],
    callbacks=[*RESIDENT.callbacks, *STAFF_CALLBACKS],
    checkin=STAFF_CHECKIN,
)

__all__ = ["FEATURE"]
