"""Callback codes of the buttons "my bookings" answers: reminder, waitlist offer, rating.

Temporary home: these fold into ``models.booking.codes`` (the booking core's) at merge time.
The formats are the ones already on residents' phones and must keep parsing.
"""

from __future__ import annotations

from models.core.callbacks import CallbackCode, Field

# bk:yes|no:<booking> under the 24 h reminder: 1 coming / 2 cancel it.
REMINDER = CallbackCode("bk", {"yes": (Field.ID,), "no": (Field.ID,)})
# wl:acc|dec:<entry> under a waitlist offer: take the held places, or pass them on.
OFFER = CallbackCode("wl", {"acc": (Field.ID,), "dec": (Field.ID,)})
# rate:<booking>:<stars> under the question after a visit (no action word: an old format).
RATE = CallbackCode("rate", {"": (Field.ID, Field.NUMBER)})
