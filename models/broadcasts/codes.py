"""The callback data of broadcast buttons: ``bc:<action>[:<broadcast id>]``.

Written by the approval request (``models.broadcasts.notices``) and by the /broadcasts screens,
read by ``handlers.broadcasts``. Buttons already sent keep working: the format is unchanged.
"""

from __future__ import annotations

from models.core.callbacks import CallbackCode, Field

BROADCAST_TAP = CallbackCode(
    "bc",
    {
        "ok": [Field.ID],  # an admin approves the broadcast
        "no": [Field.ID],  # … or rejects it
        "list": [],  # the author's broadcasts (/broadcasts)
        "home": [],  # the main menu
        "cancel": [Field.ID],  # asks to cancel a broadcast
        "stop": [Field.ID],  # … and cancels it
    },
)
