"""What a broadcast must be, and who may decide on it or stop it; refusals as typed errors."""

from __future__ import annotations

from collections.abc import Iterable

from models.broadcasts.tables import Broadcast
from models.core.authz import Scope, admin_towns
from models.core.errors import DomainError
from models.core.people import Person

# Limits leave room for the header residents see above the notice.
TEXT_MAX = 3500
CAPTION_MAX = 900


class NoticeInvalid(DomainError):
    """The notice cannot be sent as it is: too long (``max`` characters), or empty."""

    message_id = "broadcast.error.text"
    plural: str | None = "max"


class NoticeEmpty(NoticeInvalid):
    """The notice has no words (a sticker, a photo without a caption, only spaces)."""

    message_id = "broadcast.text.invalid"
    plural = None


class EmptyAudience(DomainError):
    """Nobody would receive the notice."""

    message_id = "broadcast.error.empty"


class OwnBroadcast(DomainError):
    """Two-person rule: the author cannot approve (or reject) their own broadcast."""

    message_id = "broadcast.error.own"


class AlreadyDecided(DomainError):
    """The broadcast is no longer waiting for approval."""

    message_id = "broadcast.error.decided"


class NotCancellable(DomainError):
    """The broadcast has already ended."""

    message_id = "broadcast.error.finished"


def clean_notice(text: str | None, photo_file_id: str | None = None) -> str:
    """The notice as it will be sent (trimmed); refused when empty or too long."""
    text = (text or "").strip()
    limit = CAPTION_MAX if photo_file_id else TEXT_MAX
    if not text:
        raise NoticeEmpty()
    if len(text) > limit:
        raise NoticeInvalid(max=limit)
    return text


def may_decide(scopes: Iterable[Scope], town_id: int | None) -> bool:
    """Whether the scopes are an admin's of ``town_id`` (global admins decide for both towns)."""
    towns = admin_towns(scopes)
    return towns is None or (town_id is not None and town_id in towns)


def may_cancel(broadcast: Broadcast, person: Person, scopes: Iterable[Scope]) -> bool:
    """The author, or an admin of the broadcast's town, may cancel it."""
    return broadcast.author_id == person.id or may_decide(scopes, broadcast.town_id)
