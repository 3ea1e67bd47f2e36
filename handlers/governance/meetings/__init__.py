"""The joint meeting part of governance: /ratings (admins), /agenda, /meeting and /actions
(committee, secretaries, admins), and the reminders and nudges job. ``handlers.governance``
joins it into FEATURE."""

from __future__ import annotations

from telegram.ext import BaseHandler, CommandHandler

from handlers.governance.meetings.actions import actions_conversation
from handlers.governance.meetings.agenda import agenda_command
from handlers.governance.meetings.ratings import ratings_command
from handlers.governance.meetings.schedule import meeting_conversation
from handlers.kit import Feature, Wiring
from jobs.governance.meetings import JOBS


def _handlers(wiring: Wiring) -> list[BaseHandler]:  # type: ignore[type-arg]
    return [
        meeting_conversation(),
        actions_conversation(),
        CommandHandler("ratings", ratings_command),
        CommandHandler("agenda", agenda_command),
    ]


PART = Feature(name="meetings", handlers=_handlers, jobs=JOBS)

__all__ = ["PART"]
