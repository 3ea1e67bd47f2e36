"""Governance's own tables, one module per part; importing the package registers them all."""

from models.governance.tables.meetings import (
    ActionItem,
    ActionStatus,
    JointMeeting,
    MeetingStatus,
)

__all__ = ["ActionItem", "ActionStatus", "JointMeeting", "MeetingStatus"]
