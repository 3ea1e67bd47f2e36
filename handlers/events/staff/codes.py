"""The staff screens' callback codes: ``evm:`` (managing events) and ``evd:`` (the door).

Ids in the data are checked again by every use case against the person's towns, so a forged
id naming another town's event or registration is refused and changes nothing.
"""

from __future__ import annotations

from handlers.kit import CallbackCode, Field

ID, NUMBER, WORD = Field.ID, Field.NUMBER, Field.WORD

MANAGE = CallbackCode(
    "evm",
    {
        "list": [NUMBER],  # page
        "e": [ID],  # an event's card
        "pub": [ID],  # publish a draft
        "ann": [ID],  # announce a published event (a broadcast to its audience)
        "x": [ID],  # cancel: asked
        "xx": [ID],  # cancel: confirmed
        "ed": [ID],  # which detail to change
        "f": [ID, WORD],  # change one detail (a typed answer follows)
        "cp": [ID],  # copy to another day (a typed answer follows)
        "q": [ID],  # each town's quota
        "qt": [ID, ID],  # … one town's (a typed number follows)
        "qn": [ID, ID],  # … one town: no limit of its own
        "o": [ID],  # the question's answers
        "oe": [ID, ID],  # … one answer: change or remove
        "or": [ID, ID],  # … its new words (typed)
        "ox": [ID, ID],  # … remove: asked
        "oxx": [ID, ID],  # … remove: confirmed
        "oa": [ID],  # … a new answer (typed)
        "new": [],  # the creation conversation
        "home": [],
    },
)

DOOR = CallbackCode(
    "evd",
    {
        "e": [ID, NUMBER],  # an event's roster, page
        "r": [ID, NUMBER],  # tick a registration, roster page
        "w": [ID],  # a walk-in: which town
        "wt": [ID, NUMBER],  # … town id (0: another place), how many people next
        "wp": [ID, NUMBER, NUMBER],  # … town id, party size: recorded
        "ride": [ID],  # the driver's ride list
        "csv": [ID, NUMBER],  # 0 roster, 1 attendance
        "home": [],
    },
)

CODES = (MANAGE, DOOR)
