"""Domain tables, operations and typed errors. Never imports telegram or aiohttp."""

from models.audit import AuditLog, record_audit
from models.base import metadata, utcnow
from models.bookings import Booking, BookingStatus
from models.broadcasts import Broadcast, BroadcastStatus
from models.calendar import Blackout, OpeningHours
from models.errors import DomainError
from models.events import Event
from models.feedback import BookingFeedback
from models.invites import Invite
from models.outbox import OutboxKind, OutboxMessage, OutboxStatus
from models.people import NotificationOptOut, Person
from models.places import Community, ServiceCentre, Town, Venue, VenueKind
from models.proxies import ProxyConsent
from models.roles import Role, RoleGrant
from models.runtime import ProcessedUpdate, PtbState
from models.slots import Slot
from models.waitlist import WaitlistEntry

__all__ = [
    "AuditLog",
    "Blackout",
    "Booking",
    "BookingFeedback",
    "BookingStatus",
    "Broadcast",
    "BroadcastStatus",
    "Community",
    "DomainError",
    "Event",
    "Invite",
    "NotificationOptOut",
    "OpeningHours",
    "OutboxKind",
    "OutboxMessage",
    "OutboxStatus",
    "Person",
    "ProcessedUpdate",
    "ProxyConsent",
    "PtbState",
    "Role",
    "RoleGrant",
    "ServiceCentre",
    "Slot",
    "Town",
    "Venue",
    "VenueKind",
    "WaitlistEntry",
    "metadata",
    "record_audit",
    "utcnow",
]
