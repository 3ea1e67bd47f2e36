"""Suggestions' typed refusals and the admins' buttons (callback data)."""

from __future__ import annotations

from models.core.callbacks import CallbackCode, Field
from models.core.errors import DomainError, NotFound

# The admins' queue (/suggestions), written and read by the handlers only:
# ``sg:<action>[:<suggestion or page>]``. Formats of buttons already sent never change.
SUGGESTION = CallbackCode(
    "sg",
    {
        "list": (Field.NUMBER,),  # the open suggestions, a page
        "open": (Field.ID,),  # one suggestion's screen
        "rep": (Field.ID,),  # ✏️ write to the resident (typed)
        "yes": (Field.ID,),  # ✅ adopted: what was done (typed)
        "no": (Field.ID,),  # ❌ not adopted: why (typed)
        "home": (),  # 🏠
    },
)


class SuggestionNotFound(NotFound):
    """No such suggestion, or none this admin may see (a forged id reads the same)."""

    message_id = "suggest.error.not_found"


class SuggestionTooLong(DomainError):
    """The words are longer than ``max`` characters."""

    message_id = "suggest.error.too_long"
    plural = "max"


class SuggestionEmpty(DomainError):
    """A suggestion needs some words or a voice note; a reply or a reason needs words."""

    message_id = "suggest.error.empty"


class SuggestionDecided(DomainError):
    """The suggestion was already marked adopted or not adopted."""

    message_id = "suggest.error.decided"


class SubjectGone(DomainError):
    """The venue or event chosen is no longer there."""

    message_id = "suggest.error.subject_gone"
