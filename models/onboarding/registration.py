"""Registering: consent, language, town, community, name, phone, then a complete profile.

Every step saves at once (a restart or a break keeps what was given) and returns the same
``Registration`` view, which holds everything any onboarding screen shows: the person, the
towns, the chosen town and its communities.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from models.core.catalogue import list_communities, list_towns
from models.core.errors import NotRegistered
from models.core.names import display_name_for
from models.core.people import (
    Person,
    clean_phone,
    complete_onboarding,
    record_consent,
    update_profile,
)
from models.core.places import Community, Town
from models.settings import erase_person


@dataclass(frozen=True)
class Registration:
    """A person's registration so far, with the choices its next question needs."""

    person: Person
    towns: list[Town]
    town: Town | None
    communities: list[Community]

    @property
    def community(self) -> Community | None:
        """The chosen community, if any."""
        return next((c for c in self.communities if c.id == self.person.community_id), None)


async def registration(session: AsyncSession, *, person: Person) -> Registration:
    """Where the person's registration stands."""
    towns = await list_towns(session)
    town = next((t for t in towns if t.id == person.town_id), None)
    communities = await list_communities(session, town.id) if town and town.id else []
    return Registration(person, towns, town, communities)


async def give_consent(
    session: AsyncSession, *, tg_user_id: int, chat_id: int, language: str | None
) -> Registration:
    """The person agrees: their row is created (or refreshed) now."""
    person = await record_consent(session, tg_user_id, chat_id, language)
    return await registration(session, person=person)


async def refuse_consent(session: AsyncSession, *, person: Person | None) -> None:
    """The person does not agree: nothing is kept (a consent given before Back is erased)."""
    if person is not None:
        await erase_person(session, person)


async def choose_language(session: AsyncSession, *, person: Person, language: str) -> Registration:
    """Speak ``language`` from now on."""
    await update_profile(session, person, language=language)
    return await registration(session, person=person)


async def choose_town(session: AsyncSession, *, person: Person, town_id: int) -> Registration:
    """Live in ``town_id`` (a community chosen before, of another town, is cleared)."""
    await update_profile(session, person, town_id=town_id)
    return await registration(session, person=person)


async def choose_community(
    session: AsyncSession, *, person: Person, community_id: int
) -> Registration:
    """Live in ``community_id`` (``NotFound`` for a community outside the chosen town)."""
    await update_profile(session, person, community_id=community_id)
    return await registration(session, person=person)


async def give_name(
    session: AsyncSession, *, person: Person, name: str | None, admin_ids: Collection[int]
) -> Registration:
    """How the bot should address the person (the one name validator, then no staff's name)."""
    kept = await display_name_for(session, person=person, name=name, admin_ids=admin_ids)
    await update_profile(session, person, display_name=kept)
    return await registration(session, person=person)


async def give_phone(session: AsyncSession, *, person: Person, phone: str | None) -> Registration:
    """The person's own phone number, shared from their phone's contact card."""
    await update_profile(session, person, phone=clean_phone(phone))
    return await registration(session, person=person)


async def finish_registration(session: AsyncSession, *, person: Person) -> Registration:
    """Mark the profile complete; ``NotRegistered`` while town or community is missing."""
    if person.id is None:
        raise NotRegistered()
    await complete_onboarding(session, person)
    return await registration(session, person=person)
