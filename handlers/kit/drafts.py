"""Typed drafts: what the open flow has gathered so far, kept in ``user_data`` across restarts.

Each flow describes its draft as a ``TypedDict``; ``draft(context, BookingDraft)`` returns the
stored dict typed as that, so reads and writes are checked by mypy and still land in
``user_data`` (persisted as JSON). Only one flow is open at a time, so there is one draft: the
kit clears it when a flow is entered and when it is left.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from bot.context import TongxinContext
from models.core.screens import SCREEN_KEY

DRAFT_KEY = "draft"
# What the current screen showed (handlers.kit.screens); the outbox pump reads its question
# and keyboard there to ask it again after a notice (models.core.screens).
SHOWN_KEY = SCREEN_KEY
D = TypeVar("D", bound=Mapping[str, Any])


def _user_data(context: TongxinContext) -> dict[str, Any]:
    data = context.user_data
    if data is None:  # only jobs have no user; flows always have one
        raise RuntimeError("drafts need an update with a user")
    return data


def draft(context: TongxinContext, kind: type[D]) -> D:
    """The open flow's draft, typed as ``kind`` (created empty when there is none)."""
    return cast(D, _user_data(context).setdefault(DRAFT_KEY, {}))


def clear_draft(context: TongxinContext) -> None:
    """Forget the open flow's draft and the choices its last screen showed."""
    data = _user_data(context)
    data.pop(DRAFT_KEY, None)
    data.pop(SHOWN_KEY, None)
