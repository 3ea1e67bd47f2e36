"""Check-in codes: the secret in a receipt's QR code, for bookings and event registrations."""

from __future__ import annotations

import re
import secrets

# What a code looks like (``secrets.token_urlsafe(12)``); anything else is refused unread.
CODE = re.compile(r"[A-Za-z0-9_-]{1,24}")


def new_code() -> str:
    """A fresh, unguessable check-in code (16 characters)."""
    return secrets.token_urlsafe(12)


def looks_like_code(text: str) -> bool:
    """Whether ``text`` could be a check-in code (checked before any lookup)."""
    return CODE.fullmatch(text) is not None
