"""The callback data of broadcast buttons: ``bc:<action>[:<broadcast id>]``.

Written by the /broadcasts screens (and, before approval requests became questions, by the
request), read by ``handlers.broadcasts``. Buttons already sent keep working: the format is
unchanged.
"""

from __future__ import annotations

from models.core.callbacks import CallbackCode, Field

APPROVAL_QUESTION = "broadcast.approval"  # the request's question kind (handlers.broadcasts.asked)

BROADCAST_TAP = CallbackCode(
    "bc",
    {
        "ok": [Field.ID],  # an admin approves the broadcast (requests sent before questions)
        "no": [Field.ID],  # … or rejects it
        "list": [],  # the author's broadcasts (/broadcasts)
        "home": [],  # the main menu
        "cancel": [Field.ID],  # asks to cancel a broadcast
        "stop": [Field.ID],  # … and cancels it
    },
)
