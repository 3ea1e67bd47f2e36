"""Domain tables, operations and typed errors. Never imports telegram or aiohttp."""

from models.audit import AuditLog, record_audit
from models.base import metadata, utcnow
from models.broadcasts import Broadcast, BroadcastStatus
from models.errors import DomainError
from models.events import Event
from models.invites import Invite
from models.outbox import OutboxKind, OutboxMessage, OutboxStatus
from models.people import NotificationOptOut, Person
from models.places import Community, ServiceCentre, Town, Venue, VenueKind
from models.roles import Role, RoleGrant
from models.runtime import ProcessedUpdate, PtbState

__all__ = [
    "AuditLog",
    "Broadcast",
    "BroadcastStatus",
    "Community",
    "DomainError",
    "Event",
    "Invite",
    "NotificationOptOut",
    "OutboxKind",
    "OutboxMessage",
    "OutboxStatus",
    "Person",
    "ProcessedUpdate",
    "PtbState",
    "Role",
    "RoleGrant",
    "ServiceCentre",
    "Town",
    "Venue",
    "VenueKind",
    "metadata",
    "record_audit",
    "utcnow",
]
