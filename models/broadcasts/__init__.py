"""Volunteer broadcasts: a notice to an audience, optional approval, fan-out, delivery report.

Outside this package, use these names only (``from models.broadcasts import create_broadcast``).
"""

from models.broadcasts.approval import (
    QUICK_REASONS,
    ReasonInvalid,
    Rejectable,
    approve,
    quick_reason,
    reject,
    to_reject,
)
from models.broadcasts.audiences import (
    AUDIENCE_KINDS,
    AUDIENCES,
    SPANNING_KINDS,
    AudienceCount,
    AudienceLabel,
    audience_label,
    community_choices,
    count_audience,
    town_choices,
)
from models.broadcasts.codes import APPROVAL_QUESTION, BROADCAST_TAP
from models.broadcasts.compose import (
    WHEN_KEYS,
    Preview,
    create_broadcast,
    preview_broadcast,
    send_time,
)
from models.broadcasts.history import (
    CancelQuestion,
    HistoryLine,
    ask_to_cancel,
    cancel_broadcast,
    history_page,
)
from models.broadcasts.notices import (
    NOTICE_MSGID,
    approvers,
    notice_payload,
    report_payload,
    request_approval,
)
from models.broadcasts.progress import Progress, progress, progress_many
from models.broadcasts.reach import audience_reach, reached_towns, town_approvals
from models.broadcasts.rules import (
    CAPTION_MAX,
    TEXT_MAX,
    AlreadyDecided,
    EmptyAudience,
    NotCancellable,
    NoticeEmpty,
    NoticeInvalid,
    OwnBroadcast,
    clean_notice,
    may_cancel,
    may_decide,
)
from models.broadcasts.sending import (
    ProgressNote,
    finish_if_settled,
    set_progress_message,
    settle_broadcast,
    start_due_broadcasts,
    unfinished_broadcasts,
)
from models.broadcasts.tables import (
    ACTIVE,
    Broadcast,
    BroadcastStatus,
    BroadcastTown,
    TownApproval,
)
from models.core.reasons import REASON_MAX, Wording

__all__ = [
    "ACTIVE",
    "APPROVAL_QUESTION",
    "AUDIENCES",
    "AUDIENCE_KINDS",
    "BROADCAST_TAP",
    "CAPTION_MAX",
    "NOTICE_MSGID",
    "QUICK_REASONS",
    "REASON_MAX",
    "SPANNING_KINDS",
    "TEXT_MAX",
    "WHEN_KEYS",
    "AlreadyDecided",
    "AudienceCount",
    "AudienceLabel",
    "Broadcast",
    "BroadcastStatus",
    "BroadcastTown",
    "CancelQuestion",
    "EmptyAudience",
    "HistoryLine",
    "NotCancellable",
    "NoticeEmpty",
    "NoticeInvalid",
    "OwnBroadcast",
    "Preview",
    "Progress",
    "ProgressNote",
    "ReasonInvalid",
    "Rejectable",
    "TownApproval",
    "Wording",
    "approve",
    "approvers",
    "ask_to_cancel",
    "audience_label",
    "audience_reach",
    "cancel_broadcast",
    "clean_notice",
    "community_choices",
    "count_audience",
    "create_broadcast",
    "finish_if_settled",
    "history_page",
    "may_cancel",
    "may_decide",
    "notice_payload",
    "preview_broadcast",
    "progress",
    "progress_many",
    "quick_reason",
    "reached_towns",
    "reject",
    "report_payload",
    "request_approval",
    "send_time",
    "set_progress_message",
    "settle_broadcast",
    "start_due_broadcasts",
    "to_reject",
    "town_approvals",
    "town_choices",
    "unfinished_broadcasts",
]
