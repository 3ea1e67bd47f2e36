"""Staff side of joint events: organisers create and manage events, volunteers work the door.

- ``flow``/``steps``/``answers``/``build``: the creation conversation (➕ on the list);
- ``manage``/``screens``: the organiser's list (``/eventadmin``), an event's card,
  publish, announce (a broadcast), cancel;
- ``edit``: change one detail, or copy the event to another day (typed answers);
- ``shares``/``retype``: each town's quota and the question's answers (add, change, remove);
- ``door``: today's events under ``/checkin``, roster ticks, walk-ins, the ride list, CSV
  files, and the receipt's QR code (``/start ev_<code>``).
"""

from telegram.ext import BaseHandler, CommandHandler

from handlers.events.staff.codes import CODES, DOOR, MANAGE
from handlers.events.staff.door import check_in_by_code, door_rows, on_door_tap
from handlers.events.staff.edit import edit_conversation
from handlers.events.staff.flow import creation_conversation
from handlers.events.staff.manage import manage_command, may_manage_events, on_manage_tap
from handlers.events.staff.retype import retype_conversation
from handlers.kit import DeepLink, Question, Wiring, tap_handler
from models.core.errors import NotAllowed
from models.events import CHECKIN_LINK

STAFF_DEEP_LINKS = [DeepLink(CHECKIN_LINK, check_in_by_code)]
STAFF_QUESTIONS: list[Question] = []
STAFF_CALLBACKS = list(CODES)
STAFF_CHECKIN = [door_rows]  # Feature.checkin: today's events under /checkin


def staff_handlers(wiring: Wiring) -> list[BaseHandler]:  # type: ignore[type-arg]
    """The creation and edit conversations, /eventadmin, and the ``evm:``/``evd:`` taps.

    Order matters: the conversations come first, so their entry taps (new, a detail, copy,
    a quota, an answer) reach them before the general ``evm:`` handler."""
    return [
        creation_conversation(),
        edit_conversation(),
        retype_conversation(),
        CommandHandler("eventadmin", manage_command),
        tap_handler(MANAGE, on_manage_tap, refusal=NotAllowed),
        tap_handler(DOOR, on_door_tap, refusal=NotAllowed),
    ]


__all__ = [
    "STAFF_CALLBACKS",
    "STAFF_CHECKIN",
    "STAFF_DEEP_LINKS",
    "STAFF_QUESTIONS",
    "manage_command",
    "may_manage_events",
    "staff_handlers",
]
