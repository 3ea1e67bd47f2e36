"""The reporter's side of disputes: reporting (矛盾调解, /report; for oneself or as a proxy),
/mycases (status, public notes, relay, 催办, withdraw) and the answers to the follow-up, the
proxy's consent question and the mediator's messages. See ``flow``."""

from handlers.disputes.reporter.answers import StaffReply
from handlers.disputes.reporter.flow import QUESTIONS, handlers

__all__ = ["QUESTIONS", "StaffReply", "handlers"]
