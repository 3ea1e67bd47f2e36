"""What a registration must meet, each refusal a typed error with a translated reason."""

from __future__ import annotations

from datetime import datetime

from models.core.errors import DomainError, NotFound
from models.core.people import Person
from models.events.tables import Event, EventStatus


class EventNotFound(NotFound):
    """The event does not exist, or is a draft the person may not see."""

    message_id = "events.error.not_found"


class RegistrationClosed(DomainError):
    """The event was cancelled, has started, or its registration deadline has passed."""

    message_id = "events.error.closed"


class NotInAudience(DomainError):
    """The event is for residents of another town or community."""

    message_id = "events.error.audience"


class PartyTooLarge(DomainError):
    """More people than the event allows per registration (``most``)."""

    message_id = "events.error.party_too_large"
    plural = "most"


class AnswerNeeded(DomainError):
    """The registration question was not answered, or not with one of its options."""

    message_id = "events.error.answer"


class NotYourRegistration(DomainError):
    """The registration (or offer) belongs to someone else, or does not exist."""

    message_id = "events.error.not_yours"


class RegistrationGone(DomainError):
    """The registration is no longer active (cancelled, past)."""

    message_id = "events.error.gone"


class OfferGone(DomainError):
    """The offer was taken up, declined, or has lapsed."""

    message_id = "events.error.offer_gone"


class NoRoom(DomainError):
    """No places left for this (a walk-in, a larger party)."""

    message_id = "events.error.no_room"


class ConsentNeeded(DomainError):
    """A proxy registration without the resident's standing consent and without their yes."""

    message_id = "events.error.consent_needed"


class RequestLapsed(DomainError):
    """A proxy's request was not answered in time; answering it now changes nothing."""

    message_id = "events.error.request_lapsed"


class EventInvalid(DomainError):
    """An event's details do not hold together (``field`` names what is wrong)."""

    message_id = "events.error.invalid"


class NotCheckable(DomainError):
    """Check-in is only for confirmed registrations on the event's day."""

    message_id = "events.error.not_checkable"


class AlreadyCheckedIn(DomainError):
    """The registration was checked in before."""

    message_id = "events.error.already_checked_in"


class NotRateable(DomainError):
    """Only an attendee may rate an event, once it has ended, with 1 to 5."""

    message_id = "events.error.not_rateable"


def check_open(event: Event, now: datetime) -> None:
    """Refuse when the event takes no registrations now."""
    if event.status != EventStatus.PUBLISHED.value or event.starts_at <= now:
        raise RegistrationClosed()
    if event.registration_closes_at is not None and event.registration_closes_at <= now:
        raise RegistrationClosed()


def check_audience(event: Event, person: Person) -> None:
    """Refuse a person outside the event's audience (a town, a community)."""
    if event.audience_town_id is not None and person.town_id != event.audience_town_id:
        raise NotInAudience()
    if (
        event.audience_community_id is not None
        and person.community_id != event.audience_community_id
    ):
        raise NotInAudience()


def check_party(event: Event, party_size: int) -> None:
    """Refuse a party larger than the event allows (or smaller than one)."""
    if party_size < 1 or party_size > event.max_party:
        raise PartyTooLarge(most=event.max_party)


class QuotaBelowTaken(DomainError):
    """A town's new quota is below the places its residents already hold (``taken``)."""

    message_id = "events.error.quota_below_taken"
    plural = "taken"


class OptionChosen(DomainError):
    """An option people chose cannot be removed (``chosen`` of them); rename it instead."""

    message_id = "events.error.option_chosen"
    plural = "chosen"
