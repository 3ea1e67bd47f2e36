"""The booking buttons' callback data, defined once for the model that writes them and the
handler that reads them. The formats are those of buttons already sent, so they keep working.
"""

from __future__ import annotations

from models.core.callbacks import CallbackCode, Field

# The resident's one tap on a proxy booking: ``px:ok|always|no:<booking>``.
PROXY_ANSWER = CallbackCode("px", {"ok": (Field.ID,), "always": (Field.ID,), "no": (Field.ID,)})
# The 24 h reminder: ``bk:yes:<booking>`` (coming) or ``bk:no:<booking>`` (cancel it).
REMINDER_ANSWER = CallbackCode("bk", {"yes": (Field.ID,), "no": (Field.ID,)})
# A waitlist offer: ``wl:acc:<entry>`` or ``wl:dec:<entry>``.
OFFER_ANSWER = CallbackCode("wl", {"acc": (Field.ID,), "dec": (Field.ID,)})
# An admin's approval: ``ap:ok|no:<booking>`` under the request the outbox sent, with ``:<page>``
# on the /approvals list; ``ap:why:<booking>:<reason>[:<page>]`` a quick reason;
# ``ap:back|quit:<booking>[:<page>]`` leave the reason screen; ``ap:page:<n>``; ``ap:home``.
APPROVAL = CallbackCode(
    "ap",
    {
        "ok": (Field.ID,),
        "no": (Field.ID,),
        "why": (Field.ID, Field.NUMBER),
        "back": (Field.ID,),
        "quit": (Field.ID,),
        "page": (Field.NUMBER,),
        "home": (),
    },
    optional={action: (Field.NUMBER,) for action in ("ok", "no", "why", "back", "quit")},
)
# The rating after a visit: ``rate:<booking>:<stars>`` (1-5; no action word).
RATING = CallbackCode("rate", {"": (Field.ID, Field.NUMBER)})
# Staff check-in: ``ci:list:<page>``, ``ci:s:<slot>:<page>``, ``ci:b:<booking>:<page>``,
# ``ci:home``.
CHECK_IN = CallbackCode(
    "ci",
    {
        "list": (Field.NUMBER,),
        "s": (Field.ID, Field.NUMBER),
        "b": (Field.ID, Field.NUMBER),
        "home": (),
    },
)
CHECKIN_LINK = "ci_"  # /start ci_<booking code>: the receipt's check-in QR code
# The /venues screens ``va:…``: ``list``, ``c`` a centre, ``v`` a venue's card, ``t`` a flag,
# ``h`` hours, ``g`` regenerate, ``b`` closed days, ``bd`` reopen them, ``d`` days from an offset,
# ``sl`` a day (``YYYYMMDD``), ``s`` a slot, ``so`` close (1) or open (0) it, ``home``; and the
# questions answered by typing (``QUESTIONS``): ``n`` a rule, ``hd`` a weekday's hours, ``ba``
# add closed days, ``sc`` a slot's places, ``tx`` a text.
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
CODES = (PROXY_ANSWER, REMINDER_ANSWER, OFFER_ANSWER, APPROVAL, RATING, CHECK_IN, VENUES)
