"""The approval queue: admins of a venue's town approve or decline the bookings that need it.

Every use case checks the admin's scopes against the venue's town (a forged or foreign booking
id is ``NotAllowed``: it learns nothing), and a booking no longer waiting is
``BookingNotActive``: someone else decided first, or the resident cancelled.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from models.booking.bookings import (
    Booking,
    BookingNotActive,
    BookingStatus,
    BookingView,
    booking_rows,
    cancel_booking,
)
from models.booking.notices import tell_decision
from models.booking.staff import Page, page_of, staff_booking
from models.core.audit import record_audit
from models.core.authz import Action, Scope, admin_towns
from models.core.base import N_, utcnow
from models.core.errors import DomainError, NotAllowed
from models.core.people import Person
from models.core.places import ServiceCentre
from models.core.reasons import Wording, typed_reason

PAGE_SIZE = 5
MAX_QUEUE = 200
QUICK_REASONS = (
    N_("approvals.reason.busy"),
    N_("approvals.reason.incomplete"),
    N_("approvals.reason.other"),
)


class ReasonInvalid(DomainError):
    """A typed reason must be some text, at most ``REASON_MAX`` characters."""

    message_id = "approvals.reason.invalid"
    plural = "max"


@dataclass(frozen=True)
class ApprovalItem:
    """A booking as the approval screens show it, with the name of the resident who asked."""

    view: BookingView
    resident: str | None

    @property
    def booking_id(self) -> int:
        """The booking's id."""
        return self.view.booking.id or 0


ApprovalQueue = Page[ApprovalItem]
# Where a decision returns to: the request message itself, or the list page it was made on.
ApprovalOrigin = ApprovalItem | ApprovalQueue


@dataclass(frozen=True)
class Decision:
    """A booking approved or declined (the resident is told), and the screen to show next."""

    item: ApprovalItem
    approved: bool
    reason: str | None
    admin: Person
    shown: ApprovalOrigin


async def _resident_name(session: AsyncSession, view: BookingView) -> str | None:
    resident = await session.get(Person, view.booking.person_id)
    return resident.display_name if resident is not None else None


async def _item(
    session: AsyncSession, scopes: Iterable[Scope], booking_id: int, *, waiting: bool
) -> ApprovalItem:
    view = await staff_booking(session, booking_id, scopes, Action.VENUE_MANAGE)
    if waiting and view.booking.status != BookingStatus.PENDING_APPROVAL.value:
        raise BookingNotActive()
    return ApprovalItem(view, await _resident_name(session, view))


async def approval_queue(
    session: AsyncSession, *, scopes: Iterable[Scope], page: int = 0
) -> ApprovalQueue:
    """A page of the bookings waiting at the admin's towns, oldest first."""
    query = (
        booking_rows()
        .add_columns(col(Person.display_name))
        .outerjoin(Person, col(Person.id) == col(Booking.person_id))
        .where(col(Booking.status) == BookingStatus.PENDING_APPROVAL.value)
        .order_by(col(Booking.created_at), col(Booking.id))
        .limit(MAX_QUEUE)
    )
    towns = admin_towns(scopes)
    if towns is not None:
        query = query.where(col(ServiceCentre.town_id).in_(towns))
    rows = (await session.execute(query)).all()
    items = [ApprovalItem(BookingView(b, s, v, c), name) for b, s, v, c, name in rows]
    return page_of(items, page, PAGE_SIZE)


async def approval_request(
    session: AsyncSession, *, scopes: Iterable[Scope], booking_id: int
) -> ApprovalItem:
    """One booking as its request showed it (decided or not), for an admin of its town."""
    return await _item(session, scopes, booking_id, waiting=False)


async def approval_origin(
    session: AsyncSession, *, scopes: Iterable[Scope], booking_id: int, page: int | None
) -> ApprovalOrigin:
    """Where a tap on ``booking_id`` came from: its request (``page`` None) or a list page."""
    item = await _item(session, scopes, booking_id, waiting=False)  # the scope, checked first
    if page is None:
        return item
    return await approval_queue(session, scopes=scopes, page=page)


async def approval_to_decline(
    session: AsyncSession, *, scopes: Iterable[Scope], booking_id: int
) -> ApprovalItem:
    """The waiting booking an admin is about to decline (asked for the reason next)."""
    return await _item(session, scopes, booking_id, waiting=True)


def quick_reason(index: int) -> str:
    """The message id of the quick reason at ``index``; NotAllowed for any other number."""
    if not 0 <= index < len(QUICK_REASONS):
        raise NotAllowed()
    return QUICK_REASONS[index]


def _typed_reason(text: str | None) -> str:
    return typed_reason(text, ReasonInvalid)


async def decide_approval(
    session: AsyncSession,
    *,
    person: Person,
    scopes: Iterable[Scope],
    booking_id: int,
    approve: bool,
    reason: str | Wording | None = None,
    page: int | None = None,
) -> Decision:
    """Approve, or decline for ``reason`` (typed, or a quick one in the resident's language).

    Only an admin of the venue's town decides, once; the decision is audited and the resident
    is told. Returns the decision and the screen it returns to (the request, or ``page``).
    """
    item = await _item(session, scopes, booking_id, waiting=True)
    booking = item.view.booking
    booking.decided_by_id = person.id
    said: str | None = None
    if approve:
        booking.status, booking.updated_at = BookingStatus.CONFIRMED.value, utcnow()
        await session.flush()
        await record_audit(session, person.id, "booking.approve", "booking", booking.id)
    else:
        if callable(reason):
            resident = await session.get(Person, booking.person_id)
            said = reason(resident.language if resident is not None else None)
        else:
            said = _typed_reason(reason)
        await cancel_booking(session, booking, person, status=BookingStatus.DECLINED, reason=said)
    await tell_decision(session, booking, approved=approve, reason=said)
    shown = item if page is None else await approval_queue(session, scopes=scopes, page=page)
    return Decision(item, approve, said, person, shown)
