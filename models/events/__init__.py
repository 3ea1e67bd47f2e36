"""Joint events: events and their places (per-town quotas, held-back places), registration
for oneself or by a proxy, the waiting line and its offers, the door (check-in, walk-ins,
no-shows), notices, ratings and the closing report. Built on the shared capacity engine
(``models.core.capacity`` and ``models.core.offers``), like booking.

Modules in import order: ``tables``, ``rules`` (typed refusals), ``places`` (the counters),
``notices`` (outbox rows), ``waitlist`` (offers), ``registering``, ``door``, ``managing``,
``listing``, ``after``, ``staffing`` (what staff screens read). Outside ``models.events`` import these names, never the modules.
See docs/events.md.
"""

from models.events.after import (
    ClosingReport,
    close_ended_events,
    closing_report,
    rate_event,
    send_closing_report,
)
from models.events.door import (
    NO_SHOW_AFTER,
    RosterLine,
    check_in,
    check_in_code,
    mark_no_shows,
    record_walk_in,
    roster,
    staff_event,
)
from models.events.listing import (
    PER_PAGE,
    EventDetails,
    EventLine,
    EventPage,
    Listing,
    MyEvents,
    event_details,
    my_events,
    topics,
    upcoming_events,
)
from models.events.managing import (
    EventDraft,
    EventEdited,
    OptionDraft,
    cancel_event,
    copy_event,
    create_event,
    edit_event,
    managed_event,
    publish_event,
)
from models.events.notices import (
    CHECKIN_LINK,
    OFFER_QUESTION,
    RATING_QUESTION,
    REMINDER_QUESTION,
    describe_event,
)
from models.events.places import places_left, quotas_of
from models.events.registering import (
    Registered,
    active_registration,
    cancel_registration,
    change_party,
    owned_registration,
    register,
)
from models.events.rules import (
    AlreadyCheckedIn,
    AnswerNeeded,
    ConsentNeeded,
    EventInvalid,
    EventNotFound,
    NoRoom,
    NotCheckable,
    NotInAudience,
    NotRateable,
    NotYourRegistration,
    OfferGone,
    PartyTooLarge,
    RegistrationClosed,
    RegistrationGone,
)
from models.events.staffing import (
    ROSTER_COLUMNS,
    Choices,
    DoorLine,
    EventCard,
    ManagedPage,
    Rider,
    RideStop,
    creation_choices,
    door_csv,
    door_events,
    event_card,
    managed_events,
    ride_list,
)
from models.events.tables import (
    ACTIVE,
    HOLDING,
    Event,
    EventOption,
    EventQuota,
    EventRating,
    EventStatus,
    QuestionKind,
    Registration,
    RegStatus,
    WalkIn,
)
from models.events.waitlist import (
    OFFER_WINDOW,
    accept_offer,
    decline_offer,
    lapse_offers,
    offer_freed_places,
    release_due_held_back,
    waiting_position,
)

__all__ = [
    "ACTIVE", "CHECKIN_LINK", "HOLDING", "NO_SHOW_AFTER", "OFFER_QUESTION", "OFFER_WINDOW",
    "PER_PAGE", "RATING_QUESTION", "REMINDER_QUESTION", "AlreadyCheckedIn", "AnswerNeeded",
    "ClosingReport", "ConsentNeeded", "Event", "EventDetails", "EventDraft", "EventEdited",
    "EventInvalid", "EventLine", "EventNotFound", "EventOption", "EventPage", "EventQuota",
    "EventRating", "EventStatus", "Listing", "MyEvents", "NoRoom", "NotCheckable",
    "NotInAudience", "NotRateable", "NotYourRegistration", "OfferGone", "OptionDraft",
    "PartyTooLarge", "QuestionKind", "RegStatus", "Registered", "Registration",
    "RegistrationClosed", "RegistrationGone", "RosterLine", "WalkIn", "accept_offer",
    "active_registration", "cancel_event", "cancel_registration", "change_party", "check_in",
    "check_in_code", "close_ended_events", "closing_report", "copy_event", "create_event",
    "decline_offer", "describe_event", "edit_event", "event_details", "lapse_offers",
    "managed_event", "mark_no_shows", "my_events", "offer_freed_places", "owned_registration",
    "places_left", "publish_event", "quotas_of", "rate_event", "record_walk_in", "register",
    "release_due_held_back", "roster", "send_closing_report", "staff_event", "topics",
    "upcoming_events", "waiting_position",
    # staff screens (models.events.staffing)
    "ROSTER_COLUMNS", "Choices", "DoorLine", "EventCard", "ManagedPage", "Rider", "RideStop",
    "creation_choices", "door_csv", "door_events", "event_card", "managed_events", "ride_list",
]  # fmt: skip
