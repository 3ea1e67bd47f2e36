"""What the events conversation keeps between screens: its states and its typed draft."""

from __future__ import annotations

from typing import Any, TypedDict, cast

from bot.context import TongxinContext
from handlers.kit import draft, me
from models.core.people import Person

(
    LIST,
    FILTER,
    TOPIC,
    DETAIL,
    PHONE,
    RESIDENT,
    PARTY,
    ANSWER,
    CONFIRM,
    WAITLIST,
    MINE,
    MY_ONE,
    CANCEL,
    CHANGE,
    ASKED,
) = range(15)
NEXT = "__next__"  # the list's next page of events
FILTER_KEY = "__filter__"  # the list's "other ways to look"
MINE_KEY = "__mine__"  # the list's "my events"


class EventsDraft(TypedDict, total=False):
    """The events being looked at and the registration being put together."""

    listing: str  # a models.events.Listing value
    topic: str
    page: int
    event: int
    resident_id: int  # registering for a resident (a proxy)
    resident_name: str
    party: int
    option: int
    answer: str
    registration: int  # my events: the one looked at
    request: int  # my events: a request of mine (as proxy) waiting for the resident's answer
    mine_page: int


def events_draft(context: TongxinContext) -> EventsDraft:
    """The open flow's draft."""
    return draft(context, EventsDraft)


def forget_registration(data: EventsDraft) -> None:
    """Forget what was chosen for a registration (another event starts over)."""
    for key in ("party", "option", "answer", "resident_id", "resident_name"):
        cast(dict[str, Any], data).pop(key, None)


class RegisterRequest(TypedDict):
    """The drafted registration as ``register_or_ask`` takes it."""

    person: Person
    event_id: int
    party_size: int
    option_id: int | None
    answer_text: str | None
    booked_by: Person | None


def for_whom(context: TongxinContext) -> Person | None:
    """The proxy (oneself) when registering a resident, else None."""
    return me(context) if events_draft(context).get("resident_id") else None


def not_understood(context: TongxinContext) -> str:
    """The gentle re-prompt line."""
    return context.t("events_resident.not_understood")
