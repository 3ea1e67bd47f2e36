"""Callback codes of staff work on bookings: approvals ``ap``, check-in ``ci``, /venues ``va``.

Temporary home, beside the booking core's ``models.booking.codes`` (converted in parallel): the
formats are exactly those already in people's chats, so old buttons keep working.

- ``ap:ok|no|back|quit:<booking>[:<page>]`` on a request (the outbox sends it without a page) or
  on the /approvals list (with the page it shows); ``ap:why:<booking>:<reason>[:<page>]`` a
  quick reason; ``ap:page:<page>``; ``ap:home``.
- ``ci:list:<page>`` today's slots; ``ci:s:<slot>:<page>`` a roster; ``ci:b:<booking>:<page>``
  check one in; ``ci:home``. The receipt's QR code opens ``/start ci_<code>`` (``CHECKIN_LINK``).
- ``va:…`` the /venues screens: ``list``, ``c`` a centre, ``v`` a venue's card, ``t`` a flag,
  ``h`` hours, ``g`` regenerate, ``b`` closed days, ``bd`` reopen them, ``d`` days from an
  offset, ``sl`` a day (``YYYYMMDD``), ``s`` a slot, ``so`` close (1) or open (0) it, ``home``;
  and the questions answered by typing (``QUESTIONS``): ``n`` a rule, ``hd`` a weekday's hours,
  ``ba`` add closed days, ``sc`` a slot's places, ``tx`` a text.
"""

from __future__ import annotations

from models.core.callbacks import CallbackCode, Field, Maybe

PAGE = Maybe(Field.NUMBER)  # the /approvals list page a tap came from; absent on a request

APPROVAL = CallbackCode(
    "ap",
    {
        "ok": (Field.ID, PAGE),
        "no": (Field.ID, PAGE),
        "why": (Field.ID, Field.NUMBER, PAGE),
        "back": (Field.ID, PAGE),
        "quit": (Field.ID, PAGE),
        "page": (Field.NUMBER,),
        "home": (),
    },
)

CHECKIN = CallbackCode(
    "ci",
    {
        "list": (Field.NUMBER,),
        "s": (Field.ID, Field.NUMBER),
        "b": (Field.ID, Field.NUMBER),
        "home": (),
    },
)
CHECKIN_LINK = "ci_"  # /start ci_<booking code>: the receipt's QR code

QUESTIONS = ("n", "hd", "ba", "sc", "tx")
VENUES = CallbackCode(
    "va",
    {
        "home": (),
        "list": (),
        "c": (Field.ID,),
        "v": (Field.ID,),
        "t": (Field.ID, Field.WORD),
        "h": (Field.ID,),
        "g": (Field.ID,),
        "b": (Field.ID,),
        "bd": (Field.ID, Field.ID),
        "d": (Field.ID, Field.NUMBER),
        "sl": (Field.ID, Field.WORD),
        "s": (Field.ID,),
        "so": (Field.ID, Field.NUMBER),
        "n": (Field.ID, Field.WORD),
        "hd": (Field.ID, Field.NUMBER),
        "ba": (Field.ID,),
        "sc": (Field.ID,),
        "tx": (Field.ID, Field.WORD),
    },
)

STAFF_CODES = (APPROVAL, CHECKIN, VENUES)
