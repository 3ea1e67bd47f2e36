"""Why a request was refused: typed by the staff member, or a quick one read in the asker's
language. Shared by booking approvals and broadcast approvals."""

from __future__ import annotations

from collections.abc import Callable

from models.core.errors import DomainError

REASON_MAX = 200
# A reason picked from a list, in a given language (None: the default): the asker reads it.
Wording = Callable[[str | None], str]


def typed_reason(text: str | None, invalid: type[DomainError]) -> str:
    """The typed reason, trimmed; ``invalid`` (with ``max``) when empty or too long."""
    reason = (text or "").strip()
    if not reason or len(reason) > REASON_MAX:
        raise invalid(max=REASON_MAX)
    return reason
