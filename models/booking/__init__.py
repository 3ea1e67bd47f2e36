"""Booking shared venues and services: slots and their capacity, the rules, bookings (for
oneself or by a proxy), waitlists, notices, ratings, and the booking conversation's use cases.

The modules, by meaning and in import order: ``tables`` (every booking table), ``codes`` (the
buttons' callback data), ``calendar`` (opening hours, blackouts), ``slots`` (capacity and the
slot search), ``rules`` (what a booking must meet, typed refusals, the initial status),
``notices`` and ``proxy_notices`` (outbox messages), ``creation`` (the one function that
creates a booking), ``waitlist``, ``bookings``, ``proxies``, ``feedback``; then the use cases
of the booking conversation: ``search`` (where, which day, the day's slots), ``placing`` (a
picked slot to a booking or a waitlist place) and ``proxying`` (the proxy's resident, the
resident's answer). Outside ``models.booking`` import these names, never the modules.
"""

# Staff work on bookings (approvals, check-in, no-shows), /venues and the CSV catalogue.
from models.booking.approvals import (
    QUICK_REASONS,
    ApprovalItem,
    ApprovalOrigin,
    ApprovalQueue,
    Decision,
    ReasonInvalid,
    approval_origin,
    approval_queue,
    approval_request,
    approval_to_decline,
    decide_approval,
    quick_reason,
)
from models.booking.bookings import (
    BookingView,
    book,
    booking_view,
    cancel_booking,
    confirm_attendance,
    my_bookings,
    owned_booking,
    reschedule,
)
from models.booking.calendar import (
    TOWNS_TZ,
    blackout_on,
    blackouts_of,
    hours_of,
    set_hours,
    slot_windows,
    within_hours,
)
from models.booking.catalogue.text import Period, format_periods, parse_date, parse_periods
from models.booking.catalogue.venues import export_catalogue, import_catalogue
from models.booking.checkin import (
    AlreadyCheckedIn,
    CheckedIn,
    CheckInDay,
    CheckInSlot,
    CodeRefused,
    NotCheckable,
    Roster,
    StaffOnly,
    check_in_from_roster,
    check_in_with_code,
    checkin_day,
    checkin_roster,
)
from models.booking.codes import (
    APPROVAL,
    CHECK_IN,
    CHECKIN_LINK,
    CODES,
    OFFER_ANSWER,
    PROXY_ANSWER,
    QUESTIONS,
    RATING,
    REMINDER_ANSWER,
    VENUES,
)
from models.booking.creation import Booked, active_booking, announce, create_booking
from models.booking.feedback import RATINGS, NotRateable, add_comment, ask_for_rating, rate
from models.booking.mine import (
    BOOKING,
    ENTRY,
    BookingDetail,
    EntryView,
    ItemGone,
    MineItem,
    booking_detail,
    cancel_mine,
    entry_view,
    leave_queue,
    my_list,
)
from models.booking.mine_answers import (
    answer_offer,
    answer_reminder,
    take_offer,
)
from models.booking.mine_move import MoveChoice, MoveSlots, move_booking, move_choice, move_slots
from models.booking.noshows import (
    NoShowLine,
    NoShowReport,
    mark_no_shows,
    no_show_report,
)
from models.booking.notices import (
    APPROVAL_QUESTION,
    OFFER_QUESTION,
    PROXY_QUESTION,
    REMINDER_QUESTION,
    after_cancelled,
    describe_booking,
    plan_reminders,
    request_approval,
    send_offer,
    tell_decision,
    town_admins,
)
from models.booking.placing import (
    BookingMade,
    Queued,
    RecentBooking,
    book_slot,
    check_slot,
    just_booked,
    slot_summary,
    wait_for_slot,
)
from models.booking.proxies import (
    LOOKUP_WINDOW,
    NotForYourself,
    ResidentNotFound,
    TooManyLookups,
    answer_proxy_booking,
    find_resident_by_phone,
    lapse_unanswered,
    look_up_resident,
    revoke_consent,
)
from models.booking.proxy_consent import (
    PROXY_ANSWERS,
    ConsentWords,
    consent_question,
    grant_consent,
    has_consent,
    name_for_proxy,
    take_consent_answer,
)
from models.booking.proxy_notices import ask_resident, tell_proxy_answer, tell_resident_booked
from models.booking.proxying import (
    PHONE_MAX,
    AlreadyAnswered,
    PhoneLookup,
    ProxyAnswered,
    RequestWithdrawn,
    Resident,
    answer_proxy_question,
    has_booked_for_others,
    proxied_resident,
    resident_by_phone,
)
from models.booking.ratings import CommentTooLong, NoComment, Rated, comment_on_visit, rate_visit
from models.booking.rules import (
    AlreadyYours,
    BlackoutDay,
    BookingNotActive,
    NotYourBooking,
    OtherTownNotAllowed,
    OutsideOpeningHours,
    PartyTooLarge,
    QuotaReached,
    SlotFull,
    SlotUnavailable,
    TooFarAhead,
    TooSoon,
    check_rules,
    count_active,
    initial_status,
)
from models.booking.search import (
    DAYS_PER_PAGE,
    DayChoices,
    DaySlots,
    PlaceChoice,
    day_choices,
    day_slots,
    default_town,
    nearest_slots,
    place_choices,
)
from models.booking.slots import (
    CapacityBelowTaken,
    OpenSlot,
    day_bounds,
    generate_slots,
    open_slots,
    release_places,
    set_capacity,
    set_closed,
    slot_with_place,
    take_places,
    venues_of_kind,
)
from models.booking.staff import Page
from models.booking.tables import (
    ACTIVE,
    COMMENT_MAX,
    OPEN_ENTRY,
    Blackout,
    Booking,
    BookingFeedback,
    BookingStatus,
    OpeningHours,
    ProxyConsent,
    Slot,
    WaitlistEntry,
    WaitStatus,
    id_of,
)
from models.booking.venue_edits import (
    BlackoutRemoved,
    FlagSwitched,
    SlotChanged,
    SlotsRegenerated,
    close_slot,
    regenerate_venue_slots,
    reopen_closed_days,
    switch_venue_flag,
)
from models.booking.venue_questions import (
    RETRY,
    Answered,
    BlackoutAdded,
    HoursChanged,
    Question,
    RuleChanged,
    TextChanged,
    answer_venue_question,
    question_origin,
    venue_question,
)
from models.booking.venue_rules import FLAGS, MAX_PLACES, RULES, rule_value
from models.booking.venue_slots import extend_slots
from models.booking.venue_texts import TEXT_FIELDS
from models.booking.venues import (
    SlotCard,
    VenueBlackouts,
    VenueCard,
    VenueDay,
    VenueDays,
    VenueHours,
    VenueList,
    VenueScreen,
    venue_blackouts,
    venue_card,
    venue_day,
    venue_days,
    venue_hours,
    venue_list,
    venue_slot,
)
from models.booking.waitlist import (
    OFFER_WINDOW,
    OfferGone,
    accept_offer,
    decline_offer,
    expire_offers,
    join_waitlist,
    leave_waitlist,
    my_waitlist,
    offer_freed_places,
    open_offer,
    owned_entry,
    queue_position,
)
from models.core.csvfile import CatalogueRejected
from models.core.reasons import REASON_MAX, Wording
