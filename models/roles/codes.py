"""The inline buttons of /roles and /invite: their callback data carries all of a screen's state.

``roles:page:1``, ``roles:revoke:12`` (ask to confirm), ``roles:confirm:12`` (revoke), and
``inv:role:volunteer``, ``inv:town:volunteer:Q`` (make the link). Buttons already sent keep
working, so these formats never change.
"""

from __future__ import annotations

from models.core.callbacks import CallbackCode, Field

ROLES_CODE = CallbackCode(
    "roles",
    {
        "page": [Field.NUMBER],
        "home": [],
        "revoke": [Field.ID],
        "confirm": [Field.ID],
    },
)
INVITE_CODE = CallbackCode(
    "inv",
    {
        "start": [],
        "home": [],
        "role": [Field.WORD],
        "town": [Field.WORD, Field.WORD],  # role, town code
    },
)
