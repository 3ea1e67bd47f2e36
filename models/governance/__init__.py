"""Governance: suggestions, ratings, participation statistics, the joint meeting, the roster.

It reads the other domains' rows (bookings, registrations, cases, ratings) but never changes
them; its own tables are in ``models.governance.tables``.
"""

from models.governance.suggestion_agenda import (
    SuggestionCounts,
    SuggestionTopic,
    agenda_suggestions,
    suggestion_counts,
)
from models.governance.suggestion_errors import (
    SUGGESTION,
    SubjectGone,
    SuggestionDecided,
    SuggestionEmpty,
    SuggestionNotFound,
    SuggestionTooLong,
)
from models.governance.suggestion_queue import (
    Queue,
    QueueLine,
    StaffSuggestion,
    decide_suggestion,
    open_suggestions,
    reply_to_suggestion,
    staff_suggestion,
)
from models.governance.suggestions import (
    MySuggestion,
    SubjectChoice,
    SuggestionDraft,
    SuggestionReceipt,
    check_words,
    forget_sender,
    my_suggestions,
    send_suggestion,
    suggestion_events,
    suggestion_venues,
)
from models.governance.tables.suggestions import (
    ANSWER_MAX,
    TEXT_MAX,
    Subject,
    Suggestion,
    SuggestionCounter,
    SuggestionReply,
    SuggestionStatus,
)

__all__ = [
    "ANSWER_MAX",
    "SUGGESTION",
    "TEXT_MAX",
    "MySuggestion",
    "Queue",
    "QueueLine",
    "StaffSuggestion",
    "Subject",
    "SubjectChoice",
    "SubjectGone",
    "Suggestion",
    "SuggestionCounter",
    "SuggestionCounts",
    "SuggestionDecided",
    "SuggestionDraft",
    "SuggestionEmpty",
    "SuggestionNotFound",
    "SuggestionReceipt",
    "SuggestionReply",
    "SuggestionStatus",
    "SuggestionTooLong",
    "SuggestionTopic",
    "agenda_suggestions",
    "check_words",
    "decide_suggestion",
    "forget_sender",
    "my_suggestions",
    "open_suggestions",
    "reply_to_suggestion",
    "send_suggestion",
    "staff_suggestion",
    "suggestion_counts",
    "suggestion_events",
    "suggestion_venues",
]
