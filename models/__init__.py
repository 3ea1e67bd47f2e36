"""Domain tables, operations and typed errors. Never imports telegram or aiohttp."""

from models.booking import (
    Blackout,
    Booking,
    BookingFeedback,
    BookingStatus,
    OpeningHours,
    ProxyConsent,
    Slot,
    WaitlistEntry,
)
from models.broadcasts import Broadcast, BroadcastStatus
from models.core.audit import AuditLog, record_audit
from models.core.authz import Role, RoleGrant
from models.core.base import metadata, utcnow
from models.core.catalogue import CatalogueVersion
from models.core.errors import DomainError
from models.core.groups import BotGroup
from models.core.outbox import OutboxKind, OutboxMessage, OutboxStatus
from models.core.people import NotificationOptOut, Person
from models.core.places import Community, ServiceCentre, Town, Venue, VenueKind
from models.core.questions import PendingQuestion
from models.core.runtime import ProcessedUpdate, PtbState
from models.disputes import DisputeCase
from models.events import Event
from models.governance import ActionItem, JointMeeting, StaffSecondment, Suggestion
from models.roles import Invite

__all__ = [
    "ActionItem",
    "AuditLog",
    "Blackout",
    "Booking",
    "BookingFeedback",
    "BookingStatus",
    "BotGroup",
    "Broadcast",
    "BroadcastStatus",
    "CatalogueVersion",
    "Community",
    "DisputeCase",
    "DomainError",
    "Event",
    "Invite",
    "JointMeeting",
    "NotificationOptOut",
    "OpeningHours",
    "OutboxKind",
    "OutboxMessage",
    "OutboxStatus",
    "PendingQuestion",
    "Person",
    "ProcessedUpdate",
    "ProxyConsent",
    "PtbState",
    "Role",
    "RoleGrant",
    "ServiceCentre",
    "Slot",
    "StaffSecondment",
    "Suggestion",
    "Town",
    "Venue",
    "VenueKind",
    "WaitlistEntry",
    "metadata",
    "record_audit",
    "utcnow",
]
