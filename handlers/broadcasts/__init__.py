"""Volunteer broadcasts: compose, choose an audience, preview, schedule, approve, report."""

from handlers.broadcasts.asked import on_approval_question
from handlers.broadcasts.flow import handlers
from handlers.kit import Feature, Question
from jobs.broadcasts import JOBS
from models.broadcasts import APPROVAL_QUESTION, BROADCAST_TAP

FEATURE = Feature(
    name="broadcasts",
    handlers=handlers,
    questions=[Question(APPROVAL_QUESTION, on_approval_question)],
    jobs=JOBS,
    callbacks=[BROADCAST_TAP],
)

__all__ = ["FEATURE"]
