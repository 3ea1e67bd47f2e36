"""Typed domain errors. Each carries a message id the UI translates, and its parameters."""

from __future__ import annotations


class DomainError(Exception):
    """A rule of the domain was not met; ``message_id`` names the translated explanation."""

    message_id = "error.generic"
    # The parameter whose number picks the plural form of the message, when it has plurals.
    plural: str | None = None

    def __init__(self, **params: object) -> None:
        super().__init__(self.message_id, params)
        self.params = params


class NotFound(DomainError):
    """The object does not exist (or is not visible to the caller)."""

    message_id = "error.not_found"


class NotAllowed(DomainError):
    """The caller's roles do not permit this action."""

    message_id = "error.not_allowed"


class NotRegistered(DomainError):
    """The user has not completed onboarding yet."""

    message_id = "error.not_registered"


class InviteInvalid(DomainError):
    """The invite code is unknown."""

    message_id = "invite.invalid"


class InviteUsed(DomainError):
    """The invite was already used."""

    message_id = "invite.used"


class InviteExpired(DomainError):
    """The invite has expired."""

    message_id = "invite.expired"


class InviteOutOfScope(DomainError):
    """The invite is for another town than the person's, or the issuer may not grant it."""

    message_id = "invite.out_of_scope"
