"""The governance tables, one module per part; importing the package registers them all."""

from models.governance.tables.meetings import (
    ACTION_TEXT_MAX,
    ActionItem,
    ActionStatus,
    JointMeeting,
    MeetingStatus,
)
from models.governance.tables.roster import StaffSecondment
from models.governance.tables.suggestions import Suggestion

__all__ = [
    "ACTION_TEXT_MAX",
    "ActionItem",
    "ActionStatus",
    "JointMeeting",
    "MeetingStatus",
    "StaffSecondment",
    "Suggestion",
]
