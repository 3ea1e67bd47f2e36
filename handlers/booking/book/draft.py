"""What the booking conversation keeps between screens: its states and its typed draft."""

from __future__ import annotations

from typing import Any, TypedDict, cast

from bot.context import TongxinContext
from handlers.kit import draft, me
from models.core.people import Person

WHO, PHONE, RESIDENT, KIND, PLACE, DAY, SLOT, PARTY, CONFIRM, WAITLIST = range(10)
ANY = "any"  # the place choice "any centre of both towns"
NEAREST = "__nearest__"  # the day choice "the nearest free slots"
MORE = "__more__"  # the kit's "more" choice under a page of slots


class BookingDraft(TypedDict, total=False):
    """The booking being put together (the kit keeps it in ``user_data``, across restarts)."""

    who_asked: bool  # the flow opened with "for whom?" (for someone who has booked for others)
    proxy: bool  # booking for someone else
    resident_id: int  # … the resident the proxy named, their name and town
    resident_name: str
    resident_town_id: int | None
    kind: str  # a VenueKind value
    town_id: int | None  # None: any centre of both towns
    day_page: int
    day: str  # an ISO date, or NEAREST
    slot_page: int
    full_mode: bool  # the day's slots are all full: picking one asks about the waitlist
    slot_id: int
    party: int


def booking_draft(context: TongxinContext) -> BookingDraft:
    """The open booking's draft."""
    return draft(context, BookingDraft)


class SlotRequest(TypedDict):
    """The drafted slot as the booking use cases take it: who, which slot, how many, for whom."""

    person: Person
    slot_id: int
    party_size: int
    resident_id: int | None


def slot_request(context: TongxinContext) -> SlotRequest:
    """The person's request for the drafted slot (``check_slot``, ``book_slot`` …)."""
    data = booking_draft(context)
    return SlotRequest(
        person=me(context),
        slot_id=data.get("slot_id", 0),
        party_size=data.get("party", 1),
        resident_id=data.get("resident_id"),
    )


def forget_search(data: BookingDraft) -> None:
    """Forget what was chosen from the kind on: a new kind starts the search over."""
    for key in ("kind", "town_id", "day", "slot_id", "party", "full_mode"):
        cast(dict[str, Any], data).pop(key, None)


def home_town(context: TongxinContext) -> int | None:
    """The town of the person the booking is for: the resident a proxy named, else oneself."""
    data = booking_draft(context)
    if data.get("resident_id"):
        return data.get("resident_town_id")
    return me(context).town_id


def kind_label(context: TongxinContext, kind: str) -> str:
    """A kind of venue or service, in words."""
    return context.t(f"booking.kind.{kind}")


def not_understood(context: TongxinContext) -> str:
    """The gentle re-prompt line."""
    return context.t("booking.not_understood")
