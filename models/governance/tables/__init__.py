"""Governance's own tables, one module per part; importing the package registers them all."""

from models.governance.tables.meetings import (
    ACTION_TEXT_MAX,
    ActionItem,
    ActionStatus,
    JointMeeting,
    MeetingStatus,
)

__all__ = ["ACTION_TEXT_MAX", "ActionItem", "ActionStatus", "JointMeeting", "MeetingStatus"]
