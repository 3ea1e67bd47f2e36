"""Domain tables, operations and typed errors. Never imports telegram or aiohttp."""

from models.audit import AuditLog, record_audit
from models.base import metadata, utcnow
from models.errors import DomainError
from models.events import Event
from models.people import NotificationOptOut, Person
from models.places import Community, ServiceCentre, Town, Venue, VenueKind
from models.roles import Invite, Role, RoleGrant
from models.runtime import ProcessedUpdate, PtbState

__all__ = [
    "AuditLog",
    "Community",
    "DomainError",
    "Event",
    "Invite",
    "NotificationOptOut",
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
