"""Governance: suggestions, ratings, participation statistics, the joint meeting, the roster.

It reads the other domains' rows (bookings, registrations, cases, ratings) but never changes
them; its own tables are in ``models.governance.tables``.
"""

from models.governance.agenda import (
    SECTIONS,
    Agenda,
    Section,
    agenda_draft,
    cases_section,
    participation_section,
    ratings_section,
    suggestions_section,
)
from models.governance.meetings import (
    EVERY_MONTHS,
    REMIND_BEFORE,
    MeetingInPast,
    MeetingView,
    add_months,
    committee,
    meeting_towns,
    next_meeting,
    plan_meeting,
    planned_meeting,
    remind_committee,
    settle_held,
)
from models.governance.ratings import (
    LOW_AVERAGE,
    LOW_MIN_COUNT,
    PERIOD_DAYS,
    SUBJECT,
    RatedItem,
    RatingComment,
    RatingsReport,
    Subject,
    ratings_report,
)
from models.governance.tables import ActionItem, ActionStatus, JointMeeting, MeetingStatus

__all__ = [
    "EVERY_MONTHS",
    "LOW_AVERAGE",
    "LOW_MIN_COUNT",
    "PERIOD_DAYS",
    "REMIND_BEFORE",
    "SECTIONS",
    "SUBJECT",
    "ActionItem",
    "ActionStatus",
    "Agenda",
    "JointMeeting",
    "MeetingInPast",
    "MeetingStatus",
    "MeetingView",
    "RatedItem",
    "RatingComment",
    "RatingsReport",
    "Section",
    "Subject",
    "add_months",
    "agenda_draft",
    "cases_section",
    "committee",
    "meeting_towns",
    "next_meeting",
    "participation_section",
    "plan_meeting",
    "planned_meeting",
    "ratings_report",
    "ratings_section",
    "remind_committee",
    "settle_held",
    "suggestions_section",
]
