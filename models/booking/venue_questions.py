"""/venues questions answered by typing: what is asked, and applying the typed answer.

A question is ``(kind, target, key)``: ``n`` a numeric rule of venue ``target`` (``key``: the
rule), ``hd`` one weekday's hours (``key``: 0–6), ``ba`` new closed days, ``tx`` one of the
venue's texts (``key``: ``models.booking.venue_texts``), ``sc`` the places of slot ``target``.
An answer the question cannot use raises one of ``RETRY`` (explained, then asked again).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncSession

from models.booking.calendar import Blackout, hours_of
from models.booking.catalogue.text import Period
from models.booking.slots import CapacityBelowTaken, Slot
from models.booking.staff import row_id
from models.booking.venue_calendar import (
    BlackoutInvalid,
    HoursInvalid,
    add_blackout,
    set_weekday_hours,
    weekday_of,
)
from models.booking.venue_edits import SlotChanged
from models.booking.venue_rules import NumberInvalid, parse_rule, rule_of, set_rule
from models.booking.venue_slots import change_slot_capacity
from models.booking.venue_texts import TextInvalid, set_venue_text, text_field
from models.booking.venues import (
    SlotCard,
    VenueBlackouts,
    VenueCard,
    VenueHours,
    blackouts_view,
    card_of,
    hours_view,
    managed_slot,
    managed_venue,
)
from models.core.authz import Scope
from models.core.errors import NotFound
from models.core.people import Person
from models.core.places import Venue

# The refusals that keep the question open: explained, then asked again.
RETRY = (NumberInvalid, HoursInvalid, BlackoutInvalid, TextInvalid, CapacityBelowTaken)


@dataclass(frozen=True)
class Question:
    """What a question asks about: the venue, the slot (``sc``), the weekday's hours (``hd``)."""

    kind: str
    key: str
    venue: Venue
    slot: Slot | None = None
    periods: list[Period] = field(default_factory=list)


@dataclass(frozen=True)
class RuleChanged:
    """A numeric rule changed (``slots``: upcoming slots that took a new capacity)."""

    card: VenueCard
    rule: str
    value: int
    slots: int


@dataclass(frozen=True)
class TextChanged:
    """One of the venue's texts changed."""

    card: VenueCard
    field: str


@dataclass(frozen=True)
class HoursChanged:
    """One weekday's opening hours changed (no periods: closed that day)."""

    hours: VenueHours
    weekday: int
    periods: list[Period]


@dataclass(frozen=True)
class BlackoutAdded:
    """Closed days added."""

    blackouts: VenueBlackouts
    blackout: Blackout


Answered = RuleChanged | TextChanged | HoursChanged | BlackoutAdded | SlotChanged


def _check_key(kind: str, key: str) -> None:
    """NotFound unless ``key`` is one the question ``kind`` can have."""
    if kind == "n":
        rule_of(key)
    elif kind == "hd":
        weekday_of(key)
    elif kind == "tx":
        text_field(key)
    elif kind not in ("ba", "sc") or key:
        raise NotFound()


async def venue_question(
    session: AsyncSession, *, scopes: Iterable[Scope], kind: str, target: int, key: str = ""
) -> Question:
    """What the question asks about, for an admin of the venue's town."""
    _check_key(kind, key)
    if kind == "sc":
        slot, venue = await managed_slot(session, scopes, target)
        return Question(kind, key, venue, slot)
    venue, _centre = await managed_venue(session, scopes, target)
    if kind == "hd":
        weekday = weekday_of(key)
        hours = await hours_of(session, row_id(venue))
        periods = [(h.opens, h.closes) for h in hours if h.weekday == weekday]
        return Question(kind, key, venue, periods=periods)
    return Question(kind, key, venue)


async def answer_venue_question(
    session: AsyncSession,
    *,
    person: Person,
    scopes: Iterable[Scope],
    kind: str,
    target: int,
    key: str = "",
    text: str | None,
) -> Answered:
    """Make the change the typed answer asks for (audited); ``RETRY`` errors when unusable."""
    _check_key(kind, key)
    if kind == "sc":
        slot, venue = await managed_slot(session, scopes, target)
        slot = await change_slot_capacity(session, person, slot, text)
        return SlotChanged(SlotCard(slot, venue), "capacity")
    venue, centre = await managed_venue(session, scopes, target)
    if kind == "n":
        value = parse_rule(key, text)
        changed = await set_rule(session, person, venue, key, value)
        return RuleChanged(await card_of(session, venue, centre), key, value, changed)
    if kind == "tx":
        await set_venue_text(session, person, venue, key, text)
        return TextChanged(await card_of(session, venue, centre), key)
    if kind == "hd":
        weekday = weekday_of(key)
        periods = await set_weekday_hours(session, person, venue, weekday, text)
        return HoursChanged(await hours_view(session, venue), weekday, periods)
    row = await add_blackout(session, person, venue, text)
    return BlackoutAdded(await blackouts_view(session, venue), row)


async def question_origin(
    session: AsyncSession, *, scopes: Iterable[Scope], kind: str, target: int
) -> VenueCard | VenueHours | VenueBlackouts | SlotCard:
    """The screen a question was asked from (for ⬅️)."""
    if kind == "sc":
        return SlotCard(*await managed_slot(session, scopes, target))
    venue, centre = await managed_venue(session, scopes, target)
    if kind == "hd":
        return await hours_view(session, venue)
    if kind == "ba":
        return await blackouts_view(session, venue)
    return await card_of(session, venue, centre)
