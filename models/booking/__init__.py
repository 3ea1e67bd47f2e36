# mine
from models.booking.bookings import BookingView, NotYourBooking
from models.booking.feedback import NotRateable
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
    answer_waiting_reminder,
    take_offer,
)
from models.booking.mine_codes import OFFER, RATE, REMINDER
from models.booking.mine_move import MoveChoice, MoveSlots, move_booking, move_choice, move_slots
from models.booking.ratings import CommentTooLong, NoComment, Rated, comment_on_visit, rate_visit
from models.booking.rules import SlotFull, SlotUnavailable

__all__ = [
    "BOOKING",
    "ENTRY",
    "OFFER",
    "RATE",
    "REMINDER",
    "BookingDetail",
    "BookingView",
    "CommentTooLong",
    "EntryView",
    "ItemGone",
    "MineItem",
    "MoveChoice",
    "MoveSlots",
    "NoComment",
    "NotRateable",
    "NotYourBooking",
    "Rated",
    "SlotFull",
    "SlotUnavailable",
    "answer_offer",
    "answer_reminder",
    "answer_waiting_reminder",
    "booking_detail",
    "cancel_mine",
    "comment_on_visit",
    "entry_view",
    "leave_queue",
    "move_booking",
    "move_choice",
    "move_slots",
    "my_list",
    "rate_visit",
    "take_offer",
]
