"""The disputes domain's typed refusals; each names its translated explanation."""

from __future__ import annotations

from models.core.errors import DomainError, NotFound


class CaseNotFound(NotFound):
    """No such case, or none this person may see (a forged id reads the same)."""

    message_id = "disputes.error.not_found"


class CaseTaken(DomainError):
    """Someone else accepted the case first; ``name`` is who."""

    message_id = "disputes.error.taken"


class IllegalTransition(DomainError):
    """The case cannot go there from where it is; ``status`` is where it is, in words."""

    message_id = "disputes.error.transition"


class DescriptionTooLong(DomainError):
    """A description, note or message is longer than ``max`` characters."""

    message_id = "disputes.error.too_long"
    plural = "max"


class EmptyReport(DomainError):
    """A report needs some words, a voice note or a photo."""

    message_id = "disputes.error.empty"


class ChaseTooSoon(DomainError):
    """催办 was used recently; it works again in ``hours`` hours."""

    message_id = "disputes.error.chase_soon"
    plural = "hours"


class NotJoint(DomainError):
    """Only a case involving both towns has a lead to hand over."""

    message_id = "disputes.error.not_joint"


class HandoverPending(DomainError):
    """A handover of this case is already waiting for an answer."""

    message_id = "disputes.error.handover_pending"


class HandoverAnswered(DomainError):
    """The handover request was already accepted or declined."""

    message_id = "disputes.error.handover_answered"


class NotAMediator(DomainError):
    """The person named is not a mediator of the town the case needs."""

    message_id = "disputes.error.not_mediator"


class RatingInvalid(DomainError):
    """Stars are 1 to 5."""

    message_id = "disputes.error.rating"


class FollowUpClosed(DomainError):
    """The follow-up question was answered already, or never asked."""

    message_id = "disputes.error.followup_closed"


class ReasonRequired(DomainError):
    """A handover or a decline needs a reason in a few words."""

    message_id = "disputes.error.reason"
